"""Alert rules as one stack sees them: overrides applied, the project's environment name filled
in, the priority's channels for this stack added. Pure functions; both backends start here."""

from __future__ import annotations

from dataclasses import dataclass

from sentry_iac.config.alerts import AlertRule, Override, rule_channels
from sentry_iac.config.durations import Direction, Threshold, parse_duration, parse_threshold
from sentry_iac.config.loader import Spec
from sentry_iac.config.models import Channel, Project


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


def stack_rules(spec: Spec, stack: str) -> list[StackRule]:
    """Every enabled rule x project for ``stack``, in file order."""
    projects = {p.slug: p for p in spec.org.projects}
    out: list[StackRule] = []
    for alerts_file in spec.alerts:
        for rule in alerts_file.alerts:
            override = rule.environments.get(stack)
            if override is not None and not override.enabled:
                continue
            priority = (override.priority if override and override.priority else rule.priority)
            routes = {name: p.routes for name, p in spec.org.priorities.items()}
            channels = tuple((n, spec.org.channels[n])
                             for n in rule_channels(rule, stack, routes))
            repeat = parse_duration(override.repeat_every if override and override.repeat_every
                                    else rule.repeat_every)
            for slug in rule.projects:
                project = projects[slug]
                environment = (override.environment if override and override.environment
                               else project.environment_for(stack))
                common = dict(rule=rule, project=project, stack=stack, environment=environment,
                              priority=priority, channels=channels, repeat_seconds=repeat)
                if rule.is_metric:
                    out.append(StackRule(
                        **common,  # type: ignore[arg-type]
                        critical=_optional(_pick(rule, override, "critical")),
                        warning=_optional(_pick(rule, override, "warning")),
                        resolve=_optional(_pick(rule, override, "resolve")),
                        window_seconds=parse_duration(_pick(rule, override, "window") or "")))
                else:
                    out.append(StackRule(**common))  # type: ignore[arg-type]
    return out
