"""The metric query checks shared by monitors and legacy metric alerts (``SnubaQueryValidator``).

SENTRY_ALERTS_API.md sections 2.2 and 3.1, SENTRY_API.md sections 1.2-1.4. Monitors take
``timeWindow`` in seconds, legacy metric alerts in minutes. Sentry also runs the query against
Snuba; the fake checks only the syntax it can see.

Source: ``src/sentry/snuba/snuba_query_validator.py`` ``SnubaQueryValidator``:

- fields: ``query_type`` ``IntegerField`` (optional; ``validate_query_type``: "Invalid query
  type <n>"), ``dataset`` ``CharField`` (``validate_dataset``: "Invalid dataset, valid values
  are [...]"), ``query`` ``CharField(allow_blank=True)`` (``validate_query``:
  ``UNSUPPORTED_QUERIES``),
  ``aggregate`` ``CharField`` (``validate_aggregate``: no ``upsampled_count()``),
  ``time_window`` ``IntegerField``, ``environment`` ``EnvironmentField(required=True,
  allow_null=True)`` (``api/serializers/rest_framework/environment.py``: "Environment is not
  part of this organization"), ``event_types`` a required ``ListField(child=CharField())``
  (``validate_event_types``: "Invalid event_type, valid values are [...]"), ``group_by``
  (flag-gated in ``_validate_group_by``), ``extrapolation_mode`` (``validate_extrapolation_mode``:
  "Invalid extrapolation mode: <m>"). Unknown keys are dropped (plain DRF).
- ``validate``: ``_validate_aggregate`` (``incidents/logic.py`` ``check_aggregate_column_support``
  and ``translate_aggregate_field``, the alias rewriting), ``_validate_query``
  (``QUERY_TYPE_VALID_DATASETS``: "Invalid dataset for this query type. Valid datasets are
  [...]"; ``snuba/entity_subscription.py`` ``get_entity_subscription`` for crash-rate
  aggregates), ``_validate_snql_query`` -> ``_validate_time_window``
  (``CRASH_RATE_ALERTS_ALLOWED_TIME_WINDOWS``), then crash-rate ``event_types = []``,
  ``QUERY_TYPE_VALID_EVENT_TYPES`` and the one-event-type rule for EAP.
- ``_validate_snql_query`` (and so ``_validate_time_window``) is skipped for
  ``events_analytics_platform``: its "at least 5 minutes" branch is never reached there in
  the version read, so the fake no longer refuses short EAP windows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tests.fake_sentry.state import FakeOrganization
from tests.fake_sentry.validation import REQUIRED, drf_int, string

ERROR, PERFORMANCE, CRASH_RATE = 0, 1, 2  # snuba/models.py SnubaQuery.Type
# snuba/dataset.py Dataset values, in Sentry's order, for "Invalid dataset" messages.
DATASETS = [
    "events", "transactions", "discover", "search_issues", "metrics", "generic_metrics",
    "sessions", "spans", "events_analytics_platform", "replays", "profiles", "outcomes",
]  # fmt: skip
# incidents/logic.py query_datasets_to_type (the default query type of a dataset); inverted,
# QUERY_TYPE_VALID_DATASETS.
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
# snuba/models.py SnubaQueryEventType.EventType names, lower-cased
EVENT_TYPES = [
    "error", "default", "transaction", "trace_item_span", "trace_item_log", "trace_item_metric",
]  # fmt: skip
VALID_EVENT_TYPES = {  # QUERY_TYPE_VALID_EVENT_TYPES
    ERROR: {"error", "default"},
    PERFORMANCE: {"transaction", "trace_item_span", "trace_item_log"},
}
# snuba/models.py ExtrapolationMode names
EXTRAPOLATION_MODES = ("unknown", "none", "client_and_server_weighted", "server_weighted")
# CRASH_RATE_ALERTS_ALLOWED_TIME_WINDOWS (seconds)
CRASH_RATE_WINDOWS = (1800, 3600, 7200, 14400, 43200, 86400)
# entity_subscription.py: crash-rate entities accept only these percentages
CRASH_RATE_AGGREGATE = re.compile(
    r"^percentage\(\s*(sessions_crashed|users_crashed)\s*,\s*(sessions|users)\s*\)"
)
# Approximates check_aggregate_column_support / are_columns_resolved (which need Snuba).
_FUNCTION = re.compile(r"^\w+\(.*\)(\s+AS\s+\w+)?$")
_ALIASES = {  # incidents/logic.py translate_aggregate_field
    "user": "tags[sentry:user]",
    "dist": "tags[sentry:dist]",
    "release": "tags[sentry:release]",
}
UNSUPPORTED_QUERIES = ("release:latest",)  # snuba_query_validator.py UNSUPPORTED_QUERIES


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
    for name, blank in (("dataset", False), ("query", True), ("aggregate", False)):
        if name in source:
            _, problems = string(allow_blank=blank)(source[name])  # DRF CharField
            if problems:
                errors[name] = problems
    if "event_types" in source and source["event_types"] is None:
        errors["event_types"] = ["This field may not be null."]
    if source.get("group_by") is not None:
        # _validate_group_by: the organization feature
        # workflow-engine-metric-alert-group-by-creation, which the fake never has
        errors["group_by"] = ["Group by Metric Alerts feature must be enabled to use this field"]
    if isinstance(source.get("aggregate"), str) and "aggregate" not in errors:
        aggregate = source["aggregate"].strip()
        if aggregate == "upsampled_count()":
            errors["aggregate"] = [
                "upsampled_count() is not allowed as user input. Use count() instead - "
                "it will be automatically converted to upsampled_count() when appropriate."
            ]
    if (
        isinstance(source.get("dataset"), str)
        and "dataset" not in errors
        and source["dataset"].strip() not in DATASETS
    ):
        errors["dataset"] = [f"Invalid dataset, valid values are {DATASETS}"]
    if isinstance(source.get("query"), str) and "query" not in errors:
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
        elif max_minutes is not None and not 1 <= window <= max_minutes:  # legacy serializer
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
        "dataset": str(source["dataset"]).strip(),
        "query": str(source["query"]).strip(),
        "time_window": drf_int(source["time_window"]),
        "environment": source["environment"],
        "event_types": [e.lower() for e in source["event_types"]],
        "extrapolation_mode": source.get("extrapolation_mode"),
    }
    if "query_type" in source:
        data["query_type"] = drf_int(source["query_type"])
    data["aggregate"], problem = _aggregate(str(source["aggregate"]).strip())
    if problem:
        return {}, {"aggregate": [problem]}
    problem = _cross_check(data, seconds)
    if problem:
        return {}, {"non_field_errors": [problem]}
    return data, {}
