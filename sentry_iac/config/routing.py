"""Who a rule or cron tells, per stack and project: its priority's channels, from the owning
team's routing where that team gives them (``teams[].priorities``), else the organisation's;
and, for a metric rule whose warning level is routed on its own (``warning_priority``,
``warning_channels``), the warning level's channels.

The owning team of a project is the first of its ``teams`` (as for its cron monitors'
owner); a rule's ``team:`` (a cron's ``owner:``) names it for every project instead. A team's
routing replaces the organisation's one priority and stack at a time: a stack the team leaves
out keeps the organisation's channels.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from sentry_iac.config.alerts import AlertRule, Routed, Routes, rule_channels
from sentry_iac.config.crons import Cron
from sentry_iac.config.models import Organization, Project
from sentry_iac.config.uptime import UptimeCheck


class RouteBook(Protocol):
    """Where routes come from: ``Organization`` (``NO_ROUTES`` for a rule that names its
    channels itself, as the importer's candidates do)."""

    def routes_for(self, team: str | None) -> Routes: ...

    def routed_by(self, team: str | None, priority: str, stack: str) -> str | None: ...


class _NoRoutes:
    def routes_for(self, team: str | None) -> Routes:
        return {}

    def routed_by(self, team: str | None, priority: str, stack: str) -> str | None:
        return None


NO_ROUTES: RouteBook = _NoRoutes()


@dataclass(frozen=True)
class Routing:
    """Who one rule or cron tells in one stack for one project. ``team`` is the team whose own
    routing gave ``priority``'s channels (None: the organisation's). ``warning_channels`` is
    None unless the warning level is routed on its own; then ``channels`` are the critical
    level's."""

    priority: str
    channels: tuple[str, ...]
    team: str | None = None
    warning_priority: str | None = None
    warning_channels: tuple[str, ...] | None = None
    warning_team: str | None = None

    @property
    def every_channel(self) -> tuple[str, ...]:
        """Each channel told at some level, once, critical's first."""
        extra = [c for c in self.warning_channels or () if c not in self.channels]
        return (*self.channels, *extra)


def owning_team(named: str | None, project: Project) -> str | None:
    """The team whose routing applies: the one named (a rule's ``team:``, a cron's
    ``owner:``), else the project's first team."""
    return named or (project.teams[0] if project.teams else None)


def _priority(item: Routed, stack: str) -> str:
    override = item.environments.get(stack)
    return override.priority if override and override.priority else item.priority


def warning_route(rule: AlertRule, stack: str) -> tuple[str | None, tuple[str, ...]] | None:
    """(warning priority, extra channels) of a warning level routed on its own in ``stack``;
    None when the stack has no warning threshold or routes it with the critical level."""
    override = rule.environments.get(stack)
    warning = override.warning if override and override.warning is not None else rule.warning
    if not rule.is_metric or warning is None:
        return None
    priority = (override.warning_priority if override and override.warning_priority
                else rule.warning_priority)
    extra = (override.warning_channels if override and override.warning_channels is not None
             else rule.warning_channels)
    if priority is None and not extra:
        return None
    return priority, tuple(extra)


def _routing(item: Routed, team: str | None, stack: str, book: RouteBook) -> Routing:
    routes = book.routes_for(team)
    priority = _priority(item, stack)
    return Routing(priority, rule_channels(item, stack, routes),
                   book.routed_by(team, priority, stack))


def rule_routing(rule: AlertRule, project: Project, stack: str, book: RouteBook) -> Routing:
    """Who ``rule`` tells in ``stack`` for ``project``."""
    team = owning_team(rule.team, project)
    base = _routing(rule, team, stack, book)
    warning = warning_route(rule, stack)
    if warning is None:
        return base
    priority, extra = warning
    routed = list(book.routes_for(team).get(priority, {}).get(stack, ())) if priority else []
    routed += [c for c in extra if c not in routed]
    return Routing(base.priority, base.channels, base.team, priority, tuple(routed),
                   book.routed_by(team, priority, stack) if priority else None)


def cron_routing(cron: Cron | UptimeCheck, project: Project, stack: str, book: RouteBook
                 ) -> Routing:
    """Who a cron's (or an uptime check's) alert tells in ``stack``: routed by its owner's
    (else the project's owning team's) routing, like a rule."""
    return _routing(cron, owning_team(cron.owner, project), stack, book)


def rule_channel_names(rule: AlertRule, stack: str, org: Organization,
                       projects: Mapping[str, Project]) -> tuple[str, ...]:
    """Every channel ``rule`` tells in ``stack``, on any of its projects and at any level;
    ``projects`` are the organisation's by slug."""
    names: list[str] = []
    for slug in rule.projects:
        if slug in projects:
            names += [c for c in rule_routing(rule, projects[slug], stack, org).every_channel
                      if c not in names]
    return tuple(names)
