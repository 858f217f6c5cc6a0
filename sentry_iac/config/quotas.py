"""How much a project's events may cost: its client keys' rate limits (per stack, as each stack
has its own key) and Sentry's spike protection, with who hears about a spike. In our words;
``sentry_iac.sentry.keys`` and ``sentry_iac.sentry.spike`` hold Sentry's.

Left out, each is not managed: Sentry keeps whatever it has.
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

from sentry_iac.config.base import SLUG_PATTERN, Strict
from sentry_iac.config.durations import format_duration, parse_duration
from sentry_iac.config.errors import InvalidValue
from sentry_iac.sentry.keys import COUNT_MAX, WINDOW_MAX_SECONDS

Name = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
ProjectSlug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=1,
                                               max_length=100)]


def window_seconds(text: str) -> int:
    """A rate limit's window in seconds: Sentry's ``RateLimitSerializer`` takes 0 to one day,
    and ``ProjectKey.rate_limit`` ignores a window of 0 (no limit), so 1s to 1d."""
    seconds = parse_duration(text)  # ValueError with the accepted forms
    if not 1 <= seconds <= WINDOW_MAX_SECONDS:
        raise InvalidValue(f"must be from 1s to 1d, Sentry's longest window (got "
                           f"{format_duration(seconds)})", "schema/range")
    return seconds


class Limit(Strict):
    """At most ``count`` events in each window of ``per``; Sentry drops the rest."""

    count: StrictInt = Field(ge=1, le=COUNT_MAX, examples=[1000])
    """Events accepted per window: 1 to 2147483647 (Sentry takes 0 but then enforces no limit
    at all)."""
    per: str = Field(examples=["1m", "1h", "1d"])
    """The window: a duration from 1s to 1d (Sentry's rateLimit.window, in seconds)."""

    @field_validator("per")
    @classmethod
    def _window(cls, value: str) -> str:
        window_seconds(value)
        return value

    @property
    def window(self) -> int:
        return window_seconds(self.per)


class RateLimit(Strict):
    """The rate limit of the client key each stack deploys with: one limit for every stack,
    and what differs per stack under `environments:` (keyed by stack, as in alert rules)."""

    count: StrictInt | None = Field(default=None, ge=1, le=COUNT_MAX, examples=[1000])
    """Events accepted per window by every stack's key: 1 to 2147483647. Give count and per
    together, or neither (then only the stacks under environments are limited)."""
    per: str | None = Field(default=None, examples=["1m", "1h"])
    """The window for count: 1s to 1d."""
    environments: dict[Name, Limit] = Field(default_factory=dict,
                                            examples=[{"staging": {"count": 100, "per": "1m"}}])
    """Stack name -> the limit of that stack's key instead ({count, per})."""

    @field_validator("per")
    @classmethod
    def _window(cls, value: str | None) -> str | None:
        if value is not None:
            window_seconds(value)
        return value

    @model_validator(mode="after")
    def _both_or_neither(self) -> RateLimit:
        if (self.count is None) != (self.per is None):
            given, missing = ("count", "per") if self.per is None else ("per", "count")
            raise ValueError(f"{given} without {missing}: give both, or neither and limit "
                             "stacks under environments")
        return self

    def for_stack(self, stack: str) -> Limit | None:
        """The limit of ``stack``'s key, or None when this stack's key is not limited here."""
        if stack in self.environments:
            return self.environments[stack]
        if self.count is not None and self.per is not None:
            return Limit(count=self.count, per=self.per)
        return None


class SpikeNotifications(Strict):
    """Who hears when Sentry's spike protection starts dropping a project's events."""

    channels: tuple[Name, ...] = Field(default=(), examples=[["ops-slack"]])
    """Channels (names under `channels`) of kind slack, pagerduty or opsgenie: the kinds
    Sentry documents for spike-protection notifications."""
    owners_and_managers: StrictBool = False
    """true: Sentry's own notification, an email to the organisation's owners and managers."""
    projects: tuple[ProjectSlug, ...] | None = Field(default=None,
                                                     examples=[["spms-backend"]])
    """The projects whose spikes are told (slugs under `projects`); default every project
    declared."""
