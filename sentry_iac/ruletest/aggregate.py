"""What a metric monitor's data source measures at the end of a minute: its aggregate over the
items of its window, environment, event types and query, as Sentry's query subscriptions
compute it.

* The window: each update covers the last ``timeWindow`` seconds (``snuba/subscriptions/``,
  ``SnubaQuery.time_window``); updates arrive once a minute (``resolution`` 60 s,
  ``incidents/logic.py`` ``DEFAULT_ALERT_RULE_RESOLUTION``).
* The environment: the query is filtered on the data source's ``environment``
  (``snuba/entity_subscription.py``; none means every environment).
* Crash-free rates: ``percentage(sessions_crashed, sessions)`` is turned into a crash-free
  percentage, ``round((1 - crashed / total) * 100, 3)``, and no sessions means no value
  (``incidents/utils/process_update_helpers.py``
  ``get_crash_rate_alert_metrics_aggregation_value_helper``).
* A percent change compares the value with the one ``comparisonDelta`` seconds earlier,
  current / previous x 100, and skips the update when the earlier one is 0 or missing
  (``get_comparison_aggregation_value``, same file).
* Percentiles: ClickHouse's ``quantile`` is approximate; here it is the linear interpolation
  between the nearest ranks, exact for the small series a test gives.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

from sentry_iac.ruletest.samples import Sample
from sentry_iac.ruletest.search import UnsupportedQuery, matches

_PERCENTILE = re.compile(r"^p(50|75|90|95|99|100)\(span\.duration\)$")
_KIND_OF_DATASET = {"events": "error", "events_analytics_platform": "span"}


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    rank = fraction * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def _rate(items: list[Sample]) -> float | None:
    total = sum(s.total for s in items)
    if total == 0:
        return None
    return round((1 - sum(s.crashed for s in items) / total) * 100, 3)


def _selected(source: dict[str, Any], samples: Sequence[Sample], minute: int) -> list[Sample]:
    window = int(source["timeWindow"]) // 60
    environment = source.get("environment")
    query = str(source.get("query") or "")
    return [s for s in samples if minute - window < s.minute <= minute
            and (environment is None or s.environment == environment)
            and matches(query, s.attributes)]


def _metrics(aggregate: str, items: list[Sample]) -> float | None:
    if aggregate.startswith("percentage(sessions_crashed, sessions)"):
        return _rate([s for s in items if s.kind == "sessions"])
    if aggregate.startswith("percentage(users_crashed, users)"):
        return _rate([s for s in items if s.kind == "session_users"])
    raise UnsupportedQuery(f"the aggregate '{aggregate}' on release health")


def measure(source: dict[str, Any], samples: Sequence[Sample], minute: int) -> float | None:
    """The value of ``source`` (a detector's data source as sent) at the end of ``minute``;
    None when Sentry would have no value to evaluate."""
    aggregate = str(source["aggregate"]).strip()
    dataset = str(source["dataset"])
    items = _selected(source, samples, minute)
    if dataset == "metrics":
        return _metrics(aggregate, items)
    kind = _KIND_OF_DATASET.get(dataset)
    if kind is None:
        raise UnsupportedQuery(f"the dataset '{dataset}'")
    event_types = set(source.get("eventTypes") or ())
    items = [s for s in items if s.kind == kind
             and (kind != "error" or not event_types or "error" in event_types)]
    if aggregate == "count()":
        return float(len(items))
    if aggregate == "count_unique(tags[sentry:user])" or aggregate == "count_unique(user)":
        return float(len({s.user for s in items if s.user is not None}))
    if aggregate == "failure_rate()":
        return sum(s.failed for s in items) / len(items) if items else None
    found = _PERCENTILE.match(aggregate)
    if found:
        values = [s.duration_ms for s in items]
        return _percentile(values, int(found.group(1)) / 100) if values else None
    raise UnsupportedQuery(f"the aggregate '{aggregate}'")


def detector_value(source: dict[str, Any], config: dict[str, Any], samples: Sequence[Sample],
                   minute: int) -> float | None:
    """The value a detector compares: the measure itself, or for ``detectionType: percent``
    the change against ``comparisonDelta`` seconds earlier."""
    value = measure(source, samples, minute)
    if config.get("detectionType") != "percent" or value is None:
        return value
    earlier = measure(source, samples, minute - int(config["comparisonDelta"]) // 60)
    if not earlier:
        return None
    return value / earlier * 100
