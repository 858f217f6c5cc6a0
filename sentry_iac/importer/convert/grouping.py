"""Candidate rules (one per Sentry alert) -> the rules of ``alerts/*.yaml``.

Alerts with the same name and the same meaning become one rule: its projects are those whose
alerts agree stack by stack, and what differs per stack (thresholds, window, channels, repeat,
priority) goes under ``environments:``, next to the rule. A rule some stacks lack is ``only``
in the others.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sentry_iac.config.metrics import PRESETS
from sentry_iac.importer.convert.instances import LEVELS, Instance
from sentry_iac.importer.convert.names import UniqueNames, slugify

# The order keys are written in, as the README shows rules: what is measured, the levels,
# then how it compares and what issue rules trigger on.
_MEASURED = ("measure", "percentile", "search", "query")
_THRESHOLDS = ("window", "critical", "warning", "resolve")
_COMPARED = ("change", "anomaly", "when", "filters", "filter_match", "issues")
_DEFAULT_REPEAT = "30m"
_FILES = {"events": "errors.yaml", "events_analytics_platform": "performance.yaml",
          "metrics": "release-health.yaml"}


@dataclass
class GroupedRule:
    rule: dict[str, Any]  # the rule as YAML
    file: str  # alerts/<file>
    instances: list[Instance]


def _file(instance: Instance) -> str:
    if instance.kind == "issue":
        return "issues.yaml"
    measure = PRESETS.get(str(instance.content.get("measure")))
    dataset = measure.dataset if measure else (instance.content.get("query") or {}).get("dataset")
    return _FILES.get(str(dataset), "metrics.yaml")


def _key(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _effective(base: dict[str, Any], key: str) -> Any:
    return base.get(key, _DEFAULT_REPEAT if key == "repeat_every" else None)


def _base_levels(per_stack: dict[str, dict[str, Any]], order: tuple[str, ...]) -> dict[str, Any]:
    """The rule's own levels: the first stack's (the owner's when it has the alert). An
    override cannot remove a warning or resolve level, so the rule has one only when every stack
    does."""
    present = [s for s in order if s in per_stack]
    base = dict(per_stack[present[0]])
    for optional in ("warning", "resolve", "warning_priority", "warning_channels"):
        if optional in base and not all(optional in per_stack[s] for s in present):
            del base[optional]
    return base


def _rule(rule_id: str, first: Instance, projects: list[str],
          per_stack: dict[str, dict[str, Any]], order: tuple[str, ...]) -> dict[str, Any]:
    base = _base_levels(per_stack, order)
    rule: dict[str, Any] = {"id": rule_id, "name": first.name}
    if "description" in first.content:
        rule["description"] = first.content["description"]
    rule["projects"] = projects
    rule.update({k: first.content[k] for k in _MEASURED if k in first.content})
    rule.update({k: base[k] for k in _THRESHOLDS if k in base})
    rule.update({k: first.content[k] for k in _COMPARED if k in first.content})
    if base.get("repeat_every", _DEFAULT_REPEAT) != _DEFAULT_REPEAT:  # issue rules only
        rule["repeat_every"] = base["repeat_every"]
    rule["priority"] = base["priority"]
    rule["channels"] = base["channels"]
    for key in ("warning_priority", "warning_channels"):
        if key in base:
            rule[key] = base[key]
    if any(stack not in per_stack for stack in order):
        rule["only"] = [stack for stack in order if stack in per_stack]
    environments: dict[str, Any] = {}
    for stack in order:
        if stack not in per_stack:
            continue
        differs = {k: per_stack[stack][k] for k in LEVELS
                   if k in per_stack[stack] and per_stack[stack][k] != _effective(base, k)}
        if differs:
            environments[stack] = differs
    if environments:
        rule["environments"] = environments
    return rule


def _rule_id(ids: UniqueNames, base: str, project: str) -> str:
    """The rule's slug; a second rule of that name is told apart by its first project."""
    if base not in ids.taken:
        return ids.take(base)
    return ids.take(slugify(f"{base}-{project}", fallback=base))


def group_rules(instances: list[Instance], order: tuple[str, ...]) -> list[GroupedRule]:
    """``order`` lists the stacks, owner first."""
    families: dict[tuple[str, str, str], list[Instance]] = {}
    for item in sorted(instances, key=lambda i: int(i.workflow_id)):
        families.setdefault((item.name, item.kind, _key(item.content)), []).append(item)
    ids = UniqueNames()
    rules: list[GroupedRule] = []
    for family_key in sorted(families):
        # Two alerts of one family in the same project and stack need two rules.
        slots: list[dict[tuple[str, str], Instance]] = []
        for item in families[family_key]:
            slot = next((s for s in slots if (item.project, item.stack) not in s), None)
            if slot is None:
                slot = {}
                slots.append(slot)
            slot[(item.project, item.stack)] = item
        for slot in slots:
            by_project: dict[str, dict[str, Instance]] = {}
            for (project, stack), item in slot.items():
                by_project.setdefault(project, {})[stack] = item
            # Projects whose alerts agree in every stack share one rule.
            agreeing: dict[str, list[str]] = {}
            for project in sorted(by_project):
                levels = {s: i.levels for s, i in by_project[project].items()}
                agreeing.setdefault(_key(levels), []).append(project)
            for projects in agreeing.values():
                stacks = by_project[projects[0]]
                first = next(iter(stacks.values()))
                rule_id = _rule_id(ids, slugify(first.name, fallback="rule"), projects[0])
                per_stack = {s: i.levels for s, i in stacks.items()}
                members = [i for p in projects for i in by_project[p].values()]
                rules.append(GroupedRule(_rule(rule_id, first, projects, per_stack, order),
                                         _file(first), members))
    return rules
