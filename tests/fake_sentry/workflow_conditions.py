"""Alert condition types and the JSON schema each ``comparison`` must match (SENTRY_ALERTS_API.md
sections 2.10 and 2.11). Keys are snake_case, as Sentry validates them after conversion; the
handler schemas refuse unknown keys.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from tests.fake_sentry.groups import choice_error
from tests.fake_sentry.validation import REQUIRED

INTERVALS = ["1m", "5m", "15m", "1h", "1d", "1w", "30d"]
COMPARISON_INTERVALS = ["5m", "15m", "1h", "1d", "1w", "30d"]
MATCHES = [
    "co", "nc", "eq", "ne", "sw", "ew", "is", "ns", "gt", "gte", "lt", "lte", "in", "nin", "nsw",
    "new",
]  # fmt: skip
ATTRIBUTES = [
    "message", "platform", "environment", "type", "error.handled", "error.unhandled",
    "error.main_thread", "exception.type", "exception.value", "user.id", "user.email",
    "user.username", "user.ip_address", "http.method", "http.url", "http.status_code", "sdk.name",
    "stacktrace.code", "stacktrace.module", "stacktrace.filename", "stacktrace.abs_path",
    "stacktrace.package", "unreal.crash_type", "app.in_foreground",
]  # fmt: skip
TRIGGER_TYPES = (
    "first_seen_event", "regression_event", "reappeared_event", "issue_resolved_trigger",
    "new_high_priority_issue", "existing_high_priority_issue", "issue_resolution_change",
    "seer_activity_trigger",
)  # fmt: skip


def _object(properties: dict[str, Any], *required: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


_SUB_FILTER = _object(
    {"key": {"type": "string"}, "attribute": {"type": "string"},
     "match": {"enum": MATCHES}, "value": {"type": ["string", "number"]}},
    "match",
)  # fmt: skip
_FILTERS = {"type": "array", "items": _SUB_FILTER}
_COUNT = {"type": "integer", "minimum": 0}
_FREQUENCY = _object(
    {"value": _COUNT, "interval": {"enum": INTERVALS}, "filters": _FILTERS}, "value", "interval"
)
_PERCENT_CHANGE = _object(
    {"value": {"type": "number", "minimum": 0}, "interval": {"enum": INTERVALS},
     "comparison_interval": {"enum": COMPARISON_INTERVALS}, "filters": _FILTERS},
    "value", "interval", "comparison_interval",
)  # fmt: skip
_MATCH_VALUE = {"match": {"enum": MATCHES}, "value": {"type": "string"}}
ANY: dict[str, Any] = {}
_BOOL = {"type": "boolean"}

FILTER_SCHEMAS: dict[str, dict[str, Any]] = {
    "age_comparison": _object(
        {"time": {"enum": ["minute", "hour", "day", "week"]},
         "value": {"type": "integer", "minimum": 1},
         "comparison_type": {"enum": ["older", "newer"]}},
        "time", "value", "comparison_type",
    ),
    "assigned_to": _object(
        {"target_type": {"enum": ["Unassigned", "Member", "Team"]},
         "target_identifier": {"anyOf": [{"type": "integer"}, {"enum": [""]}]}},
        "target_type",
    ),
    "issue_category": _object({"value": {"type": "integer"}, "include": _BOOL}, "value"),
    "issue_type": _object({"value": {"type": "string"}, "include": _BOOL}, "value"),
    "issue_occurrences": _object({"value": _COUNT}, "value"),
    "issue_priority_greater_or_equal": {"type": "integer", "enum": [25, 50, 75]},
    "issue_priority_equals": {"type": "integer", "enum": [25, 50, 75]},
    "issue_priority_deescalating": {"type": "integer"},
    "event_frequency_count": _FREQUENCY,
    "event_unique_user_frequency_count": _FREQUENCY,
    "event_frequency_percent": _PERCENT_CHANGE,
    "event_unique_user_frequency_percent": _PERCENT_CHANGE,
    "percent_sessions_count": _object(
        {"value": {"type": "number", "minimum": 0, "maximum": 100},
         "interval": {"enum": INTERVALS}, "filters": _FILTERS},
        "value", "interval",
    ),
    "percent_sessions_percent": _PERCENT_CHANGE,
    "event_attribute": _object(
        {"attribute": {"enum": ATTRIBUTES}, **_MATCH_VALUE}, "attribute", "match"
    ),
    "tagged_event": _object(
        {"key": {"type": "string", "minLength": 1}, **_MATCH_VALUE}, "key", "match"
    ),
    "level": _object(
        {"level": {"enum": [0, 10, 20, 30, 40, 50]}, "match": {"enum": ["eq", "gte", "lte"]}},
        "level", "match",
    ),
    "latest_release": {"type": "boolean"},
    "latest_adopted_release": _object(
        {"environment": {"type": "string"}, "age_comparison": {"enum": ["older", "newer"]},
         "release_age_type": {"enum": ["oldest", "newest"]}},
        "environment", "age_comparison", "release_age_type",
    ),
    # Rarely used types the fake accepts with any comparison.
    **dict.fromkeys(
        ("event_seen_count", "event_created_by_detector", "issue_open_duration", "every_event",
         "anomaly_detection", "eq", "ne", "gt", "gte", "lt", "lte"),
        ANY,
    ),
}  # fmt: skip
_TRIGGER_SCHEMAS: dict[str, dict[str, Any]] = {
    **{kind: _BOOL for kind in TRIGGER_TYPES},
    "seer_activity_trigger": {"type": "array", "items": {"type": "string"}},
}
_VALIDATORS = {
    kind: Draft202012Validator(schema)
    for kind, schema in {**FILTER_SCHEMAS, **_TRIGGER_SCHEMAS}.items()
}
_RESULT = Draft202012Validator({"type": "boolean"})


def condition_errors(condition: dict[str, Any], *, trigger: bool) -> dict[str, Any]:
    """Errors of one trigger (``trigger``) or action-filter condition, by snake_case field."""
    errors: dict[str, Any] = {}
    for name in ("type", "comparison", "condition_result"):
        if name not in condition:
            errors[name] = [REQUIRED]
    kind = condition.get("type")
    if "type" in condition and kind not in _VALIDATORS:
        return {**errors, "type": [choice_error(kind)]}
    if kind is not None and (kind in _TRIGGER_SCHEMAS) != trigger:
        return {**errors, "type": [f"Invalid condition type: {kind}"]}
    if "comparison" in condition and kind is not None:
        value = condition["comparison"]
        if any(_VALIDATORS[kind].iter_errors(value)):
            errors["comparison"] = [f"Value, {value} does not match JSON Schema for comparison"]
    if "condition_result" in condition and any(_RESULT.iter_errors(condition["condition_result"])):
        value = condition["condition_result"]
        errors["condition_result"] = [
            f"Value, {value}, does not match JSON Schema for condition result"
        ]
    return errors
