"""What a monitor (detector) request must satisfy, with Sentry's texts (SENTRY_ALERTS_API.md 3.1).

Bodies arrive snake_cased (see ``casing``); errors are built with snake keys and camelCased by
the caller. Only ``metric_issue`` monitors can be created; the system ``error`` and
``issue_stream`` monitors can be renamed, enabled, owned and linked.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from tests.fake_sentry.actors import check_owner
from tests.fake_sentry.groups import group_errors, item_errors, keep_or_new_id
from tests.fake_sentry.replies import HttpError
from tests.fake_sentry.snuba_query import clean_snuba_query
from tests.fake_sentry.state import FakeDetector, FakeOrganization
from tests.fake_sentry.validation import REQUIRED, Invalid, boolean, string

KNOWN_TYPES = (
    "metric_issue", "error", "issue_stream", "uptime_domain_failure", "monitor_check_in_failure",
    "preprod_size_analysis",
)  # fmt: skip
COMPARISON_DELTAS = [300, 900, 3600, 86400, 604800, 2592000, None]
METRIC_CONFIG = Draft202012Validator(
    {
        "type": "object",
        "required": ["detection_type"],
        "properties": {
            "comparison_delta": {"type": ["integer", "null"], "enum": COMPARISON_DELTAS},
            "detection_type": {"type": "string", "enum": ["static", "percent", "dynamic"]},
        },
    }
)
CONDITION_TYPES = ("gt", "gte", "lt", "lte", "anomaly_detection")
CONDITION_RESULTS = (75, 50, 0)  # priority: high, medium, resolved
ANOMALY_COMPARISON = Draft202012Validator(
    {
        "type": "object",
        "required": ["seasonality", "sensitivity", "threshold_type"],
        "properties": {
            "seasonality": {"enum": ["auto"]},
            "sensitivity": {"enum": ["low", "medium", "high"]},
            "threshold_type": {"enum": [0, 1, 2]},
        },
        "additionalProperties": False,
    }
)
TRANSACTION_DATASETS = ("transactions", "generic_metrics")
TRANSACTIONS_RETIRED = (
    "Creation of transaction-based alerts is disabled, as we migrate to the span dataset. "
    "Create span-based alerts (dataset: events_analytics_platform) with the is_transaction:true "
    "filter instead."
)


def detector_type(body: dict[str, Any], current: FakeDetector | None) -> str:
    if current is not None:
        return current.type  # a PUT keeps the stored type
    if "type" not in body or body["type"] in (None, ""):
        raise Invalid({"type": [REQUIRED]})
    if body["type"] not in KNOWN_TYPES:
        raise Invalid({"type": [f"Unknown detector type '{body['type']}'"]})
    if body["type"] != "metric_issue":
        raise Invalid({"type": ["Detector type not compatible with detectors"]})
    return str(body["type"])


def _condition_errors(condition: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    for name in ("type", "comparison", "condition_result"):
        if name not in condition:
            errors[name] = [REQUIRED]
    if "type" in condition and condition["type"] not in CONDITION_TYPES:
        errors["type"] = [f"Unsupported type {condition['type']}"]
    comparison = condition.get("comparison")
    if "comparison" in condition:
        if isinstance(comparison, dict):
            if condition.get("type") != "anomaly_detection" or any(
                ANOMALY_COMPARISON.iter_errors(comparison)
            ):
                errors["comparison"] = [
                    f"Value, {comparison} does not match JSON Schema for comparison"
                ]
        elif not isinstance(comparison, (int, float)):
            errors["comparison"] = ["A valid number or dict is required."]
    if "condition_result" in condition:
        try:
            result = int(condition["condition_result"])
        except (TypeError, ValueError):
            result = None
        if result not in CONDITION_RESULTS:
            errors["condition_result"] = ["Unsupported condition result"]
    return errors


def _conditions(org: FakeOrganization, group: Any, current: FakeDetector | None) -> dict[str, Any]:
    errors = group_errors(group)
    if errors:
        raise Invalid({"condition_group": errors})
    known = (
        [c["id"] for c in current.condition_group["conditions"]]
        if current and current.condition_group
        else []
    )
    conditions = group["conditions"]
    found = item_errors(conditions, _condition_errors, known, "Condition with id {id} not found.")
    if found:
        raise Invalid({"condition_group": {"conditions": found}})
    if not any(int(c["condition_result"]) == 0 for c in conditions) and not any(
        c["type"] == "anomaly_detection" for c in conditions
    ):
        raise Invalid(
            {
                "condition_group": {
                    "conditions": ["Resolution condition required for metric issue detector."]
                }
            }
        )
    if len(conditions) > 3:
        raise Invalid({"non_field_errors": ["Too many conditions"]})
    group_id = (
        current.condition_group["id"] if current and current.condition_group else org.next_id()
    )
    return {
        "id": group_id,
        "logic_type": "any",  # Sentry stores "any" whatever is sent
        "conditions": [
            {
                "id": keep_or_new_id(org, c),
                "type": c["type"],
                "comparison": c["comparison"]
                if isinstance(c["comparison"], dict)
                else float(c["comparison"]),
                "condition_result": int(c["condition_result"]),
            }
            for c in conditions
        ],
    }


def _config(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise Invalid(
            {"config": [f'Expected a dictionary of items but got type "{type(value).__name__}".']}
        )
    problem = next(iter(METRIC_CONFIG.iter_errors(value)), None)
    if problem is not None:
        raise Invalid({"config": [problem.message]})
    config = {
        "detection_type": value["detection_type"],
        "comparison_delta": value.get("comparison_delta"),
    }
    if config["detection_type"] == "percent" and config["comparison_delta"] is None:
        # TF checks this before sending; the fake refuses it so a provider cannot rely on luck.
        raise Invalid({"config": ["Percentage-based alerts require a comparison delta"]})
    return config


def _data_source(org: FakeOrganization, value: Any, current: FakeDetector | None) -> dict[str, Any]:
    if not isinstance(value, list):
        raise Invalid(
            {"data_sources": [f'Expected a list of items but got type "{type(value).__name__}".']}
        )
    if len(value) != 1:
        raise Invalid({"data_sources": ["Metric monitors take exactly one data source."]})
    source = value[0]
    if current is not None and current.data_source and isinstance(source, dict):
        source = {**current.data_source["query"], **source}  # a PUT changes only what it sends
    query, errors = clean_snuba_query(source, org, seconds=True)
    if errors:
        raise Invalid({"data_sources": {"0": errors}})
    if current is None:
        if query["dataset"] in TRANSACTION_DATASETS:
            raise HttpError(400, [TRANSACTIONS_RETIRED])
        if query["extrapolation_mode"] == "server_weighted":
            raise HttpError(
                400, ["server_weighted extrapolation mode is not supported for new detectors."]
            )
        ids = {"id": org.next_id(), "query_id": org.next_id(), "snuba_id": org.next_id()}
    else:
        assert current.data_source is not None
        ids = {k: current.data_source[k] for k in ("id", "query_id", "snuba_id")}
    return {**ids, "query": query}


def _basic_fields(org: FakeOrganization, body: dict[str, Any], creating: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    if "name" in body:
        name, messages = string(200)(body["name"])
        if not messages and not name:
            messages = ["This field may not be blank."]
        (errors if messages else values)["name"] = messages or name
    elif creating:
        errors["name"] = [REQUIRED]
    if "description" in body:
        text, messages = string(nullable=True)(body["description"])
        (errors if messages else values)["description"] = messages or text
    if "enabled" in body:
        flag, messages = boolean(body["enabled"])
        (errors if messages else values)["enabled"] = messages or flag
    if "owner" in body:
        owner, messages = check_owner(org, body["owner"])
        (errors if messages else values)["owner"] = messages or owner
    if errors:
        raise Invalid(errors)
    return values


def clean_detector(
    org: FakeOrganization, body: dict[str, Any], current: FakeDetector | None = None
) -> dict[str, Any]:
    """Validated FakeDetector fields from a snake_case body (partial when ``current`` is given)."""
    kind = detector_type(body, current)
    values = _basic_fields(org, body, creating=current is None)
    if kind != "metric_issue":
        return values  # system monitors: the metric fields do not apply
    if "config" in body or current is None:
        values["config"] = _config(body.get("config", {}))
    if "condition_group" in body:
        values["condition_group"] = _conditions(org, body["condition_group"], current)
    elif current is None:
        raise Invalid({"condition_group": [REQUIRED]})
    if "data_sources" in body:
        values["data_source"] = _data_source(org, body["data_sources"], current)
    return values
