"""Alert condition types and the JSON schema each ``comparison`` must match (SENTRY_ALERTS_API.md
sections 2.10 and 2.11). Keys are snake_case, as Sentry validates them after conversion.

Sources (getsentry/sentry):

- ``workflow_engine/endpoints/validators/base/data_condition.py``
  ``AbstractDataConditionValidator``: ``type`` is a ``ChoiceField`` over ``Condition``
  (``models/data_condition.py``), ``comparison`` and ``condition_result`` are required
  ``JSONField``s, ``id`` is optional; other keys are dropped, as DRF does.
- same file, ``BaseDataConditionValidator._get_handler``: a type with no registered handler is
  "Invalid condition type: <t>"; the bare operators (``CONDITION_OPS``: eq, ne, gt, gte, lt, lte)
  have no handler and are refused by ``validate_comparison`` / ``validate_condition_result``.
- same class, ``validate_comparison``: the handler's ``comparison_json_schema`` decides,
  "Value, <v> does not match JSON Schema for comparison"; ``validate_condition_result``: the
  handler's ``condition_result_schema`` (a boolean for every workflow handler),
  "Value, <v>, does not match JSON Schema for condition result".
- the schemas below: ``workflow_engine/handlers/condition/<name>_handler.py``, each
  ``comparison_json_schema`` (``additionalProperties: False`` throughout).
- Sentry does not check whether a condition is a "trigger" or a "filter" type when it
  validates one; ``base/data_condition_group.py`` ``_validate_logic_type`` only requires the
  group holding a trigger type to use ``any-short`` (see ``workflow_checks``).
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from tests.fake_sentry.groups import choice_error
from tests.fake_sentry.validation import REQUIRED

# rules/conditions/event_frequency.py STANDARD_INTERVALS and COMPARISON_INTERVALS keys.
INTERVALS = ["1m", "5m", "15m", "1h", "1d", "1w", "30d"]
COMPARISON_INTERVALS = ["5m", "15m", "1h", "1d", "1w", "30d"]
# rules/match.py MatchType. source not found for "nin" (the version read lacks it): kept from
# SENTRY_ALERTS_API.md §2.11.
MATCHES = [
    "co", "nc", "eq", "ne", "sw", "ew", "is", "ns", "gt", "gte", "lt", "lte", "in", "nin", "nsw",
    "new",
]  # fmt: skip
_SET_MATCHES = ["is", "ns"]  # MatchType.IS_SET / NOT_SET: no value
# rules/conditions/event_attribute.py ATTR_CHOICES keys.
ATTRIBUTES = [
    "message", "platform", "environment", "type", "error.handled", "error.unhandled",
    "error.main_thread", "exception.type", "exception.value", "user.id", "user.email",
    "user.username", "user.ip_address", "http.method", "http.url", "http.status_code", "sdk.name",
    "stacktrace.code", "stacktrace.module", "stacktrace.filename", "stacktrace.abs_path",
    "stacktrace.package", "unreal.crash_type", "app.in_foreground",
]  # fmt: skip
# models/data_condition.py TRIGGER_CONDITIONS, which _validate_logic_type reads. source not
# found for its exact contents (the versions read predate it): taken as the handlers whose group
# is WORKFLOW_TRIGGER, without every_event (SENTRY_ALERTS_API.md §2.10).
TRIGGER_TYPES = (
    "first_seen_event", "regression_event", "reappeared_event", "issue_resolved_trigger",
    "new_high_priority_issue", "existing_high_priority_issue", "issue_resolution_change",
    "seer_activity_trigger",
)  # fmt: skip
# models/data_condition.py CONDITION_OPS: operators evaluated without a handler.
OPERATORS = ("eq", "ne", "gt", "gte", "lt", "lte")
# issues/grouptype.py GroupCategory: ERROR=1 ... CONFIGURATION=19.
GROUP_CATEGORIES = list(range(1, 20))
# types.py / models PriorityLevel: LOW, MEDIUM, HIGH.
PRIORITY_LEVELS = [25, 50, 75]
# constants.py LOG_LEVELS_MAP values (sample, debug, info, warning, error, fatal).
LOG_LEVELS = [0, 10, 20, 30, 40, 50]
# rules/filters/age_comparison.py timeranges keys.
TIMERANGES = ["minute", "hour", "day", "week"]
# incidents/models/alert_rule.py AlertRuleSensitivity / AlertRuleSeasonality /
# AlertRuleThresholdType.
SENSITIVITIES = ["low", "medium", "high"]
SEASONALITIES = [
    "auto", "hourly", "daily", "weekly", "hourly_daily", "hourly_weekly", "hourly_daily_weekly",
    "daily_weekly",
]  # fmt: skip
THRESHOLD_TYPES = [0, 1, 2]
# tagstore/base.py TAG_KEY_RE.
TAG_KEY = {"type": "string", "pattern": r"^[a-zA-Z0-9_\.:-]+$"}


def _object(properties: dict[str, Any], *required: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
        **extra,
    }


def _match_value(subject: str, subject_schema: dict[str, Any]) -> dict[str, Any]:
    """tagged_event_handler.py / event_attribute_handler.py: ``is``/``ns`` forbid ``value``,
    every other match requires a string ``value`` (their ``oneOf``)."""
    return _object(
        {subject: subject_schema, "match": {"type": "string", "enum": MATCHES},
         "value": {"type": "string"}},
        oneOf=[
            {"properties": {subject: subject_schema, "match": {"enum": _SET_MATCHES}},
             "required": [subject, "match"], "not": {"required": ["value"]}},
            {"properties": {subject: subject_schema, "match": {"not": {"enum": _SET_MATCHES}},
                            "value": {"type": "string"}},
             "required": [subject, "match", "value"]},
        ],
    )  # fmt: skip


# tagged_event_handler.py TaggedEventConditionHandler.comparison_json_schema
_TAGGED_EVENT = _match_value("key", TAG_KEY)
# event_frequency_handlers.py: "filters" items are the tagged_event schema.
_FILTERS = {"type": "array", "items": _TAGGED_EVENT}
_COUNT = {"type": "integer", "minimum": 0}
_INTERVAL = {"type": "string", "enum": INTERVALS}
_COMPARISON_INTERVAL = {"type": "string", "enum": COMPARISON_INTERVALS}
# event_frequency_handlers.py EventFrequencyCountHandler (also unique users)
_FREQUENCY = _object(
    {"interval": _INTERVAL, "value": _COUNT, "filters": _FILTERS}, "interval", "value"
)
# event_frequency_handlers.py EventFrequencyPercentHandler (also unique users): integer value
_PERCENT_CHANGE = _object(
    {"interval": _INTERVAL, "value": _COUNT, "comparison_interval": _COMPARISON_INTERVAL,
     "filters": _FILTERS},
    "interval", "value", "comparison_interval",
)  # fmt: skip
# event_frequency_handlers.py PercentSessionsCountHandler / PercentSessionsPercentHandler
_SESSIONS_VALUE = {"type": "number", "minimum": 0, "maximum": 100}
_AGE = _object(
    {"comparison_type": {"type": "string", "enum": ["older", "newer"]}, "value": _COUNT,
     "time": {"type": "string", "enum": TIMERANGES}},
    "comparison_type", "value", "time",
)  # fmt: skip
_BOOL = {"type": "boolean"}
_PRIORITY = {"type": "integer", "enum": PRIORITY_LEVELS}

FILTER_SCHEMAS: dict[str, dict[str, Any]] = {
    # age_comparison_handler.py AgeComparisonConditionHandler
    "age_comparison": _AGE,
    # issue_open_duration_handler.py IssueOpenDurationConditionHandler
    "issue_open_duration": _AGE,
    # assigned_to_handler.py AssignedToConditionHandler (target_identifier needed unless
    # Unassigned; the enum is notifications/types.py AssigneeTargetType)
    "assigned_to": _object(
        {"target_type": {"type": "string", "enum": ["Unassigned", "Member", "Team"]},
         "target_identifier": {"type": ["integer", "string"]}},
        "target_type",
        allOf=[{"if": {"properties": {"target_type": {"const": "Unassigned"}}},
                "then": {"required": ["target_type"]},
                "else": {"required": ["target_type", "target_identifier"]}}],
    ),
    # issue_category_handler.py IssueCategoryConditionHandler
    "issue_category": _object(
        {"value": {"type": "integer", "enum": GROUP_CATEGORIES}, "include": _BOOL}, "value"
    ),
    # issue_type_handler.py IssueTypeConditionHandler: value is a group type slug; the slug enum
    # (grouptype.registry) is not modelled.
    "issue_type": _object({"value": {"type": "string"}, "include": _BOOL}, "value"),
    # issue_occurrences_handler.py IssueOccurrencesConditionHandler
    "issue_occurrences": _object({"value": _COUNT}, "value"),
    # issue_priority_greater_or_equal_handler.py / issue_priority_equals.py
    "issue_priority_greater_or_equal": _PRIORITY,
    "issue_priority_equals": _PRIORITY,
    # issue_priority_deescalating_handler.py (newest): the priority, not a boolean
    "issue_priority_deescalating": _PRIORITY,
    "event_frequency_count": _FREQUENCY,
    "event_unique_user_frequency_count": _FREQUENCY,
    "event_frequency_percent": _PERCENT_CHANGE,
    "event_unique_user_frequency_percent": _PERCENT_CHANGE,
    "percent_sessions_count": _object(
        {"interval": _INTERVAL, "value": _SESSIONS_VALUE, "filters": _FILTERS},
        "interval", "value",
    ),
    "percent_sessions_percent": _object(
        {"interval": _INTERVAL, "value": _SESSIONS_VALUE,
         "comparison_interval": _COMPARISON_INTERVAL, "filters": _FILTERS},
        "interval", "value", "comparison_interval",
    ),
    # event_attribute_handler.py EventAttributeConditionHandler
    "event_attribute": _match_value("attribute", {"type": "string", "enum": ATTRIBUTES}),
    "tagged_event": _TAGGED_EVENT,
    # level_handler.py LevelConditionHandler: any MatchType is accepted by the schema
    "level": _object(
        {"level": {"type": "integer", "enum": LOG_LEVELS},
         "match": {"type": "string", "enum": MATCHES}},
        "level", "match",
    ),
    # latest_release_handler.py LatestReleaseConditionHandler
    "latest_release": _BOOL,
    # latest_adopted_release_handler.py LatestAdoptedReleaseConditionHandler
    "latest_adopted_release": _object(
        {"release_age_type": {"type": "string", "enum": ["oldest", "newest"]},
         "age_comparison": {"type": "string", "enum": ["older", "newer"]},
         "environment": {"type": "string"}},
        "release_age_type", "age_comparison", "environment",
    ),
    # event_seen_count_handler.py EventSeenCountConditionHandler
    "event_seen_count": {"type": "integer", "minimum": 1},
    # event_created_by_detector_handler.py: the version read declares no schema.
    # source not found for a newer one; any comparison is accepted.
    "event_created_by_detector": {},
    # anomaly_detection_handler.py AnomalyDetectionHandler
    "anomaly_detection": _object(
        {"sensitivity": {"type": "string", "enum": SENSITIVITIES},
         "seasonality": {"type": "string", "enum": SEASONALITIES},
         "threshold_type": {"type": "integer", "enum": THRESHOLD_TYPES}},
        "sensitivity", "seasonality", "threshold_type",
    ),
}  # fmt: skip
_TRIGGER_SCHEMAS: dict[str, dict[str, Any]] = {
    # first_seen_event_handler.py, regression_event_handler.py, reappeared_event_handler.py,
    # new/existing_high_priority_issue_handler.py, issue_resolution_change_handler.py,
    # issue_resolved_trigger_condition.py, every_event_handler.py: a boolean
    **{kind: _BOOL for kind in (*TRIGGER_TYPES, "every_event")},
    # seer_activity_trigger_handler.py SeerActivityTriggerHandler (stage enum not modelled)
    "seer_activity_trigger": {
        "type": "array", "items": {"type": "string"}, "minItems": 1, "uniqueItems": True,
    },
}  # fmt: skip
SCHEMAS = {**FILTER_SCHEMAS, **_TRIGGER_SCHEMAS}
_VALIDATORS = {kind: Draft202012Validator(schema) for kind, schema in SCHEMAS.items()}
# DataConditionHandler.condition_result_schema of the workflow handlers: a boolean.
_RESULT = Draft202012Validator({"type": "boolean"})
# models/data_condition.py Condition: every value the type ChoiceField accepts.
CONDITION_TYPES = frozenset(SCHEMAS) | frozenset(OPERATORS)


def condition_errors(condition: dict[str, Any]) -> dict[str, Any]:
    """Errors of one trigger or action-filter condition, by snake_case field
    (``BaseDataConditionValidator``)."""
    errors: dict[str, Any] = {}
    for name in ("type", "comparison", "condition_result"):
        if name not in condition:
            errors[name] = [REQUIRED]
    kind = condition.get("type")
    if "type" in condition and kind not in CONDITION_TYPES:
        return {**errors, "type": [choice_error(kind)]}  # the ChoiceField
    if kind in OPERATORS:
        # _get_handler gives None for CONDITION_OPS; both validators then refuse.
        if "comparison" in condition:
            errors["comparison"] = [
                "Condition Operators should implement their own validators for comparison"
            ]
        if "condition_result" in condition:
            errors["condition_result"] = [
                "Condition Operators should implement their own validation for condition_result"
            ]
        return errors
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


def has_trigger_type(conditions: list[Any]) -> bool:
    """Whether a group holds a condition in ``TRIGGER_CONDITIONS``."""
    return any(isinstance(c, dict) and c.get("type") in TRIGGER_TYPES for c in conditions)
