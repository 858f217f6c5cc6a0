"""Cron monitors (``crons:`` under a project): a scheduled task that checks in with Sentry, and
who is told when a check-in is missed or fails.

Ranges are Sentry's (``ConfigValidator`` in ``sentry/monitors/validators.py``): margin and
maximum runtime 1 minute to 28 days, failure and recovery thresholds 1 to 720 check-ins,
timezones from the tz database. Alerts route by ``priority`` like every alert rule.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import (
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    field_validator,
    model_validator,
)

from sentry_iac.config.alerts import AlertRule
from sentry_iac.config.base import SLUG_PATTERN, Strict
from sentry_iac.config.crontab import parse_crontab
from sentry_iac.config.durations import format_duration, parse_duration
from sentry_iac.config.environments import EnvironmentName
from sentry_iac.config.errors import InvalidValue
from sentry_iac.config.timezones import has_timezones, is_known_timezone
from sentry_iac.sentry.crons import INTERVAL_UNITS, MAX_MINUTES, MAX_THRESHOLD

# Sentry's monitor slugs: lowercase letters, digits, '-' and '_', at most 50 characters.
MonitorSlug = Annotated[
    str, StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=50)
]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
TeamSlug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=50)]


def interval(text: str) -> tuple[int, str]:
    """``6h`` -> ``(6, "hour")``: Sentry counts intervals in whole minutes, hours, days or
    weeks."""
    seconds = parse_duration(text)  # ValueError with the accepted forms
    unit = text.strip()[-1]
    if unit not in INTERVAL_UNITS:
        raise ValueError(f"'{text}': Sentry's intervals count minutes, hours, days or weeks "
                         "(e.g. 30m, 6h, 1d, 1w)")
    name, size = INTERVAL_UNITS[unit]
    count = seconds // size
    if count < 1:
        raise ValueError(f"'{text}': the interval must be greater than zero")
    return count, name


def minutes(text: str) -> int:
    """A margin or runtime in whole minutes, within Sentry's 1 minute to 28 days."""
    seconds = parse_duration(text)
    if seconds % 60:
        raise ValueError(f"'{text}' is not whole minutes; Sentry counts this in minutes")
    if not 1 <= seconds // 60 <= MAX_MINUTES:
        raise InvalidValue(f"must be from 1m to 28d (got {format_duration(seconds)})",
                           "schema/range")
    return seconds // 60


class CronOverride(Strict):
    """What differs in one stack: routing, the environment name, or ``enabled: false``."""

    enabled: StrictBool = True
    """false: the cron's alert is off in this stack (default true)."""
    priority: Name | None = Field(default=None, examples=["medium"])
    """The priority used in this stack instead of the cron's (a name under `priorities`)."""
    channels: tuple[Name, ...] | None = None
    """The extra channels in this stack instead of the cron's (names under `channels`)."""
    environment: EnvironmentName | None = Field(default=None, examples=["test"])
    """The environment whose check-ins alert in this stack (default: the project's environment
    for the stack, else the stack's name)."""


class Cron(Strict):
    """One scheduled task of a project, e.g. a Celery beat job."""

    slug: MonitorSlug = Field(examples=["nightly-import"])
    """The monitor's slug, which the task checks in with (`monitor_slug`): unique in the
    organisation, lowercase letters, digits, '-' and '_', at most 50 characters."""
    delete_when_removed: StrictBool = False
    """Removing the cron from the YAML releases its monitor and check-in history, unless this
    reviewed opt-in says to delete them (default false)."""
    name: str | None = Field(default=None, min_length=1, max_length=128,
                             examples=["Nightly data import"])
    """The monitor's name, at most 128 characters (default: the slug)."""
    schedule: str | None = Field(default=None, examples=["0 2 * * *", "*/15 * * * *", "@daily"])
    """When the task runs, as a crontab of 5 fields (numbers, names such as jan or mon, *, a-b,
    a,b, /n) or @hourly, @daily, @weekly, @monthly, @yearly. Give schedule or every."""
    every: str | None = Field(default=None, examples=["30m", "6h", "1d", "1w"])
    """Or how often the task runs, as an interval in minutes, hours, days or weeks. Give
    schedule or every."""
    timezone: str = Field(default="UTC", examples=["Australia/Perth"])
    """The timezone of the schedule, a tz database name (default UTC)."""
    checkin_margin: str | None = Field(default=None, examples=["15m"])
    """A check-in later than this is missed: whole minutes, 1m to 28d (Sentry's default
    1m)."""
    max_runtime: str | None = Field(default=None, examples=["2h"])
    """A run longer than this has failed: whole minutes, 1m to 28d (Sentry's default 30m)."""
    failure_threshold: StrictInt = Field(default=1, ge=1, le=MAX_THRESHOLD)
    """Missed or failed check-ins in a row before an issue is opened: 1 to 720 (default 1)."""
    recovery_threshold: StrictInt = Field(default=1, ge=1, le=MAX_THRESHOLD)
    """Good check-ins in a row before the issue resolves: 1 to 720 (default 1)."""
    owner: TeamSlug | None = Field(default=None, examples=["science-projects"])
    """The team that owns the monitor (default: the project's first team)."""
    priority: Name = Field(examples=["high"])
    """Who is told of missed or failed check-ins: a priority, whose channels are given per
    stack."""
    channels: tuple[Name, ...] = ()
    """Extra channels told besides the priority's (names under `channels`)."""
    environments: dict[Name, CronOverride] = Field(default_factory=dict,
                                                   examples=[{"staging": {"priority": "medium"}}])
    """What differs per stack (stack name -> override): enabled, priority, channels,
    environment."""

    @property
    def display_name(self) -> str:
        return self.name or self.slug

    @field_validator("schedule")
    @classmethod
    def _crontab(cls, value: str | None) -> str | None:
        if value is not None:
            parse_crontab(value)
        return value

    @field_validator("every")
    @classmethod
    def _interval(cls, value: str | None) -> str | None:
        if value is not None:
            interval(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        if has_timezones() and not is_known_timezone(value):
            raise InvalidValue(f"unknown timezone '{value}'; use a tz database name such as "
                               "UTC, Australia/Perth or Europe/London", "schema/unknown-name")
        return value

    @field_validator("checkin_margin", "max_runtime")
    @classmethod
    def _minutes(cls, value: str | None) -> str | None:
        if value is not None:
            minutes(value)
        return value

    @model_validator(mode="after")
    def _one_schedule(self) -> Cron:
        if (self.schedule is None) == (self.every is None):
            raise ValueError("set exactly one of schedule (a crontab, e.g. '0 2 * * *') or "
                             "every (an interval, e.g. 6h)")
        return self

    @property
    def schedule_type(self) -> str:
        return "crontab" if self.schedule is not None else "interval"

    def sentry_schedule(self) -> str | list[int | str]:
        """The schedule as Sentry stores it: five crontab fields, or ``[count, unit]``."""
        if self.schedule is not None:
            return parse_crontab(self.schedule).expression
        count, unit = interval(self.every or "")
        return [count, unit]


# How often the legacy backend's issue rule for a cron may notify again for the same issue
# (legacy issue rules need at least 5 minutes).
LEGACY_REPEAT = "30m"


def legacy_issue_rule(cron: Cron, project: str) -> AlertRule:
    """The cron's alert for the legacy backend, as Sentry itself made cron alerts before
    workflows: an issue rule on the monitor's new and regressed issues, which carry the tag
    ``monitor.slug``. Routed by the cron's priority and overrides like any rule."""
    overrides = {stack: o.model_dump(exclude_none=True) for stack, o in cron.environments.items()}
    return AlertRule.model_validate({
        "id": f"cron-{cron.slug}", "name": cron.display_name, "projects": [project],
        "priority": cron.priority, "channels": list(cron.channels),
        **({"team": cron.owner} if cron.owner else {}),  # routed by its owner, like the cron
        "environments": overrides, "repeat_every": LEGACY_REPEAT,
        "when": ["first-seen", "regression"],
        "filters": [{"tag": {"key": "monitor.slug", "value": cron.slug}}]})
