"""Cross-checks of ``crons:`` and ``dashboards:`` against the rest of ``org.yaml``: priorities,
channels, teams, projects and stacks must exist; cron slugs are unique in the organisation (as
Sentry requires) and dashboard ids are unique; a cron alert that is on in a stack must reach a
channel there. Reads the raw YAML, like ``crossref``, so these problems are reported together
with model errors."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from sentry_iac.config.alerts import legacy_problems, rule_channels
from sentry_iac.config.crons import legacy_issue_rule
from sentry_iac.config.errors import SpecError
from sentry_iac.config.yaml.source import KeyPath, SourceMap

if TYPE_CHECKING:
    from sentry_iac.config.models import Organization


def _known(names: Iterable[str]) -> str:
    listed = sorted(names)
    return ", ".join(listed) if listed else "none declared"


def _mapping(data: Any, key: str) -> dict[str, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _entries(data: Any, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    items = data.get(key) if isinstance(data, dict) else None
    for index, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict):
            yield index, item


def _texts(value: Any) -> Iterator[tuple[int, str]]:
    for index, item in enumerate(value if isinstance(value, list) else []):
        if isinstance(item, str):
            yield index, item


class _Check:
    def __init__(self, source: SourceMap, stacks: set[str]) -> None:
        self.source = source
        self.stacks = stacks
        self.errors: list[SpecError] = []

    def fail(self, path: KeyPath, message: str) -> None:
        self.errors.append(self.source.error(path, message))

    def known(self, path: KeyPath, what: str, name: Any, known: set[str]) -> None:
        if isinstance(name, str) and name not in known:
            self.fail(path, f"unknown {what} '{name}' (known: {_known(known)})")

    def first(self, path: KeyPath, what: str, name: Any, seen: dict[str, KeyPath]) -> None:
        if not isinstance(name, str):
            return
        if name in seen:
            line = self.source.locate(seen[name]).line
            self.fail(path, f"duplicate {what} '{name}' (first declared at line {line})")
        else:
            seen[name] = path


def _check_cron(c: _Check, base: KeyPath, cron: dict[str, Any], org: Any) -> None:
    teams = {t["slug"] for _, t in _entries(org, "teams") if isinstance(t.get("slug"), str)}
    channels = set(_mapping(org, "channels"))
    priorities = _mapping(org, "priorities")
    c.known((*base, "owner"), "team", cron.get("owner"), teams)
    c.known((*base, "priority"), "priority", cron.get("priority"), set(priorities))
    for j, name in _texts(cron.get("channels")):
        c.known((*base, "channels", j), "channel", name, channels)
    overrides = _mapping(cron, "environments")
    for stack, override in overrides.items():
        c.known((*base, "environments", stack), "stack", stack, c.stacks)
        if isinstance(override, dict):
            c.known((*base, "environments", stack, "priority"), "priority",
                    override.get("priority"), set(priorities))
            for j, name in _texts(override.get("channels")):
                c.known((*base, "environments", stack, "channels", j), "channel", name, channels)
    for stack in sorted(c.stacks):
        here = overrides.get(stack)
        here = here if isinstance(here, dict) else {}
        if here.get("enabled") is False:
            continue
        priority = here.get("priority", cron.get("priority"))
        route = priorities.get(priority) if isinstance(priority, str) else None
        routed = route.get(stack) if isinstance(route, dict) else None
        extra = here.get("channels", cron.get("channels")) or []
        if isinstance(route, dict) and not routed and not extra:
            c.fail((*base, "priority"), f"reaches no channel in stack '{stack}': priority "
                                        f"'{priority}' routes nowhere there; add channels: or "
                                        f"set environments: {{{stack}: {{enabled: false}}}}")


def check_observability_references(
    org: Any, stacks: Iterable[str], source: SourceMap
) -> list[SpecError]:
    """Problems with the references of every cron and dashboard in ``org.yaml``."""
    c = _Check(source, set(stacks))
    slugs: dict[str, KeyPath] = {}
    projects = set()
    for i, project in _entries(org, "projects"):
        if isinstance(project.get("slug"), str):
            projects.add(project["slug"])
        for j, cron in _entries(project, "crons"):
            base = ("projects", i, "crons", j)
            c.first((*base, "slug"), "cron slug", cron.get("slug"), slugs)
            _check_cron(c, base, cron, org)
    ids: dict[str, KeyPath] = {}
    for i, dashboard in _entries(org, "dashboards"):
        c.first(("dashboards", i, "id"), "dashboard id", dashboard.get("id"), ids)
        for j, slug in _texts(dashboard.get("projects")):
            c.known(("dashboards", i, "projects", j), "project", slug, projects)
        for stack in _mapping(dashboard, "environments"):
            c.known(("dashboards", i, "environments", stack), "stack", stack, c.stacks)
    return c.errors



def legacy_cron_problems(
    org: Organization, legacy_stacks: Iterable[str], source: SourceMap,
    channel_kinds: dict[str, tuple[str, bool]],
) -> list[SpecError]:
    """What the retired alert-rule API cannot express of the cron alerts on in a stack on the
    legacy backend (their channels); see ``crons.legacy_issue_rule``."""
    routes = org.routes
    errors = []
    for stack in sorted(legacy_stacks):
        for i, project in enumerate(org.projects):
            for j, cron in enumerate(project.crons):
                override = cron.environments.get(stack)
                if override is not None and not override.enabled:
                    continue
                rule = legacy_issue_rule(cron, project.slug)
                channels = rule_channels(rule, stack, routes)
                for problem in legacy_problems(rule, channel_kinds, channels):
                    errors.append(source.error(("projects", i, "crons", j),
                                               f"in stack '{stack}': {problem}"))
    return errors
