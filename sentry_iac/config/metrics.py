"""What a metric alert can measure, by plain name, and what that means to Sentry.

Performance presets use span data (``events_analytics_platform``): Sentry refuses new
transaction-based monitors ("Creation of transaction-based alerts is disabled, as we migrate to
the span dataset"). Time windows follow Sentry's rules per dataset, in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Dataset = Literal["events", "events_analytics_platform", "metrics", "transactions",
                  "generic_metrics"]
Unit = Literal["count", "ms", "%", "ratio"]

# The windows Sentry's UI offers for error and performance monitors.
STANDARD_WINDOWS = (60, 300, 600, 900, 1800, 3600, 7200, 14400, 86400)
# Crash-rate monitors allow only these ("Allowed time windows for crash rate alerts are: 30min,
# 1h, 2h, 4h, 12h and 24h").
CRASH_RATE_WINDOWS = (1800, 3600, 7200, 14400, 43200, 86400)
# Spans (EAP) need at least five minutes.
EAP_MIN_WINDOW = 300
# Sentry's comparison periods for percent-change monitors, in seconds.
COMPARISON_DELTAS = (300, 900, 3600, 86400, 604800, 2592000)
PERCENTILES = ("p50", "p75", "p90", "p95", "p99")

QUERY_TYPE = {"events": 0, "transactions": 1, "generic_metrics": 1,
              "events_analytics_platform": 1, "metrics": 2}
EVENT_TYPES = {"events": ("error", "default"), "events_analytics_platform": ("trace_item_span",),
               "transactions": ("transaction",), "generic_metrics": ("transaction",),
               "metrics": ()}


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
