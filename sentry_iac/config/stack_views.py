"""Alert rules, cron alerts, uptime checks and dashboards as one stack sees them: overrides
project's environment name filled in, the priority's channels for the stack added.

Pure functions of the config, and the only place these views are built: ``build`` (resources),
``review`` (render, diff), the policies and the importer's verification all start here, so each
sees a rule exactly as the others do.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from sentry_iac.config.alerts import AlertRule, Override
from sentry_iac.config.anomaly import Anomaly
from sentry_iac.config.crons import Cron
from sentry_iac.config.dashboards import Dashboard
from sentry_iac.config.durations import Direction, Threshold, parse_duration, parse_threshold
from sentry_iac.config.loader import Spec
from sentry_iac.config.models import PAGING_KINDS, Channel, Organization, Project
from sentry_iac.config.routing import RouteBook, cron_routing, rule_routing
from sentry_iac.config.uptime import UptimeCheck, interval_seconds, timeout_ms


@dataclass(frozen=True)
class StackRule:
    """One rule for one project in one stack, with everything resolved that can be offline."""

    rule: AlertRule
    project: Project
    stack: str
    environment: str
    priority: str
    channels: tuple[tuple[str, Channel], ...]
    repeat_seconds: int
    critical: Threshold | None = None
    warning: Threshold | None = None
    resolve: Threshold | None = None
    window_seconds: int | None = None
    # A metric rule with anomaly detection has this instead of thresholds.
    anomaly: Anomaly | None = None
    # The team whose own routing gave the priority's channels (None: the organisation's).
    team: str | None = None
    # A warning level routed on its own (``warning_priority``/``warning_channels``): its
    # priority (None when only channels are named), channels and routing team. Without it
    # (``warning_channels`` None) every level tells ``channels``.
    warning_priority: str | None = None
    warning_channels: tuple[tuple[str, Channel], ...] | None = None
    warning_team: str | None = None

    @property
    def split(self) -> bool:
        """Whether the warning level has channels of its own (routed apart from critical)."""
        return self.warning is not None and self.warning_channels is not None

    @property
    def key(self) -> str:
        """The logical name: the rule id and project, never the display name."""
        return f"{self.rule.id}/{self.project.slug}"

    @property
    def display_name(self) -> str:
        """Unique per stack in Sentry, so each environment's copy is told apart in the UI."""
        return f"{self.rule.name} [{self.environment}]"

    @property
    def resolution(self) -> Threshold | None:
        """Where a metric rule resolves: its ``resolve`` level, else back on the good side of
        its lowest alert level (Sentry requires a resolution condition)."""
        if self.critical is None:
            return None
        if self.resolve is not None:
            return self.resolve
        lowest = self.warning or self.critical
        other: Direction = "below" if self.critical.direction == "above" else "above"
        return Threshold(other, lowest.value, self.critical.unit)


def _pick(rule: AlertRule, override: Override | None, key: str) -> str | None:
    """A metric setting: the stack's override when it gives one, else the rule's."""
    if override is not None and getattr(override, key) is not None:
        value: str = getattr(override, key)
        return value
    base: str | None = getattr(rule, key)
    return base


def _optional(text: str | None) -> Threshold | None:
    return parse_threshold(text) if text is not None else None


def rule_is_on(rule: AlertRule, stack: str) -> bool:
    """Whether ``rule`` exists in ``stack`` at all: not when ``only`` leaves the stack out, nor
    with ``enabled: false`` there."""
    if rule.only is not None and stack not in rule.only:
        return False
    override = rule.environments.get(stack)
    return override is None or override.enabled


def stack_rule(rule: AlertRule, project: Project, stack: str, channels: Mapping[str, Channel],
               routes: RouteBook) -> StackRule:
    """``rule`` on ``project`` as ``stack`` sees it. ``channels`` are the channels by name and
    ``routes`` gives the priorities' routes by owning team (``Organization.channels`` and the
    ``Organization`` itself; the importer passes the channels a candidate rule names and
    ``routing.NO_ROUTES``)."""
    override = rule.environments.get(stack)
    routing = rule_routing(rule, project, stack, routes)
    routed = tuple((name, channels[name]) for name in routing.channels)
    repeat = parse_duration(override.repeat_every if override and override.repeat_every
                            else rule.repeat_every)
    environment = (override.environment if override and override.environment
                   else project.environment_for(stack))
    item = StackRule(rule=rule, project=project, stack=stack, environment=environment,
                     priority=routing.priority, channels=routed, repeat_seconds=repeat,
                     team=routing.team)
    if not rule.is_metric:
        return item
    if rule.anomaly is not None:
        return anomaly_stack_rule(item, override)
    warned = routing.warning_channels
    return replace(
        item, critical=_optional(_pick(rule, override, "critical")),
        warning=_optional(_pick(rule, override, "warning")),
        resolve=_optional(_pick(rule, override, "resolve")),
        window_seconds=parse_duration(_pick(rule, override, "window") or ""),
        warning_priority=routing.warning_priority, warning_team=routing.warning_team,
        warning_channels=(None if warned is None
                          else tuple((name, channels[name]) for name in warned)))


def anomaly_stack_rule(item: StackRule, override: Override | None) -> StackRule:
    """A rule with anomaly detection in one stack: its window and anomaly block, the stack's
    override of either first; no thresholds."""
    rule = item.rule
    anomaly = override.anomaly if override and override.anomaly else rule.anomaly
    return replace(item, anomaly=anomaly,
                   window_seconds=parse_duration(_pick(rule, override, "window") or ""))


def stack_rules(spec: Spec, stack: str) -> list[StackRule]:
    """Every rule x project on in ``stack``, in file order."""
    org = spec.org
    projects = {p.slug: p for p in org.projects}
    return [stack_rule(rule, projects[slug], stack, org.channels, org)
            for alerts_file in spec.alerts for rule in alerts_file.alerts
            if rule_is_on(rule, stack) for slug in rule.projects]


@dataclass(frozen=True)
class StackCron:
    """One cron monitor as one stack alerts on it."""

    cron: Cron
    project: Project
    stack: str
    environment: str
    priority: str
    channels: tuple[tuple[str, Channel], ...]
    team: str | None = None  # whose own routing gave the channels (None: the organisation's)

    @property
    def key(self) -> str:
        """The logical name: the project and the monitor's slug (unique in Sentry)."""
        return f"{self.project.slug}/{self.cron.slug}"

    @property
    def display_name(self) -> str:
        return f"{self.cron.display_name} [{self.environment}]"

    @property
    def paging_channels(self) -> tuple[tuple[str, Channel], ...]:
        """The channels told when the task recovers: only paging services, which resolve their
        incident; see ``resources.payloads.crons.cron_resolution_payload`` for why."""
        return tuple((name, c) for name, c in self.channels if c.kind in PAGING_KINDS)


def stack_crons(org: Organization, stack: str) -> list[StackCron]:
    """Every cron whose alert is on in ``stack``, in file order."""
    out = []
    for project in org.projects:
        for cron in project.crons:
            override = cron.environments.get(stack)
            if override is not None and not override.enabled:
                continue
            environment = (override.environment if override and override.environment
                           else project.environment_for(stack))
            routing = cron_routing(cron, project, stack, org)
            channels = tuple((name, org.channels[name]) for name in routing.channels)
            out.append(StackCron(cron, project, stack, environment, routing.priority, channels,
                                 routing.team))
    return out


@dataclass(frozen=True)
class StackUptime:
    """One uptime check as one stack makes it: its own monitor, for its own site and
    environment, and (unless it is paused there) its alert."""

    check: UptimeCheck
    project: Project
    stack: str
    environment: str
    url: str
    interval_seconds: int
    timeout_ms: int
    paused: bool
    priority: str
    channels: tuple[tuple[str, Channel], ...]

    @property
    def key(self) -> str:
        """The logical name: the project and the check's id, never the display name."""
        return f"{self.project.slug}/{self.check.id}"

    @property
    def display_name(self) -> str:
        """Unique per stack in Sentry, so each environment's monitor is told apart."""
        return f"{self.check.display_name} [{self.environment}]"

    @property
    def owner(self) -> str:
        return self.check.owner or self.project.teams[0]

    @property
    def legacy_key(self) -> str:
        """The logical name of its issue rule on the legacy backend (unlike a rule's
        ``<id>/<project>``, so the two never meet)."""
        return f"uptime-{self.check.id}/{self.project.slug}"


def uptime_in_stack(check: UptimeCheck, project: Project, stack: str,
                    channels: Mapping[str, Channel], routes: RouteBook) -> StackUptime | None:
    """``check`` as ``stack`` makes it, or None when it makes no monitor for it there
    (``enabled: false``). ``channels`` and ``routes`` as for ``stack_rule``; routed by its
    owner's (else the project's owning team's) routing, like a cron."""
    override = check.environments.get(stack)
    if override is not None and not override.enabled:
        return None

    def pick(key: str) -> str:
        value = getattr(override, key, None) if override is not None else None
        return str(value if value is not None else getattr(check, key))

    environment = (override.environment if override and override.environment
                   else project.environment_for(stack))
    paused = (override.paused if override is not None and override.paused is not None
              else check.paused)
    routed = tuple((name, channels[name])
                   for name in cron_routing(check, project, stack, routes).channels)
    return StackUptime(check, project, stack, environment, url=pick("url"),
                       interval_seconds=interval_seconds(pick("every")),
                       timeout_ms=timeout_ms(pick("timeout")), paused=paused,
                       priority=pick("priority"), channels=routed)


def stack_uptime(org: Organization, stack: str) -> list[StackUptime]:
    """Every uptime check of every project that ``stack`` makes a monitor for, in file order
    (``enabled: false`` there: none); one paused there is listed with ``paused``."""
    found = (uptime_in_stack(check, project, stack, org.channels, org)
             for project in org.projects for check in project.uptime)
    return [item for item in found if item is not None]


@dataclass(frozen=True)
class StackDashboard:
    """One dashboard on one project in one stack."""

    dashboard: Dashboard
    project: Project
    stack: str
    environment: str

    @property
    def key(self) -> str:
        """The logical name: the dashboard id and project, never the title."""
        return f"{self.dashboard.id}/{self.project.slug}"

    @property
    def title(self) -> str:
        """Unique in the organisation (Sentry requires it): names the project and environment."""
        return f"{self.dashboard.title}: {self.project.display_name} [{self.environment}]"


def stack_dashboards(org: Organization, stack: str) -> list[tuple[int, StackDashboard]]:
    """(index in ``dashboards:``, dashboard) for every dashboard on in ``stack``."""
    out = []
    for index, dashboard in enumerate(org.dashboards):
        override = dashboard.environments.get(stack)
        if override is not None and not override.enabled:
            continue
        for project in org.projects:
            if dashboard.projects is None or project.slug in dashboard.projects:
                out.append((index, StackDashboard(dashboard, project, stack,
                                                  project.environment_for(stack))))
    return out
