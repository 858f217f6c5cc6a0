"""Sentry's monitors and alerts -> one candidate rule per alert, checked before it is kept.

An alert connected to one metric monitor is a metric rule (monitor and alert together); an alert
connected to its project's issue-stream monitor is an issue rule. That is also how Sentry
migrated legacy rules, so migrated ones are adopted like any other and never duplicated.
Everything else is reported, with the reason, and left in Sentry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sentry_iac.config.models import Project
from sentry_iac.importer.convert.channels import ChannelBook
from sentry_iac.importer.convert.issues import issue_fields, repeat_every, single_filter
from sentry_iac.importer.convert.levels import adjusted_levels, metric_levels, shared_actions
from sentry_iac.importer.convert.monitors import metric_fields, snuba_query
from sentry_iac.importer.convert.problems import NotExpressible
from sentry_iac.importer.convert.resolver import SnapshotResolver
from sentry_iac.importer.convert.verify import (
    Rendered,
    candidate_rule,
    check_detector,
    check_workflow,
    render,
)
from sentry_iac.importer.read.snapshot import Json, Snapshot
from sentry_iac.importer.report import Report
from sentry_iac.sentry.alerts import ERROR_DETECTOR, ISSUE_STREAM_DETECTOR
from sentry_iac.sentry.metrics import METRIC_DETECTOR
from sentry_iac.sentry.uptime import UPTIME_DETECTOR

SYSTEM_TYPES = (ERROR_DETECTOR, ISSUE_STREAM_DETECTOR)
PAGING = ("pagerduty", "opsgenie")
# Rule fields a stack may override (spec.alerts.Override); the rest must be the same in every
# stack and project of one rule.
LEVELS = ("critical", "warning", "resolve", "window", "repeat_every", "priority", "channels",
          "warning_priority", "warning_channels")
# Levels given by channel names, which the book registers once the alert is kept.
_NAMED = ("channels", "warning_channels")
MAX_NAME = 128  # RuleName: room for " [<environment>]" within Sentry's 200 characters


@dataclass(frozen=True)
class Routed:
    """The channels of an alert's levels, before they are named: ``channels`` the rule's
    (critical's, or every level's), ``warning`` the warning level's when it has its own."""

    channels: list[tuple[str, Json]]
    warning: list[tuple[str, Json]] | None = None


@dataclass
class Context:
    snapshot: Snapshot
    projects: dict[str, Project]  # the projects the YAML declares, by slug
    stacks: tuple[str, ...]
    channels: ChannelBook
    resolver: SnapshotResolver
    report: Report
    # Alerts and monitors another converter has taken care of (crons), adopted or reported.
    claimed: set[str] = field(default_factory=set)


@dataclass
class Instance:
    """One Sentry alert (and its monitor) as a rule in one project and stack."""

    kind: str  # "metric" or "issue"
    project: str
    stack: str
    environment: str
    name: str
    content: dict[str, Any]
    levels: dict[str, Any]
    workflow_id: str
    detector_id: str | None
    rendered: Rendered
    legacy: str | None = None
    renames: list[tuple[str, str, str]] = field(default_factory=list)  # (what, old, new)


def describe_alert(workflow: Json) -> str:
    env = workflow.get("environment") or "all environments"
    return f"alert {workflow.get('id')} '{workflow.get('name')}' ({env})"


def describe_monitor(detector: Json, snapshot: Snapshot) -> str:
    project = snapshot.project_slug(detector.get("projectId")) or detector.get("projectId")
    return f"monitor {detector.get('id')} '{detector.get('name')}' ({project})"


def _base_name(name: str, environment: str) -> str:
    suffix = f" [{environment}]"
    base = name[: -len(suffix)] if name.endswith(suffix) and len(name) > len(suffix) else name
    return base.strip()[:MAX_NAME].strip() or "Imported alert"


def _legacy(snapshot: Snapshot, workflow_id: str) -> str | None:
    ids = snapshot.legacy.get(workflow_id) or {}
    if ids.get("alertRuleId"):
        return f"legacy metric alert {ids['alertRuleId']}"
    if ids.get("ruleId"):
        return f"legacy issue alert {ids['ruleId']}"
    return None


def priority_for(channels: list[Json]) -> str:
    """``critical`` for an alert that pages someone, else ``standard``. PagerDuty's severity
    follows the priority when it is "default" (channel_action), so an alert paging at the
    default severity must not be critical."""
    pages = any(kind in PAGING for channel in channels for kind in channel)
    pd_default = any("pagerduty" in c and "severity" not in c["pagerduty"] for c in channels)
    return "critical" if pages and not pd_default else "standard"


class _Builder:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.detectors = {str(d["id"]): d for d in ctx.snapshot.detectors}
        self.paired: set[str] = set()
        self.tried: set[str] = set()

    def place(self, project_slug: str | None, environment: Any) -> tuple[Project, str, str]:
        """The project, stack and environment an alert belongs to."""
        project = self.ctx.projects.get(str(project_slug))
        if project is None:
            raise NotExpressible(f"its project {project_slug} is not in the YAML (see above)")
        if not environment:
            raise NotExpressible("it applies to all environments; sentry-iac writes one alert "
                                 "per environment, which picks its stack")
        stacks = [s for s in self.ctx.stacks if project.environment_for(s) == environment]
        if not stacks:
            known = ", ".join(f"{s}: {project.environment_for(s)}" for s in self.ctx.stacks)
            raise NotExpressible(f"its environment '{environment}' is no stack's ({known}); "
                                 "map it to one with --env")
        return project, stacks[0], str(environment)

    def instance(self, workflow: Json) -> Instance:
        if workflow.get("enabled") is False:
            raise NotExpressible("it is switched off; sentry-iac declares alerts that are on "
                                 "(`enabled: false` for a stack means no alert there)")
        links = [str(i) for i in workflow.get("detectorIds") or []]
        if not links:
            raise NotExpressible("it is connected to no monitor, so it never fires")
        linked = [self.detectors.get(i) for i in links]
        if any(d is None for d in linked):
            raise NotExpressible("it is connected to a monitor that could not be read")
        types = {str(d["type"]) for d in linked if d is not None}
        if types == {METRIC_DETECTOR}:
            if len(links) != 1:
                raise NotExpressible(f"it is connected to {len(links)} metric monitors; a metric "
                                     "rule is one monitor with one alert")
            if links[0] in self.paired:
                raise NotExpressible(f"monitor {links[0]} already has an alert; a metric rule "
                                     "is one monitor with one alert")
            self.tried.add(links[0])
            made = self.metric(workflow, self.detectors[links[0]])
            self.paired.add(links[0])
            return made
        if types <= set(SYSTEM_TYPES):
            projects = {str(d["projectId"]) for d in linked if d is not None}
            if len(projects) != 1:
                raise NotExpressible(f"it watches the issue streams of {len(projects)} projects; "
                                     "sentry-iac connects each alert to one project")
            if types != {ISSUE_STREAM_DETECTOR}:
                raise NotExpressible("it is connected to the project's error monitor; "
                                     "sentry-iac connects issue alerts to the issue stream")
            return self.issue(workflow, self.ctx.snapshot.project_slug(projects.pop()))
        if types == {UPTIME_DETECTOR}:
            raise NotExpressible(f"it is the alert of uptime monitor {', '.join(links)}, which "
                                 "could not be adopted (see that monitor)")
        other = sorted(types - {METRIC_DETECTOR, *SYSTEM_TYPES})
        raise NotExpressible(f"it is connected to a {', '.join(other) or 'mixed'} monitor, "
                             "which sentry-iac does not manage")

    def channels(self, group: Json) -> list[tuple[str, Json]]:
        """(wanted name, channel) of each action of one action filter, not yet registered in
        the book."""
        found = [self.ctx.channels.convert(action) for action in group.get("actions") or []]
        if not found:
            raise NotExpressible("it notifies no one; every rule reaches at least one channel")
        return found

    def routed(self, kind: str, workflow: Json) -> Routed:
        """The channels of each level of an alert: a metric alert's warning level may have
        its own."""
        if kind != "metric":
            return Routed(self.channels(single_filter(workflow)))
        levels = metric_levels(workflow)
        if levels.warning is None:
            return Routed(self.channels(levels.critical))
        try:
            warned = self.channels(levels.warning)
        except NotExpressible:
            raise NotExpressible("its warning level notifies no one; sentry-iac routes every "
                                 "level to someone") from None
        critical = [self.ctx.channels.convert(a) for a in levels.critical.get("actions") or []]
        # With no channel of its own, the critical level names the warning's: they hear it.
        return Routed(critical or warned, warned)

    def build(self, kind: str, workflow: Json, detector: Json | None, project: Project,
              stack: str, environment: str, name: str, content: dict[str, Any]) -> Instance:
        """The candidate rule, kept only if it renders to exactly this monitor and alert."""
        routed = self.routed(kind, workflow)
        pending, warned = routed.channels, routed.warning
        levels: dict[str, Any] = {"priority": priority_for([c for _, c in pending])}
        if warned is not None:
            levels["warning_priority"] = priority_for([c for _, c in warned])
        if kind == "metric":
            levels.update({k: v for k, v in content.items() if k in LEVELS})
            content = {k: v for k, v in content.items() if k not in LEVELS}
        else:  # a metric rule is never throttled (spec.alerts.METRIC_REPEAT)
            levels["repeat_every"] = repeat_every(workflow)

        def rendered(names: list[str], warning_names: list[str] | None,
                     channels: dict[str, Json]) -> Rendered:
            fields = {"id": "imported", "name": name, "projects": [project.slug], **content,
                      **{k: v for k, v in levels.items() if k not in _NAMED},
                      "channels": names}
            if warning_names is not None:
                fields["warning_channels"] = warning_names
            return render(candidate_rule(fields, project, stack, channels))

        # Channels get their names only once the alert is kept, so a rejected one adds none;
        # until then one name per destination, as the book will give them.
        trial_channels: dict[str, Json] = {}

        def trial_name(channel: Json) -> str:
            name = next((n for n, c in trial_channels.items() if c == channel),
                        f"pending-{len(trial_channels)}")
            trial_channels[name] = channel
            return name

        trial_names = [trial_name(c) for _, c in pending]
        trial_warned = None if warned is None else [trial_name(c) for _, c in warned]
        trial = rendered(trial_names, trial_warned, trial_channels)
        adjustments: list[tuple[str, str, str]] = []
        if detector is not None:
            workflow, adjustments = adjusted_metric_alert(trial.workflow, workflow)
        self.verify(trial, workflow, detector, project)
        names = [self.ctx.channels.register(wanted, channel) for wanted, channel in pending]
        levels["channels"] = names
        warning_names = None
        if warned is not None:
            warning_names = [self.ctx.channels.register(w, channel) for w, channel in warned]
            levels["warning_channels"] = warning_names
        made = Instance(kind, project.slug, stack, environment, name, content, levels,
                        str(workflow["id"]), str(detector["id"]) if detector else None,
                        rendered(names, warning_names, self.ctx.channels.channels),
                        legacy=_legacy(self.ctx.snapshot, str(workflow["id"])))
        display = f"{name} [{environment}]"
        for what, obj in (("monitor", detector), ("alert", workflow)):
            if obj is not None and obj.get("name") != display:
                made.renames.append((f"{what} {obj['id']}", str(obj.get("name")), display))
        made.renames += [(f"alert {workflow['id']} {field}", old, new)
                         for field, old, new in adjustments]
        return made

    def verify(self, trial: Rendered, workflow: Json, detector: Json | None,
               project: Project) -> None:
        if detector is not None:
            assert trial.detector is not None
            check_detector(trial.detector, detector)
            linked = [str(detector["id"])]
        else:
            linked = [self.ctx.resolver.default_detector(project.slug)]
        check_workflow(trial.workflow, workflow, self.ctx.resolver, linked)

    def metric(self, workflow: Json, detector: Json) -> Instance:
        if detector.get("enabled") is False:
            raise NotExpressible(f"its monitor {detector['id']} is switched off; sentry-iac "
                                 "declares monitors that are on")
        project_slug = self.ctx.snapshot.project_slug(detector.get("projectId"))
        environment = snuba_query(detector).get("environment")
        if workflow.get("environment") not in (None, environment):
            raise NotExpressible(f"it filters on environment '{workflow.get('environment')}' "
                                 f"while its monitor measures '{environment}'")
        project, stack, env = self.place(project_slug, environment)
        content = metric_fields(detector)
        name = _base_name(str(detector.get("name") or workflow.get("name")), env)
        return self.build("metric", workflow, detector, project, stack, env, name, content)

    def issue(self, workflow: Json, project_slug: str | None) -> Instance:
        project, stack, env = self.place(project_slug, workflow.get("environment"))
        content = issue_fields(workflow)
        name = _base_name(str(workflow.get("name")), env)
        return self.build("issue", workflow, None, project, stack, env, name, content)


def adjusted_metric_alert(ours: Json, sentry: Json) -> tuple[Json, list[tuple[str, str, str]]]:
    """Sentry's alert on a metric monitor with the two settings the first `up` gives every
    metric rule's alert, and (setting, Sentry's value, ours) for each that changes: no
    environment of its own (the monitor filters it; Sentry delivers resolutions only to alerts
    without one, getsentry/sentry#121153) and a frequency of 0 (Sentry holds back escalations
    and resolutions within it). Sentry's own migration writes alerts with the environment, and
    may give an action to both levels' filters, which the warning level's alone says
    (``levels.adjusted_levels``)."""
    adjusted = dict(sentry)
    changes = []
    shared = shared_actions(sentry)
    if shared is not None:
        adjusted = adjusted_levels(sentry, shared)
        if shared:
            changes.append(("action filters", f"{len(shared)} action(s) in both the warning and "
                            "the critical level's filters",
                            "in the warning level's filter only: it hears every change from "
                            "warning up, so each is told once"))
        elif adjusted != sentry:
            changes.append(("action filters", "a critical level's filter without actions",
                            "none: the warning level's channels hear critical too"))
    if sentry.get("environment") != ours.get("environment"):
        changes.append(("environment", str(sentry.get("environment")),
                        "none: the monitor filters it, and resolutions reach the alert"))
        adjusted["environment"] = ours.get("environment")
    frequency = (sentry.get("config") or {}).get("frequency")
    if (sentry.get("config") or {}) != ours.get("config"):
        if frequency not in (None, 0):
            changes.append(("frequency", f"{frequency} minutes",
                            "0: escalations and resolutions are never held back"))
        adjusted["config"] = ours.get("config")
    return adjusted, changes


def collect_instances(ctx: Context) -> list[Instance]:
    """Every alert that can be adopted; the rest are reported. ``ctx.claimed`` holds the ids
    adopted as crons and uptime checks (``convert.crons``, ``convert.uptime``, which also
    report the monitors of theirs they could not adopt)."""
    builder = _Builder(ctx)
    found: list[Instance] = []
    for workflow in sorted(ctx.snapshot.workflows, key=lambda w: int(w["id"])):
        if str(workflow["id"]) in ctx.claimed:
            continue
        try:
            found.append(builder.instance(workflow))
        except NotExpressible as exc:
            ctx.report.skip(describe_alert(workflow), str(exc))
    for detector in sorted(builder.detectors.values(), key=lambda d: int(d["id"])):
        if str(detector["id"]) in ctx.claimed:
            continue
        kind = str(detector.get("type"))
        subject = describe_monitor(detector, ctx.snapshot)
        if kind == METRIC_DETECTOR and str(detector["id"]) not in builder.paired:
            reason = ("its alert could not be adopted (see that alert)"
                      if str(detector["id"]) in builder.tried else
                      "no alert is connected to it; a metric rule is a monitor with its alert")
            ctx.report.skip(subject, reason)
        elif kind not in (METRIC_DETECTOR, UPTIME_DETECTOR, *SYSTEM_TYPES):
            ctx.report.skip(subject, f"a {kind} monitor; sentry-iac manages metric, uptime "
                                     "and cron monitors, not this kind")
    return found
