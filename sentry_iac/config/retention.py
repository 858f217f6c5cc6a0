"""How long Sentry keeps data. Declared and checked, never set: sentry.io has no API for it (it
follows the plan), and self-hosted Sentry reads it from ``SENTRY_EVENT_RETENTION_DAYS``."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictInt, model_validator

from sentry_iac.config.base import MAX_NUMBER, Strict

Plan = Literal["developer", "team", "business", "enterprise", "self-hosted"]

# Days each sentry.io plan keeps errors and performance data (spans/transactions), from Sentry's
# data-retention documentation.
PLAN_RETENTION: dict[str, tuple[int, int]] = {
    "developer": (30, 30),
    "team": (90, 30),
    "business": (90, 30),
    "enterprise": (90, 30),
}


class Retention(Strict):
    """How long Sentry keeps data, as you expect it: checked against the plan, never set."""

    plan: Plan
    """The plan that decides retention: developer, team, business, enterprise or self-hosted
    (any value is accepted for self-hosted)."""
    errors_days: StrictInt = Field(ge=1, le=MAX_NUMBER, examples=[90])
    """Days errors are kept: 30 on Developer, 90 on Team and Business, 90 or more on
    Enterprise."""
    performance_days: StrictInt | None = Field(default=None, ge=1, le=MAX_NUMBER,
                                               examples=[30])
    """Days performance data (spans, transactions) is kept: 30 on sentry.io plans."""

    @model_validator(mode="after")
    def _matches_plan(self) -> Retention:
        if self.plan == "self-hosted":
            return self
        errors, performance = PLAN_RETENTION[self.plan]
        label = self.plan.capitalize()
        if self.plan == "enterprise" and self.errors_days >= errors:
            return self  # longer retention is negotiated with Sentry; it cannot be checked here
        if self.errors_days != errors:
            raise ValueError(
                f"errors_days is {self.errors_days} but the {label} plan keeps errors for "
                f"{errors} days, and sentry.io has no API to change it")
        if self.performance_days is not None and self.performance_days != performance:
            raise ValueError(
                f"performance_days is {self.performance_days} but the {label} plan keeps "
                f"performance data for {performance} days, and sentry.io has no API to change it")
        return self

    @property
    def enforced_by(self) -> str:
        if self.plan == "self-hosted":
            return "SENTRY_EVENT_RETENTION_DAYS on the Sentry server (not set by sentry-iac)"
        return f"the sentry.io {self.plan} plan (not settable through the API)"
