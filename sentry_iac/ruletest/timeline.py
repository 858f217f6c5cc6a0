"""One test played minute by minute through the payloads its stack would send: the rules of
the project in the stack (``stack_rules``), each as ``detector_payload`` and
``workflow_payload``, fed the test's inputs.

In each minute, the error events arrive first, in input order, each handed to the issue
rules' workflows (the project's issue-stream monitor passes every issue to them,
``get_detectors_for_event_data``); then every metric monitor evaluates its window and each
change of its priority is handed to its own alert. A monitor's occurrence carries the
environment of its data source; its resolution none.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sentry_iac.config.errors import SpecError, SpecErrors
from sentry_iac.config.loader import Spec
from sentry_iac.config.stack_views import StackRule, stack_rules
from sentry_iac.resources.payloads.monitors import detector_payload, workflow_payload
from sentry_iac.ruletest.aggregate import detector_value
from sentry_iac.ruletest.conditions import Change, Issue
from sentry_iac.ruletest.detector import DetectorState, Transition
from sentry_iac.ruletest.model import RuleTest
from sentry_iac.ruletest.samples import Sample, samples_of
from sentry_iac.ruletest.workflow import Workflows
from sentry_iac.sentry.alerts import CATEGORY_IDS, HIGH, MEDIUM, RESOLVED

PRIORITY_LEVELS = {"high": HIGH, "medium": MEDIUM, "low": 25}
LEVEL_NAMES = {HIGH: "high", MEDIUM: "medium"}


@dataclass(frozen=True)
class Entry:
    """One thing that happened: a rule ``fires`` (issue rules: someone was notified), or a
    monitor ``opens``, ``escalates``, ``deescalates`` or ``resolves``, with who heard it."""

    minute: int
    rule: str
    what: str
    priority: str | None
    notifies: frozenset[str]
    issue: str | None = None
    value: float | None = None


@dataclass
class PreparedRule:
    """A rule of the test's stack and project with the payloads it is evaluated on."""

    item: StackRule
    workflow: dict[str, Any]
    detector: dict[str, Any] | None = None
    where: str = ""

    @property
    def rule_id(self) -> str:
        return self.item.rule.id


PayloadHook = Callable[[PreparedRule], PreparedRule]


def rule_locations(spec: Spec) -> dict[str, str]:
    """``alerts/errors.yaml:17`` of every rule, by id."""
    out = {}
    for name, alerts_file in spec.alert_files():
        source = spec.sources[name]
        for index, rule in enumerate(alerts_file.alerts):
            out[rule.id] = f"{name}:{source.locate(('alerts', index)).line}"
    return out


def _refused(test: RuleTest, key: str, message: str, check: str) -> SpecError:
    return SpecError(test.file, test.line, 1, f"{key}", message, check)


def prepare(test: RuleTest, spec: Spec, hook: PayloadHook | None = None) -> list[PreparedRule]:
    """The payloads of every rule the test looks at; ``SpecErrors`` for a stack, project,
    rule or channel that does not exist. ``hook`` may change a payload (unit tests use it to
    show what a wrong one would do)."""
    s = test.spec
    if s.stack not in spec.stacks:
        raise SpecErrors([_refused(test, "stack", f"no stack '{s.stack}' (known: "
                                   f"{', '.join(sorted(spec.stacks))})", "ruletest/unknown-stack")])
    projects = [p.slug for p in spec.org.projects]
    if s.project not in projects:
        raise SpecErrors([_refused(test, "project", f"no project '{s.project}' in org.yaml "
                                   f"(known: {', '.join(projects)})", "ruletest/unknown-project")])
    where = rule_locations(spec)
    items = [i for i in stack_rules(spec, s.stack) if i.project.slug == s.project]
    on = {i.rule.id for i in items}
    known = ", ".join(sorted(on)) or "none"
    errors = [_refused(test, "rules", f"rule '{r}' is not on for {s.project} in stack "
                       f"'{s.stack}' (on: {known})", "ruletest/unknown-rule")
              for r in sorted(set(s.rules or ()) - on)]
    errors += [SpecError(test.file, e.line, 1, "rule", f"rule '{e.rule}' is not on for "
                         f"{s.project} in stack '{s.stack}' (on: {known})",
                         "ruletest/unknown-rule") for e in test.expected if e.rule not in on]
    channels = set(spec.org.channels)
    errors += [SpecError(test.file, e.line, 1, "notifies", f"no channel '{c}' in org.yaml",
                         "ruletest/unknown-channel")
               for e in test.expected for c in sorted((e.notifies or frozenset()) - channels)]
    if errors:
        raise SpecErrors(errors)
    chosen = [i for i in items if s.rules is None or i.rule.id in s.rules]
    out = []
    for item in chosen:
        detector = dict(detector_payload(item)) if item.rule.is_metric else None
        prepared = PreparedRule(item, dict(workflow_payload(item)), detector,
                                where.get(item.rule.id, ""))
        out.append(hook(prepared) if hook is not None else prepared)
    return out


@dataclass
class _Play:
    rules: Sequence[PreparedRule]
    samples: list[Sample]
    workflows: Workflows = field(default_factory=Workflows)
    issues: dict[str, Issue] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)

    def event(self, sample: Sample) -> None:
        issue = self.issues.get(sample.issue)
        state = sample.issue_state
        if issue is None:
            issue = self.issues[sample.issue] = Issue(
                sample.issue, CATEGORY_IDS.get(sample.category, 1),
                PRIORITY_LEVELS[sample.issue_priority], sample.minute)
            state = state or "new"
        issue.events.append((sample.minute, sample.user))
        issue.resolved = False
        change = Change(sample.minute, sample.environment, sample, first_seen=state == "new",
                        regression=state == "regression", reappeared=state == "reappeared")
        for rule in self.rules:
            if rule.detector is not None:
                continue
            notified = self.workflows.process(rule.rule_id, rule.workflow, issue, change)
            if notified:
                self.entries.append(Entry(sample.minute, rule.rule_id, "fires", None,
                                          frozenset(notified), sample.issue))

    def monitor(self, rule: PreparedRule, state: DetectorState, minute: int) -> None:
        assert rule.detector is not None
        source = rule.detector["dataSources"][0]
        step = state.update(minute, detector_value(source, rule.detector.get("config") or {},
                                                   self.samples, minute))
        if step is None:
            return
        key = f"monitor:{rule.rule_id}"
        issue = self.issues.get(key)
        if issue is None or (step.before == RESOLVED):
            issue = self.issues[key] = Issue(key, CATEGORY_IDS["metric"], step.after, minute)
        issue.priority = step.after if step.after != RESOLVED else issue.priority
        issue.resolved = step.after == RESOLVED
        issue.highest_seen = max(issue.highest_seen, step.after)
        environment = None if step.after == RESOLVED else source.get("environment")
        change = Change(minute, environment, first_seen=step.before == RESOLVED)
        notified = self.workflows.process(rule.rule_id, rule.workflow, issue, change) or []
        self.entries.append(Entry(minute, rule.rule_id, _what(step),
                                  LEVEL_NAMES.get(step.after), frozenset(notified),
                                  value=step.value))


def _what(step: Transition) -> str:
    if step.after == RESOLVED:
        return "resolves"
    if step.before == RESOLVED:
        return "opens"
    return "escalates" if step.after > step.before else "deescalates"


def last_minute(test: RuleTest, rules: Sequence[PreparedRule], samples: list[Sample]) -> int:
    """The test's ``until``, else its last input plus the longest window (and comparison
    period), so every window has emptied again."""
    if test.until is not None:
        return test.until
    longest = 0
    for rule in rules:
        if rule.detector is not None:
            source = rule.detector["dataSources"][0]
            delta = int((rule.detector.get("config") or {}).get("comparisonDelta", 0))
            longest = max(longest, (int(source["timeWindow"]) + delta) // 60)
    return max((s.minute for s in samples), default=0) + longest + 1


def play(test: RuleTest, rules: Sequence[PreparedRule], environment: str) -> list[Entry]:
    """The timeline of ``test``; ``environment`` is the stack's environment of the project."""
    samples = [s for index, spec in enumerate(test.spec.inputs)
               for s in samples_of(spec, index, environment)]
    run = _Play(rules, samples)
    detectors = [(r, DetectorState(r.detector)) for r in rules if r.detector is not None]
    errors = sorted((s for s in samples if s.kind == "error"), key=lambda s: s.minute)
    position = 0
    for minute in range(last_minute(test, rules, samples) + 1):
        while position < len(errors) and errors[position].minute == minute:
            run.event(errors[position])
            position += 1
        for rule, state in detectors:
            run.monitor(rule, state, minute)
    return run.entries
