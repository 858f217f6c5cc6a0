"""What one stack declares, in the terms a reviewer reads: rules as sentences, routing, access,
privacy. ``render`` prints a snapshot; ``diff`` compares two. Built from the spec alone."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sentry_iac.config.loader import Spec
from sentry_iac.config.models import Organization, Project
from sentry_iac.config.stack_views import StackRule, rule_is_on, stack_rules
from sentry_iac.review import english, quotas, settings
from sentry_iac.review.observability import (
    CronView,
    DashboardView,
    cron_views,
    dashboard_views,
)
from sentry_iac.review.uptime import UptimeView, uptime_views


@dataclass(frozen=True)
class RuleView:
    """One rule on one project, as this stack applies it."""

    rule_id: str
    project: str
    name: str
    sentence: str
    details: tuple[str, ...]
    # label -> value, the parts ``diff`` compares one by one (in reading order)
    values: Mapping[str, str]
    metric: bool = False  # a monitor and an alert in Sentry, not an alert alone
    previous_ids: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.rule_id}/{self.project}"

    def as_json(self) -> dict[str, Any]:
        return {"id": self.rule_id, "project": self.project, "name": self.name,
                "sentence": self.sentence, "details": list(self.details),
                "values": dict(self.values)}


@dataclass(frozen=True)
class ProjectView:
    slug: str
    name: str
    platform: str | None
    teams: tuple[str, ...]
    environment: str
    rules: tuple[RuleView, ...]
    # Rules that name this project but are switched off in this stack: "name (id)".
    off: tuple[str, ...]
    # label -> value of the project's own settings (privacy, grouping, ...), for ``diff``
    values: Mapping[str, str]
    previous_slugs: tuple[str, ...] = ()
    delete_when_removed: bool = False
    # This stack's client key limit in words, where the YAML declares one (review.quotas).
    key_rate_limit: str | None = None

    def as_json(self) -> dict[str, Any]:
        data = {"slug": self.slug, "name": self.name, "platform": self.platform,
                "teams": list(self.teams), "environment": self.environment,
                "rules": [r.as_json() for r in self.rules], "off_in_this_stack": list(self.off),
                "settings": dict(self.values)}
        if self.key_rate_limit is not None:
            data["key_rate_limit"] = self.key_rate_limit
        return data


@dataclass(frozen=True)
class Route:
    """Where one priority's alerts go in this stack: the organisation's route, or (``team``)
    the one a team gives its own projects instead."""

    priority: str
    respond: str | None
    channels: tuple[str, ...]
    team: str | None = None

    @property
    def label(self) -> str:
        """"critical", or "critical (team payments)"."""
        return english.routed(self.priority, self.team)

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"priority": self.priority, "respond": self.respond,
                               "channels": list(self.channels)}
        if self.team is not None:
            out["team"] = self.team
        return out


@dataclass(frozen=True)
class Snapshot:
    """One stack of one revision of the configuration."""

    stack: str
    organization: str
    owner_stack: str
    alerts_backend: str
    projects: tuple[ProjectView, ...]
    routes: tuple[Route, ...]
    # channel name -> plain-English destination, for the channels this stack uses
    channels: Mapping[str, str]
    # team slug -> display name
    teams: Mapping[str, str]
    # member email -> "manager; science-projects (admin)"
    members: Mapping[str, str]
    # label -> value: organisation privacy, security and retention, for ``diff``
    organization_values: Mapping[str, str] = field(default_factory=dict)
    team_lifecycle: Mapping[str, tuple[tuple[str, ...], bool]] = field(default_factory=dict)
    org: Organization | None = None
    # cron monitors (organisation-wide) with this stack's alert, and this stack's dashboards
    crons: tuple[CronView, ...] = ()
    dashboards: tuple[DashboardView, ...] = ()
    # this stack's uptime monitors (each stack checks its own site)
    uptime: tuple[UptimeView, ...] = ()
    # org.yaml's previous_owner_stack: the owner this revision hands over from, if any
    previous_owner_stack: str | None = None

    @property
    def is_owner(self) -> bool:
        return self.stack == self.owner_stack

    def rules(self) -> dict[str, RuleView]:
        return {rule.key: rule for project in self.projects for rule in project.rules}

    def as_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack, "organization": self.organization,
            "owner_stack": self.owner_stack, "alerts_backend": self.alerts_backend,
            "projects": [p.as_json() for p in self.projects],
            "routing": [r.as_json() for r in self.routes],
            "channels": dict(self.channels),
            "teams": dict(self.teams), "members": dict(self.members),
            "organization_settings": dict(self.organization_values),
            "crons": [c.as_json() for c in self.crons],
            "dashboards": [d.as_json() for d in self.dashboards],
            # only where there are some, so a stack without uptime checks reads as before
            **({"uptime": [u.as_json() for u in self.uptime]} if self.uptime else {}),
        }


def _previous(item: object, key: str) -> tuple[str, ...]:
    # Lifecycle fields (renames, opt-in deletion) may be absent from older revisions' models.
    value = getattr(item, key, ())
    return tuple(value) if isinstance(value, tuple | list) else ()


def _deletes(item: object) -> bool:
    return getattr(item, "delete_when_removed", False) is True


def rule_values(item: StackRule) -> dict[str, str]:
    """The parts of a rule a reviewer compares, by label; absent parts are left out."""
    rule = item.rule
    values = {"name": rule.name, "environment": item.environment}
    if rule.description:
        values["description"] = rule.description
    if item.anomaly is not None:
        assert item.window_seconds is not None
        values["measure"] = english.measure(rule)
        values["window"] = english.duration(item.window_seconds)
        values["anomaly"] = english.anomaly(item)
        values["notices"] = english.notices(item)
    elif rule.is_metric:
        assert item.critical is not None and item.window_seconds is not None
        values["measure"] = english.measure(rule)
        values["window"] = english.duration(item.window_seconds)
        if rule.change is not None:
            values["compared with"] = english.interval(rule.change.compared_to) + " earlier"
        for label, level in (("critical", item.critical), ("warning", item.warning),
                             ("resolve", item.resolution)):
            if level is not None:
                values[label] = english.threshold(level)
        values["notices"] = english.notices(item)
    else:
        values["when"] = english.triggers(rule)
        if rule.filters:
            values["filters"] = english.filters(rule)
        kinds = english.issue_kinds(rule)
        if kinds:
            values["issues"] = kinds
        values["repeat"] = f"at most every {english.duration(item.repeat_seconds)}"
    values["priority"] = english.routed(item.priority, item.team)
    values["channels"] = ", ".join(name for name, _ in item.channels) or "none"
    if item.split:
        values["warning priority"] = english.routed(item.warning_priority, item.warning_team)
        values["warning channels"] = ", ".join(n for n, _ in item.warning_channels or ()) \
            or "none"
    return values


def _rule_view(item: StackRule) -> RuleView:
    return RuleView(rule_id=item.rule.id, project=item.project.slug, name=item.rule.name,
                    sentence=english.sentence(item), details=tuple(english.details(item)),
                    values=rule_values(item), metric=item.rule.is_metric,
                    previous_ids=_previous(item.rule, "previous_ids"))


def _switched_off(spec: Spec, stack: str, project: Project) -> tuple[str, ...]:
    off = []
    for alerts in spec.alerts:
        for rule in alerts.alerts:
            if project.slug not in rule.projects or rule_is_on(rule, stack):
                continue
            only = (f", only in {', '.join(rule.only)}"
                    if rule.only is not None and stack not in rule.only else "")
            off.append(f"{rule.name} ({rule.id}{only})")
    return tuple(off)


def routes_of(org: Organization, stack: str) -> tuple[Route, ...]:
    """The organisation's route of each priority in ``stack``, then each team's own."""
    routes = [Route(name, priority.respond, org.routes[name].get(stack, ()))
              for name, priority in org.priorities.items()]
    for team in org.teams:
        for name, own in team.priorities.items():
            if stack in own.routes:
                respond = own.respond or (org.priorities[name].respond
                                          if name in org.priorities else None)
                routes.append(Route(name, respond, own.routes[stack], team.slug))
    return tuple(routes)


def _member(role: str, teams: list[tuple[str, str | None]]) -> str:
    """"manager; backend (admin), frontend": a team role only where the YAML writes one (a
    role left out is not managed, so nothing is claimed about it)."""
    listed = ", ".join(f"{team} ({team_role})" if team_role else team
                       for team, team_role in teams)
    return f"{role}; {listed}" if listed else role


def snapshot(spec: Spec, stack: str) -> Snapshot:
    """The review view of ``stack`` in ``spec``."""
    org = spec.org
    items = stack_rules(spec, stack)
    projects = []
    for project in org.projects:
        rules = tuple(_rule_view(i) for i in items if i.project.slug == project.slug)
        projects.append(ProjectView(
            slug=project.slug, name=project.display_name, platform=project.platform,
            teams=project.teams, environment=project.environment_for(stack), rules=rules,
            off=_switched_off(spec, stack, project), values=settings.project_values(project),
            previous_slugs=_previous(project, "previous_slugs"),
            delete_when_removed=_deletes(project),
            key_rate_limit=quotas.key_rate_limit(project, stack)))
    routes = routes_of(org, stack)
    used = {name for route in routes for name in route.channels}
    used |= {name for item in items for name, _ in item.channels}
    used |= {name for item in items for name, _ in item.warning_channels or ()}
    channels = {name: english.channel(c) for name, c in org.channels.items() if name in used}
    config = spec.stacks.get(stack)
    return Snapshot(
        stack=stack, organization=org.organization, owner_stack=org.owner_stack,
        previous_owner_stack=org.previous_owner_stack,
        alerts_backend=config.alerts_backend if config else "monitors",
        projects=tuple(projects), routes=routes, channels=channels,
        teams={t.slug: t.display_name for t in org.teams},
        members={m.email: _member(m.role, [(t.team, t.declared_role) for t in m.teams])
                 for m in org.members},
        organization_values=settings.organization_values(org),
        team_lifecycle={t.slug: (_previous(t, "previous_slugs"), _deletes(t))
                        for t in org.teams},
        org=org, crons=cron_views(spec, stack), dashboards=dashboard_views(spec, stack),
        uptime=uptime_views(spec, stack))


def empty(stack: str) -> Snapshot:
    """A stack that does not exist on one side of a diff."""
    return Snapshot(stack=stack, organization="", owner_stack="", alerts_backend="monitors",
                    projects=(), routes=(), channels={}, teams={}, members={})
