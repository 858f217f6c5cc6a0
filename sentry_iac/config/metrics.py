"""What a metric alert can measure, by plain name, and what that means to Sentry.

Performance presets use span data (``events_analytics_platform``): Sentry refuses new
transaction-based monitors (``sentry_iac.sentry.metrics``, with the windows it accepts per
dataset, which ``window_problem`` explains in our words).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sentry_iac.sentry.metrics import (
    CRASH_RATE_WINDOWS,
    EAP_MIN_WINDOW,
    STANDARD_WINDOWS,
    Dataset,
)

Unit = Literal["count", "ms", "%", "ratio"]


@dataclass(frozen=True)
class MetricPreset:
    """One measure people ask for, e.g. 'p95 duration of database queries'."""

    description: str
    dataset: Dataset
    aggregate: str  # may contain {percentile}
    query: str
    unit: Unit
    percentile: bool = False  # takes `percentile:` (p50...p99)

    def aggregate_for(self, percentile: str | None) -> str:
        return self.aggregate.format(percentile=percentile or "p95")


PRESETS: dict[str, MetricPreset] = {
    "error-count": MetricPreset("number of errors", "events", "count()", "", "count"),
    "users-with-errors": MetricPreset("users experiencing errors", "events",
                                      "count_unique(tags[sentry:user])", "", "count"),
    "failure-rate": MetricPreset("share of failed HTTP requests", "events_analytics_platform",
                                 "failure_rate()", "is_transaction:true", "ratio"),
    "http-request-duration": MetricPreset(
        "duration of incoming HTTP requests", "events_analytics_platform",
        "{percentile}(span.duration)", "is_transaction:true span.op:http.server", "ms",
        percentile=True),
    "db-query-duration": MetricPreset(
        "duration of database queries", "events_analytics_platform",
        "{percentile}(span.duration)", "span.category:db", "ms", percentile=True),
    "outgoing-http-duration": MetricPreset(
        "duration of outgoing HTTP calls", "events_analytics_platform",
        "{percentile}(span.duration)", "span.op:http.client", "ms", percentile=True),
    "crash-free-sessions": MetricPreset(
        "crash-free session rate (release health)", "metrics",
        "percentage(sessions_crashed, sessions) AS _crash_rate_alert_aggregate", "", "%"),
    "crash-free-users": MetricPreset(
        "crash-free user rate (release health)", "metrics",
        "percentage(users_crashed, users) AS _crash_rate_alert_aggregate", "", "%"),
}


def window_problem(dataset: str, seconds: int) -> str | None:
    """Why Sentry would refuse ``seconds`` as the window of a monitor on ``dataset``."""
    if dataset == "metrics":
        if seconds not in CRASH_RATE_WINDOWS:
            return ("crash-rate monitors allow only these windows: 30m, 1h, 2h, 4h, 12h and 1d")
        return None
    if dataset == "events_analytics_platform" and seconds < EAP_MIN_WINDOW:
        return "monitors on span data need a window of at least 5m"
    if not 60 <= seconds <= 86400:
        return "the window must be between 1m and 1d"
    if seconds not in STANDARD_WINDOWS:
        return "use one of Sentry's windows: 1m, 5m, 10m, 15m, 30m, 1h, 2h, 4h, 1d"
    return None
