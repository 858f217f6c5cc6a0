"""The metric query checks shared by monitors and legacy metric alerts (``SnubaQueryValidator``).

SENTRY_ALERTS_API.md sections 2.2 and 3.1, SENTRY_API.md sections 1.2-1.4. Monitors take
``timeWindow`` in seconds, legacy metric alerts in minutes. Sentry also runs the query against
Snuba; the fake checks only the syntax it can see.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tests.fake_sentry.state import FakeOrganization
from tests.fake_sentry.validation import REQUIRED, drf_int

ERROR, PERFORMANCE, CRASH_RATE = 0, 1, 2
# Dataset enum values, in Sentry's order, for "Invalid dataset" messages.
DATASETS = [
    "events", "transactions", "discover", "search_issues", "metrics", "generic_metrics",
    "sessions", "spans", "events_analytics_platform", "replays", "profiles", "outcomes",
]  # fmt: skip
DATASET_QUERY_TYPE = {
    "events": ERROR,
    "transactions": PERFORMANCE,
    "generic_metrics": PERFORMANCE,
    "events_analytics_platform": PERFORMANCE,
    "metrics": CRASH_RATE,
}
# Messages name the Dataset enum members (lower-cased), not their values.
_MEMBER_NAMES = {
    "events": "events",
    "transactions": "transactions",
    "generic_metrics": "performancemetrics",
    "events_analytics_platform": "eventsanalyticsplatform",
    "metrics": "metrics",
}
EVENT_TYPES = [
    "error", "default", "transaction", "trace_item_span", "trace_item_log", "trace_item_metric",
]  # fmt: skip
VALID_EVENT_TYPES = {
    ERROR: {"error", "default"},
    PERFORMANCE: {"transaction", "trace_item_span", "trace_item_log"},
}
EXTRAPOLATION_MODES = ("unknown", "none", "client_and_server_weighted", "server_weighted")
CRASH_RATE_WINDOWS = (1800, 3600, 7200, 14400, 43200, 86400)  # seconds
CRASH_RATE_AGGREGATE = re.compile(
    r"^percentage\(\s*(sessions_crashed|users_crashed)\s*,\s*(sessions|users)\s*\)"
)
_FUNCTION = re.compile(r"^\w+\(.*\)(\s+AS\s+\w+)?$")
_ALIASES = {
    "user": "tags[sentry:user]",
    "dist": "tags[sentry:dist]",
    "release": "tags[sentry:release]",
}
UNSUPPORTED_QUERIES = ("release:latest",)


def _valid_datasets(query_type: int) -> str:
    names = sorted(_MEMBER_NAMES[d] for d, t in DATASET_QUERY_TYPE.items() if t == query_type)
    return str(names)


def _field_errors(
    source: Mapping[str, Any], org: FakeOrganization, max_minutes: int | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for name in ("dataset", "query", "aggregate", "time_window", "environment", "event_types"):
        if name not in source:
            errors[name] = [REQUIRED]
    for name in ("dataset", "query", "aggregate"):
        if name in source and not isinstance(source[name], str):
            errors[name] = ["Not a valid string."]
    if isinstance(source.get("aggregate"), str):
        aggregate = source["aggregate"]
        if not aggregate:
            errors["aggregate"] = ["This field may not be blank."]
        elif aggregate == "upsampled_count()":
            errors["aggregate"] = [
                "upsampled_count() is not allowed as user input. Use count() instead - "
                "it will be automatically converted to upsampled_count() when appropriate."
            ]
    if isinstance(source.get("dataset"), str) and source["dataset"] not in DATASETS:
        errors["dataset"] = [f"Invalid dataset, valid values are {DATASETS}"]
    if isinstance(source.get("query"), str):
        for term in source["query"].split():
            if term in UNSUPPORTED_QUERIES:
                errors["query"] = [
                    f"Unsupported Query: We do not currently support the {term} query"
                ]
    if "query_type" in source:
        # SnubaQueryValidator: query_type and time_window are DRF IntegerFields.
        value = drf_int(source["query_type"])
        if value is None:
            errors["query_type"] = ["A valid integer is required."]
        elif value not in (ERROR, PERFORMANCE, CRASH_RATE):
            errors["query_type"] = [f"Invalid query type {value}"]
    if "time_window" in source:
        window = drf_int(source["time_window"])
        if window is None:
            errors["time_window"] = ["A valid integer is required."]
        elif max_minutes is not None and not 1 <= window <= max_minutes:
            bound = (
                "greater than or equal to 1"
                if window < 1
                else f"less than or equal to {max_minutes}"
            )
            errors["time_window"] = [f"Ensure this value is {bound}."]
    environment = source.get("environment")
    if environment is not None and environment not in org.environment_names():
        errors["environment"] = ["Environment is not part of this organization"]
    event_types = source.get("event_types")
    if event_types is not None:
        if not isinstance(event_types, list):
            errors["event_types"] = [
                f'Expected a list of items but got type "{type(event_types).__name__}".'
            ]
        elif any(not isinstance(e, str) or e.lower() not in EVENT_TYPES for e in event_types):
            errors["event_types"] = [f"Invalid event_type, valid values are {EVENT_TYPES}"]
    mode = source.get("extrapolation_mode")
    if mode is not None and mode not in EXTRAPOLATION_MODES:
        errors["extrapolation_mode"] = [f"Invalid extrapolation mode: {mode}"]
    return errors


def _aggregate(aggregate: str) -> tuple[str, str | None]:
    """The stored aggregate (aliases resolved) or an ``aggregate`` error."""
    if not _FUNCTION.match(aggregate):
        return aggregate, "Invalid Metric: Please pass a valid function for aggregation"
    head, _, rest = aggregate.partition("(")
    argument = rest.split(")")[0].strip()
    if argument in _ALIASES:
        return f"{head}({_ALIASES[argument]}){rest.split(')', 1)[1]}", None
    return aggregate, None


def _cross_check(data: dict[str, Any], seconds: bool) -> str | None:
    """Sentry's ``validate()``: the first non-field problem, if any."""
    dataset = data["dataset"]
    if dataset not in DATASET_QUERY_TYPE:
        return f"Invalid dataset for this query type. Valid datasets are {_valid_datasets(ERROR)}"
    query_type = data.setdefault("query_type", DATASET_QUERY_TYPE[dataset])
    if DATASET_QUERY_TYPE[dataset] != query_type:
        return (
            f"Invalid dataset for this query type. Valid datasets are {_valid_datasets(query_type)}"
        )
    if query_type == CRASH_RATE and not CRASH_RATE_AGGREGATE.match(data["aggregate"]):
        return "Only crash free percentage queries are supported for crash rate alerts"
    window = data["time_window"] if seconds else data["time_window"] * 60
    if dataset == "metrics" and window not in CRASH_RATE_WINDOWS:
        return (
            "Invalid Time Window: Allowed time windows for crash rate alerts are: "
            "30min, 1h, 2h, 4h, 12h and 24h"
        )
    if dataset == "events_analytics_platform" and window < 300:
        return "Invalid Time Window: Time window for this alert type must be at least 5 minutes."
    if query_type == CRASH_RATE:
        data["event_types"] = []  # Sentry drops them for crash-rate queries
    event_types = data["event_types"]
    valid = VALID_EVENT_TYPES.get(query_type, set())
    if event_types and set(event_types) - valid:
        return f"Invalid event types for this dataset. Valid event types are {sorted(valid)}"
    if dataset == "events_analytics_platform" and len(event_types) > 1:
        return f"Multiple event types not allowed. Valid event types are {sorted(valid)}"
    return None


def clean_snuba_query(
    source: Any, org: FakeOrganization, *, seconds: bool, max_minutes: int | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(query, errors) for one snake_case data source; errors use snake_case keys."""
    if not isinstance(source, dict):
        kind = "null" if source is None else type(source).__name__
        return {}, {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]}
    errors: dict[str, Any] = _field_errors(source, org, max_minutes)
    if errors:
        return {}, errors
    data = {
        "dataset": source["dataset"],
        "query": source["query"],
        "time_window": drf_int(source["time_window"]),
        "environment": source["environment"],
        "event_types": [e.lower() for e in source["event_types"]],
        "extrapolation_mode": source.get("extrapolation_mode"),
    }
    if "query_type" in source:
        data["query_type"] = drf_int(source["query_type"])
    data["aggregate"], problem = _aggregate(source["aggregate"])
    if problem:
        return {}, {"aggregate": [problem]}
    problem = _cross_check(data, seconds)
    if problem:
        return {}, {"non_field_errors": [problem]}
    return data, {}
