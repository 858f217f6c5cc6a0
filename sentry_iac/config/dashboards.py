"""Dashboards (``dashboards:`` in ``org.yaml``) in our vocabulary: charts of the same measures
alert rules use (``measure:``, see ``config.metrics``) and lists of issues, one dashboard per
project and stack, filtered to that stack's environment.

Limits are Sentry's (``sentry/api/serializers/rest_framework/dashboard.py``): titles up to 255
characters, at most 30 widgets, an issue list shows 1 to 10 issues.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StrictBool, StrictInt, StringConstraints, model_validator

from sentry_iac.config.base import SLUG_PATTERN, Strict
from sentry_iac.config.durations import parse_duration
from sentry_iac.config.errors import InvalidValue
from sentry_iac.config.metrics import PRESETS

Name = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=100)]
Percentile = Literal["p50", "p75", "p90", "p95", "p99"]
Chart = Literal["line", "area", "bar", "big_number"]
IssueSort = Literal["frequency", "users", "new", "recent"]

MAX_WIDGETS = 30  # Sentry: "Number of widgets must be less than 30"
# Titles leave room for ": <project name> [<environment>]" within Sentry's 255 characters.
TITLE_MAX = 128


class IssueList(Strict):
    """The top issues of the project: by events (frequency), users affected, newest first seen
    (new) or most recently seen (recent)."""

    sort: IssueSort = "frequency"
    """The order: frequency (most events, default), users (most users affected), new (newest
    first seen) or recent (most recently seen)."""
    limit: StrictInt = Field(default=10, ge=1, le=10)
    """How many issues the list shows: 1 to 10 (default 10)."""
    query: str = Field(default="is:unresolved", examples=["is:unresolved", "is:resolved"])
    """A Sentry issue search query (default is:unresolved)."""


class Widget(Strict):
    """One chart of a measure, or one list of issues (exactly one of ``measure`` or
    ``issues``)."""

    title: str = Field(min_length=1, max_length=255, examples=["Errors this week"])
    """The widget's title, at most 255 characters."""
    measure: str | None = Field(default=None, examples=["error-count", "http-request-duration"])
    """A chart of this measure, one of the alert rules' measures (e.g. error-count,
    http-request-duration)."""
    percentile: Percentile | tuple[Percentile, ...] | None = Field(
        default=None, examples=["p95", ["p95", "p99"]])
    """The percentile of a duration measure, or a list of them: p50, p75, p90, p95, p99."""
    search: str | None = Field(default=None, examples=["transaction:/api/*"])
    """A Sentry search query that narrows the measure."""
    display: Chart | None = None
    """How the chart is drawn: line, area, bar or big_number."""
    issues: IssueList | None = None
    """Or a list of the project's top issues: {sort, limit, query}."""

    @model_validator(mode="after")
    def _consistent(self) -> Widget:
        if (self.measure is None) == (self.issues is None):
            raise ValueError("a widget shows exactly one of measure (a chart, e.g. "
                             "error-count) or issues (a list, e.g. {sort: frequency})")
        if self.issues is not None:
            extra = [k for k in ("percentile", "search", "display") if getattr(self, k)]
            if extra:
                raise ValueError(f"@{extra[0]}: '{extra[0]}' belongs to measure widgets; an "
                                 "issue list takes sort, limit and query under issues:")
            return self
        preset = PRESETS.get(self.measure or "")
        if preset is None:
            raise InvalidValue(f"@measure: unknown measure '{self.measure}' (known: "
                               f"{', '.join(PRESETS)})", "schema/unknown-name")
        if self.percentile is not None and not preset.percentile:
            raise ValueError("@percentile: percentile applies only to the duration measures")
        if self.display == "big_number" and len(self.percentiles) > 1:
            raise ValueError("@percentile: a big_number shows one value; give one percentile")
        return self

    @property
    def percentiles(self) -> tuple[str, ...]:
        if self.percentile is None:
            return ()
        return (self.percentile,) if isinstance(self.percentile, str) else self.percentile


class DashboardOverride(Strict):
    """What differs in one stack: ``enabled: false``."""

    enabled: StrictBool = True
    """false: no dashboard in this stack (default true)."""


class Dashboard(Strict):
    """A dashboard made once per project (``projects``, default all) in every stack."""

    id: Name = Field(examples=["weekly-report"])
    """The dashboard's identity: renaming the title updates the dashboard in place."""
    title: str = Field(min_length=1, max_length=TITLE_MAX, examples=["Weekly report"])
    """The title, at most 128 characters; Sentry shows `<title>: <project> [<environment>]`."""
    projects: tuple[Slug, ...] | None = Field(default=None, examples=[["spms-backend"]])
    """The projects that get this dashboard (default: all)."""
    period: str = Field(default="7d", examples=["24h", "7d", "14d"])
    """The time range shown: 1h to 90d (default 7d)."""
    widgets: tuple[Widget, ...]
    """The charts and issue lists, laid out in order on Sentry's grid: 1 to 30."""
    environments: dict[Name, DashboardOverride] = Field(
        default_factory=dict, examples=[{"staging": {"enabled": False}}])
    """What differs per stack (stack name -> override): enabled."""

    @model_validator(mode="after")
    def _period_and_size(self) -> Dashboard:
        # Checked here, not as a length constraint on the field: pydantic would also report a
        # list whose only widget is wrong as empty.
        if not self.widgets:
            raise ValueError("@widgets: a dashboard needs at least one widget")
        if len(self.widgets) > MAX_WIDGETS:
            raise ValueError(f"@widgets: Sentry allows at most {MAX_WIDGETS} widgets on a "
                             f"dashboard (found {len(self.widgets)})")
        try:
            seconds = parse_duration(self.period)
        except ValueError as exc:
            raise ValueError(f"@period: {exc}") from None
        if not 3600 <= seconds <= 90 * 86400:
            raise ValueError("@period: the period must be from 1h to 90d")
        return self
