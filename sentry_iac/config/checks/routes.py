"""``route/...``: an alert rule, cron or uptime check that is on in a stack must tell someone
there, at each of its levels, on each project it watches (whose owning team may route it; see
``config.routing``)."""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sentry_iac.config.checks.context import CheckContext, Finding
from sentry_iac.config.checks.raw import entries, mapping, off_in, routed_items, text, texts
from sentry_iac.config.checks.registry import check
from sentry_iac.config.yaml.source import KeyPath, SourceMap

# (priorities, a priority's name) -> its routes (stack -> channels), or None when the name is
# not a declared priority (ref/unknown-priority reports that)
RouteOf = Callable[[dict[str, Any], Any], dict[str, Any] | None]


def _rule_route(priorities: dict[str, Any], priority: Any) -> dict[str, Any] | None:
    # A declared priority whose value is not a mapping (the model reports it) routes nowhere.
    if not isinstance(priority, str) or priority not in priorities:
        return None
    route = priorities[priority]
    return route if isinstance(route, dict) else {}


def _cron_route(priorities: dict[str, Any], priority: Any) -> dict[str, Any] | None:
    # Unlike a rule's, a cron's priority that is not a mapping is left to the model's message.
    route = priorities.get(priority) if isinstance(priority, str) else None
    return route if isinstance(route, dict) else None


@dataclass(frozen=True)
class _Book:
    """The raw routing of org.yaml: the organisation's priorities, each team's own, and each
    project's owning team (the first of its teams)."""

    priorities: dict[str, Any]
    teams: dict[str, dict[str, Any]]
    owners: dict[str, str]

    @classmethod
    def of(cls, org: Any) -> _Book:
        teams = {slug: mapping(team, "priorities") for _, team in entries(org, "teams")
                 if (slug := text(team, "slug")) is not None and mapping(team, "priorities")}
        owners = {slug: first for _, project in entries(org, "projects")
                  if (slug := text(project, "slug")) is not None
                  for _, first in list(texts(project.get("teams")))[:1]}
        return cls(mapping(org, "priorities"), teams, owners)

    def channels(self, route_of: RouteOf, priority: Any, stack: str, team: str | None
                 ) -> tuple[bool] | None:
        """(whether ``priority`` routes somewhere in ``stack`` for a project of ``team``,);
        None for an undeclared priority."""
        route = route_of(self.priorities, priority)
        if route is None:
            return None
        own = mapping(self.teams.get(team or "", {}), priority) if isinstance(priority, str) \
            else {}
        return (bool(own[stack]),) if stack in own else (bool(route.get(stack)),)


@dataclass(frozen=True)
class _Silent:
    """A level of a rule or cron that reaches no channel in ``stack``."""

    path: KeyPath  # of the key that chose the priority
    stack: str
    priority: Any
    projects: tuple[tuple[str, str | None], ...]  # (project, its owning team) left silent
    by_team: bool  # some owning team routes this priority on its own
    warning: bool = False


def _level(book: _Book, route_of: RouteOf, key: str, item: dict[str, Any],
           here: dict[str, Any], stack: str, projects: Iterable[tuple[str, str | None]],
           base: KeyPath) -> _Silent | None:
    """The level that ``key`` (``priority`` or ``warning_priority``) routes, if it is silent
    on one of ``projects`` in ``stack``; channels named by the item itself always reach."""
    extra_key = "channels" if key == "priority" else "warning_channels"
    priority = here.get(key, item.get(key))
    extra = here.get(extra_key, item.get(extra_key)) or []
    if extra:
        return None
    silent: list[tuple[str, str | None]] = []
    by_team = False
    for project, team in projects:
        found = book.channels(route_of, priority, stack, team)
        if found is None:
            return None
        own = isinstance(priority, str) and priority in book.teams.get(team or "", {})
        by_team = by_team or own
        if not found[0]:
            silent.append((project, team if own else None))
    if not silent:
        return None
    return _Silent((*base, key), stack, priority, tuple(silent), by_team, key != "priority")


def _warning_routed(item: dict[str, Any], here: dict[str, Any]) -> bool:
    """Whether a metric rule's warning level is routed on its own by warning_priority."""
    metric = item.get("measure") is not None or item.get("query") is not None
    warning = here.get("warning", item.get("warning"))
    priority = here.get("warning_priority", item.get("warning_priority"))
    return metric and warning is not None and isinstance(priority, str)


def _silent_levels(item: dict[str, Any], stacks: list[str], book: _Book,
                   route_of: RouteOf, base: KeyPath, projects: list[tuple[str, str | None]]
                   ) -> Iterator[_Silent]:
    """Each level of ``item`` that is on in a stack and reaches no channel there."""
    overrides = mapping(item, "environments")
    for stack in stacks:
        if off_in(item, stack, overrides):
            continue
        here = mapping(overrides, stack)
        found = _level(book, route_of, "priority", item, here, stack, projects, base)
        if found is not None:
            yield found
        if _warning_routed(item, here):
            found = _level(book, route_of, "warning_priority", item, here, stack, projects,
                           base)
            if found is not None:
                yield found


# (where, the silent level, "alert rule", "cron" or "uptime check")
Silent = tuple[SourceMap, _Silent, str]


def _silent(context: CheckContext) -> list[Silent]:
    """Every level of an alert rule, cron or uptime check that is on in a stack and reaches
    no channel; found once per context, for both checks of this family."""
    if _FOUND and _FOUND[0][0]() is context:
        return _FOUND[0][1]
    found = list(_find_silent(context))
    _FOUND[:] = [(weakref.ref(context), found)]
    return found


# The last context's findings; a weak reference, so a finished run's configuration is freed.
_FOUND: list[tuple[weakref.ref[CheckContext], list[Silent]]] = []


def _find_silent(context: CheckContext) -> Iterator[Silent]:
    book = _Book.of(context.org)
    stacks = sorted(context.stacks)
    for rule in context.rules():
        team = text(rule.data, "team")
        # Without a team's own routing every project of a rule is routed alike.
        projects = [(slug, team or book.owners.get(slug)) for _, slug in
                    texts(rule.data.get("projects"))] if book.teams else []
        for found in _silent_levels(rule.data, stacks, book, _rule_route, rule.at(),
                                    projects or [("", team)]):
            yield rule.source, found, "alert rule"
    slugs = {i: text(project, "slug") or "" for i, project in entries(context.org, "projects")}
    for base, item, kind in routed_items(context.org):
        slug = slugs.get(int(base[1]), "")
        owner = text(item, "owner") or book.owners.get(slug)
        if context.org_source is not None:
            for found in _silent_levels(item, stacks, book, _cron_route, base,
                                        [(slug, owner)]):
                yield context.org_source, found, kind


def _routed_stacks(org: Any) -> set[str]:
    """The stacks some priority (the organisation's or a team's) sends to a channel."""
    book = _Book.of(org)
    return {stack for priorities in (book.priorities, *book.teams.values())
            for route in priorities.values() if isinstance(route, dict)
            for stack, channels in route.items() if channels and stack != "respond"}


def _message(found: _Silent) -> str:
    stack, priority = found.stack, found.priority
    if found.warning:
        return (f"the warning level reaches no channel in stack '{stack}': warning_priority "
                f"'{priority}' routes nowhere there; add warning_channels:, or name a "
                "warning_priority that routes there")
    if not found.by_team:
        return (f"reaches no channel in stack '{stack}': priority '{priority}' routes nowhere "
                f"there; add channels: or set environments: {{{stack}: {{enabled: false}}}}")
    where = ", ".join(f"{project} (team {team})" if team else project
                      for project, team in found.projects)
    return (f"reaches no channel in stack '{stack}' on {where}: priority '{priority}' routes "
            "nowhere there, neither by the owning team's own priorities nor the "
            f"organisation's; add channels:, or channels for {stack} to the team's "
            f"'{priority}'")


@check("route/no-channel", "an alert rule, cron or uptime check that is on in a stack reaches "
                           "no channel there (at some level)")
def no_channel(context: CheckContext) -> Iterator[Finding]:
    # A stack no priority routes at all is named once by route/unrouted-stack instead.
    routed = _routed_stacks(context.org)
    for source, found, _ in _silent(context):
        if found.stack in routed:
            yield Finding(source, found.path, _message(found))


def _counted(kinds: list[str]) -> str:
    """``3 alert rules and 1 cron``."""
    counts = {kind: kinds.count(kind) for kind in ("alert rule", "cron", "uptime check")
              if kind in kinds}
    return " and ".join(f"{n} {kind}{'' if n == 1 else 's'}" for kind, n in counts.items())


@check("route/unrouted-stack", "a stack file that no priority routes, while alert rules, "
                               "crons or uptime checks are on in that stack")
def unrouted_stack(context: CheckContext) -> Iterator[Finding]:
    routed = _routed_stacks(context.org)
    silent: dict[str, list[tuple[Any, str]]] = {}
    for _, found, kind in _silent(context):
        if found.stack not in routed and not found.warning:
            silent.setdefault(found.stack, []).append((found.priority, kind))
    for stack, listed in sorted(silent.items()):
        if context.org_source is not None:
            names = ", ".join(sorted({str(priority) for priority, _ in listed}))
            yield Finding(context.org_source, ("priorities",), (
                f"no priority routes stack '{stack}' (Pulumi.{stack}.yaml), so "
                f"{_counted([kind for _, kind in listed])} on there reach no channel; add "
                f"'{stack}: [<channels>]' to the priorities they use ({names}), or remove "
                f"Pulumi.{stack}.yaml if that stack is not meant to exist"))
