"""Cross-checks of alert rules against ``org.yaml``: projects, priorities, channels and stacks
must exist, rule ids must be unique across files, and a rule that is on in a stack must reach
at least one channel there. Reads raw YAML data, like ``crossref``, so these problems are
reported together with model errors."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sentry_iac.config.errors import SpecError
from sentry_iac.config.yaml.source import KeyPath, SourceMap


def _known(names: Iterable[str]) -> str:
    listed = sorted(names)
    return ", ".join(listed) if listed else "none declared"


def _names(org: Any, key: str, field: str) -> set[str]:
    items = org.get(key) if isinstance(org, dict) else None
    return {i[field] for i in items or [] if isinstance(i, dict) and isinstance(i.get(field), str)}


def _keys(org: Any, key: str) -> dict[str, Any]:
    value = org.get(key) if isinstance(org, dict) else None
    return value if isinstance(value, dict) else {}


def _texts(value: Any) -> list[tuple[int, str]]:
    return [(i, v) for i, v in enumerate(value) if isinstance(v, str)] if isinstance(
        value, list) else []


def _enabled_stacks(rule: dict[str, Any], stacks: Iterable[str]) -> list[str]:
    overrides = rule.get("environments")
    overrides = overrides if isinstance(overrides, dict) else {}
    return [s for s in sorted(stacks)
            if not (isinstance(overrides.get(s), dict) and overrides[s].get("enabled") is False)]


def check_alert_references(
    files: Mapping[str, tuple[Any, SourceMap]], org: Any, stacks: Iterable[str]
) -> list[SpecError]:
    """Problems across every alerts file; ``files`` maps display name -> (raw data, source).
    Without a readable ``org.yaml`` (reported on its own) there is nothing to check against."""
    errors: list[SpecError] = []
    if not isinstance(org, dict):
        return errors
    projects = _names(org, "projects", "slug")
    channels = set(_keys(org, "channels"))
    priorities = _keys(org, "priorities")
    known_stacks = set(stacks)
    first_seen: dict[str, str] = {}
    # (project, stack, name) -> where: an alert's name in its project and environment is what
    # Sentry shows, and what tells apart the objects an interrupted deploy made
    # (providers find_created).
    named: dict[tuple[str, str, str], str] = {}
    all_ids: set[str] = set()
    for data, _ in files.values():
        rules = data.get("alerts") if isinstance(data, dict) else None
        for rule in rules if isinstance(rules, list) else []:
            if isinstance(rule, dict) and isinstance(rule.get("id"), str):
                all_ids.add(rule["id"])

    for display, (data, source) in files.items():
        rules = data.get("alerts") if isinstance(data, dict) else None
        for index, rule in enumerate(rules if isinstance(rules, list) else []):
            if not isinstance(rule, dict):
                continue

            def fail(path: KeyPath, message: str, index: int = index,
                     source: SourceMap = source) -> None:
                errors.append(source.error(("alerts", index, *path), message))

            rule_id = rule.get("id")
            if isinstance(rule_id, str):
                if rule_id in first_seen:
                    fail(("id",), f"duplicate rule id '{rule_id}' (first declared in "
                                  f"{first_seen[rule_id]})")
                else:
                    line = source.locate(("alerts", index, "id")).line
                    first_seen[rule_id] = f"{display}:{line}"
            for j, old in _texts(rule.get("previous_ids")):
                if old == rule_id or old in all_ids:
                    fail(("previous_ids", j), f"'{old}' is a current rule id; previous_ids lists "
                                              "the ids this rule had before it was renamed")
            for j, project in _texts(rule.get("projects")):
                if project not in projects:
                    fail(("projects", j), f"unknown project '{project}' (known: "
                                          f"{_known(projects)})")
                name = rule.get("name")
                if not isinstance(name, str):
                    continue
                for stack in _enabled_stacks(rule, known_stacks):
                    if (project, stack, name) in named:
                        fail(("name",), f"the rule at {named[project, stack, name]} already "
                                        f"alerts on project '{project}' in {stack} under the "
                                        f"name '{name}'; give each rule of a project its own "
                                        "name")
                        break
                    line = source.locate(("alerts", index, "name")).line
                    named[project, stack, name] = f"{display}:{line}"
            for j, channel in _texts(rule.get("channels")):
                if channel not in channels:
                    fail(("channels", j), f"unknown channel '{channel}' (known: "
                                          f"{_known(channels)})")
            priority = rule.get("priority")
            if isinstance(priority, str) and priority not in priorities:
                fail(("priority",), f"unknown priority '{priority}' (known: "
                                    f"{_known(priorities)})")
            overrides = rule.get("environments")
            overrides = overrides if isinstance(overrides, dict) else {}
            for stack, override in overrides.items():
                if stack not in known_stacks:
                    fail(("environments", stack), f"unknown stack '{stack}' (known: "
                                                  f"{_known(known_stacks)})")
                if not isinstance(override, dict):
                    continue
                p = override.get("priority")
                if isinstance(p, str) and p not in priorities:
                    fail(("environments", stack, "priority"),
                         f"unknown priority '{p}' (known: {_known(priorities)})")
                for j, channel in _texts(override.get("channels")):
                    if channel not in channels:
                        fail(("environments", stack, "channels", j),
                             f"unknown channel '{channel}' (known: {_known(channels)})")
            for stack in sorted(known_stacks):
                found = overrides.get(stack)
                here: dict[str, Any] = found if isinstance(found, dict) else {}
                if here.get("enabled") is False:
                    continue
                p = here.get("priority", priority)
                extra = here.get("channels", rule.get("channels")) or []
                route = priorities.get(p, {}) if isinstance(p, str) else {}
                routed = route.get(stack) if isinstance(route, dict) else None
                if isinstance(p, str) and p in priorities and not routed and not extra:
                    fail(("priority",), f"reaches no channel in stack '{stack}': priority "
                                        f"'{p}' routes nowhere there; add channels: or set "
                                        f"environments: {{{stack}: {{enabled: false}}}}")
    return errors
