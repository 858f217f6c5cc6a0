"""Sentry's metric monitors: datasets, their query types and event types, the aggregates it
refuses, the time windows and comparison periods it accepts, and detector names.

Time windows follow Sentry's rules per dataset, in seconds. Sentry refuses new
transaction-based monitors ("Creation of transaction-based alerts is disabled, as we migrate to
the span dataset"), so performance is measured on spans (``events_analytics_platform``).
"""

from __future__ import annotations

from typing import Final, Literal

Dataset = Literal["events", "events_analytics_platform", "metrics", "transactions",
                  "generic_metrics"]
# The datasets Sentry no longer creates monitors on.
RETIRED_DATASETS = ("transactions", "generic_metrics")

QUERY_TYPE = {"events": 0, "transactions": 1, "generic_metrics": 1,
              "events_analytics_platform": 1, "metrics": 2}
EVENT_TYPES = {"events": ("error", "default"), "events_analytics_platform": ("trace_item_span",),
               "transactions": ("transaction",), "generic_metrics": ("transaction",),
               "metrics": ()}
PERCENTILES = ("p50", "p75", "p90", "p95", "p99")

# The windows Sentry's UI offers for error and performance monitors.
STANDARD_WINDOWS = (60, 300, 600, 900, 1800, 3600, 7200, 14400, 86400)
# Crash-rate monitors allow only these ("Allowed time windows for crash rate alerts are: 30min,
# 1h, 2h, 4h, 12h and 24h").
CRASH_RATE_WINDOWS = (1800, 3600, 7200, 14400, 43200, 86400)
# Spans (EAP) need at least five minutes.
EAP_MIN_WINDOW = 300
# Sentry's comparison periods for percent-change monitors, in seconds.
COMPARISON_DELTAS = (300, 900, 3600, 86400, 604800, 2592000)

# A metric monitor is a detector of this type; it detects static thresholds or percent changes
# (anomaly detection needs Seer).
METRIC_DETECTOR: Final = "metric_issue"
STATIC: Final = "static"
PERCENT: Final = "percent"
