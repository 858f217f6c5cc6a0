"""What a monitor (detector) request must satisfy, with Sentry's texts (SENTRY_ALERTS_API.md 3.1).

Bodies arrive snake_cased (see ``casing``); errors are built with snake keys and camelCased by
the caller. ``metric_issue`` monitors are checked here, ``uptime_domain_failure`` ones in
``uptime_checks``.

Sources (getsentry/sentry):

- ``workflow_engine/endpoints/organization_detector_details.py`` ``get_detector_validator``:
  unknown type -> ``{"type": ["Unknown detector type '<t>'…"]}`` (``validators/utils.py``
  ``get_unknown_detector_type_error``; the newest also lists the valid types, ". Must be one
  of: …", which the fake leaves out); a type without a validator (``issue_stream``) ->
  "Detector type not compatible with detectors". ``put`` validates with ``partial=True`` and
  the type ``request.data.get("type") or detector.group_type.slug``.
- ``validators/base/detector.py`` ``BaseDetectorTypeValidator``: ``name`` ``CharField``
  (required, max 200), ``type``, ``config`` ``JSONField(default=dict)``, ``owner``
  ``OwnerActorField``, ``description`` (null and blank allowed), ``enabled``; other keys are
  dropped (plain DRF). ``create`` always stores the condition group with logic type ``any``
  and enforces the type's config schema (``{"config": [str(error)]}``).
- ``incidents/metric_issue_detector.py``: ``MetricIssueDetectorValidator`` (``data_sources`` a
  ``ListField(child=SnubaQueryValidator(timeWindowSeconds=True))``, ``condition_group``
  required; ``validate``: "Too many conditions" above 3; ``create``: the transaction-dataset
  and ``server_weighted`` refusals; ``update_data_source``: "Invalid extrapolation mode for
  this detector type."), ``MetricIssueConditionGroupValidator.validate_conditions``
  ("Resolution condition required for metric issue detector." unless a condition has result
  0 or is ``anomaly_detection``), ``MetricIssueComparisonConditionValidator`` (types gt, lt,
  gte, lte, anomaly_detection: "Unsupported type <t>"; results 75/50/0: "Unsupported condition
  result"; numbers become floats, dicts go to the handler's schema).
- ``incidents/metric_issue.py`` detector settings ``config_schema``: ``detection_type``
  required (static, percent, dynamic), ``comparison_delta`` one of
  ``COMPARISON_DELTA_CHOICES`` or null; other keys are allowed and stored.
- ``workflow_engine/endpoints/validators/error_detector.py`` ``ErrorDetectorValidator``: the
  ``error`` monitor refuses a new name ("Name changes are not supported for error
  detectors") and a condition group; its ``update`` only writes project options, so
  ``enabled``, ``owner`` and ``description`` are ignored.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from tests.fake_sentry.actors import check_owner
from tests.fake_sentry.groups import choice_error, group_errors, item_errors, keep_or_new_id
from tests.fake_sentry.replies import HttpError
from tests.fake_sentry.snuba_query import clean_snuba_query
from tests.fake_sentry.state import FakeDetector, FakeOrganization
from tests.fake_sentry.uptime_checks import UPTIME_DETECTOR, clean_uptime_detector
from tests.fake_sentry.validation import REQUIRED, Invalid, boolean, string
from tests.fake_sentry.workflow_conditions import CONDITION_TYPES, FILTER_SCHEMAS

KNOWN_TYPES = (
    "metric_issue", "error", "issue_stream", "uptime_domain_failure", "monitor_check_in_failure",
    "preprod_size_analysis",
)  # fmt: skip
# Types with a detector validator in Sentry that the fake does not model (it refuses them with
# the text Sentry uses for types without one).
UNMODELLED_TYPES = ("monitor_check_in_failure", "preprod_size_analysis")
NOT_COMPATIBLE = "Detector type not compatible with detectors"
# incidents/models/alert_rule.py ComparisonDeltaChoices (COMPARISON_DELTA_CHOICES, seconds).
# source not found for the enum itself: values from SENTRY_CORRECTIONS.md (TEXT_COMPARISON_DELTA).
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
CONDITION_TYPES_SUPPORTED = ("gt", "gte", "lt", "lte", "anomaly_detection")
CONDITION_RESULTS = (75, 50, 0)  # DetectorPriorityLevel HIGH, MEDIUM, OK
ANOMALY_COMPARISON = Draft202012Validator(FILTER_SCHEMAS["anomaly_detection"])
TRANSACTION_DATASETS = ("transactions", "generic_metrics")
TRANSACTIONS_RETIRED = (
    "Creation of transaction-based alerts is disabled, as we migrate to the span dataset. "
    "Create span-based alerts (dataset: events_analytics_platform) with the is_transaction:true "
    "filter instead."
)


def detector_type(body: dict[str, Any], current: FakeDetector | None) -> str:
    """The type whose validator Sentry picks (``get_detector_validator``)."""
    kind = body.get("type") or (current.type if current is not None else None)
    if kind in (None, ""):
        # organization_project_detector_index.py post: a missing type is a field error
        raise Invalid({"type": [REQUIRED]})
    if kind not in KNOWN_TYPES:
        raise Invalid({"type": [f"Unknown detector type '{kind}'"]})
    if kind == "issue_stream" or kind in UNMODELLED_TYPES:
        raise Invalid({"type": [NOT_COMPATIBLE]})
    if current is not None and kind != current.type:
        # Sentry would run the other type's validator on this detector; not modelled.
        raise Invalid({"type": [NOT_COMPATIBLE]})
    return str(kind)


def _result_problem(value: Any) -> bool:
    """``validate_condition_result``: ``DetectorPriorityLevel(int(value))`` among 75/50/0."""
    try:
        result = int(value)
    except (TypeError, ValueError):
        return True
    return result not in CONDITION_RESULTS


def _condition_errors(condition: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    for name in ("type", "comparison", "condition_result"):
        if name not in condition:
            errors[name] = [REQUIRED]
    kind = condition.get("type")
    if "type" in condition:
        if kind not in CONDITION_TYPES:
            errors["type"] = [choice_error(kind)]  # the ChoiceField over Condition
        elif kind not in CONDITION_TYPES_SUPPORTED:
            errors["type"] = [f"Unsupported type {kind}"]
    comparison = condition.get("comparison")
    if "comparison" in condition:
        if isinstance(comparison, dict):
            if kind != "anomaly_detection":
                # BaseDataConditionValidator: the bare operators have no handler
                errors["comparison"] = [
                    "Condition Operators should implement their own validators for comparison"
                ]
            elif any(ANOMALY_COMPARISON.iter_errors(comparison)):
                errors["comparison"] = [
                    f"Value, {comparison} does not match JSON Schema for comparison"
                ]
        elif not isinstance(comparison, (int, float)):  # bool is an int there too
            errors["comparison"] = ["A valid number or dict is required."]
    if "condition_result" in condition and _result_problem(condition["condition_result"]):
        errors["condition_result"] = ["Unsupported condition result"]
    if "id" in condition and not str(condition["id"]).lstrip("-").isdigit():
        errors["id"] = ["A valid integer is required."]
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
    # The fake refuses ids that are not this group's; Sentry's group update looks them up in
    # the organisation ("Condition with id <id> not found.", data_condition_group.py).
    found = item_errors(conditions, _condition_errors, known, "Condition with id {id} not found.")
    if found:
        raise Invalid({"condition_group": {"conditions": found}})
    # validate_conditions compares the raw values: 0 (or False) is OK, "0" is not
    if not any(c["condition_result"] == 0 for c in conditions) and not any(
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
        "logic_type": "any",  # BaseDetectorTypeValidator.create stores "any" whatever is sent
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
        # Sentry sends str(error); its first line is this message.
        raise Invalid({"config": [problem.message]})
    # The schema is open: every key sent is stored. comparison_delta is optional: the detector
    # path has no "percent needs a delta" rule. source not found for whether Sentry's answer
    # adds a null comparisonDelta when none was sent; the fake does (SENTRY_ALERTS_API.md 2.3).
    return {"comparison_delta": None, **value}


def _data_source(org: FakeOrganization, value: Any, current: FakeDetector | None) -> dict[str, Any]:
    if not isinstance(value, list):
        raise Invalid(
            {"data_sources": [f'Expected a list of items but got type "{type(value).__name__}".']}
        )
    if len(value) != 1:
        # source not found: MetricIssueDetectorValidator does not limit the list in the versions
        # read (BaseDetectorTypeValidator.enforce_single_datasource is False; update() uses
        # data_sources[0]); the fake models one data source (SENTRY_ALERTS_API.md §2.2).
        raise Invalid({"data_sources": ["Metric monitors take exactly one data source."]})
    source = value[0]
    old_mode = None
    if current is not None and current.data_source and isinstance(source, dict):
        old_mode = current.data_source["query"].get("extrapolation_mode")
        # partial=True reaches the nested SnubaQueryValidator; update_data_source then keeps
        # every stored value the PUT leaves out.
        source = {**current.data_source["query"], **source}
    query, errors = clean_snuba_query(source, org, seconds=True)
    if errors:
        raise Invalid({"data_sources": {"0": errors}})
    if current is None:
        if query["dataset"] in TRANSACTION_DATASETS:  # _validate_transaction_dataset_deprecation
            raise HttpError(400, [TRANSACTIONS_RETIRED])
        if query["extrapolation_mode"] == "server_weighted":  # _validate_extrapolation_mode
            raise HttpError(
                400, ["server_weighted extrapolation mode is not supported for new detectors."]
            )
        ids = {"id": org.next_id(), "query_id": org.next_id(), "snuba_id": org.next_id()}
    else:
        if (
            query["dataset"] == "events_analytics_platform"
            and query["extrapolation_mode"] == "server_weighted"
            and old_mode != "server_weighted"
        ):  # update_data_source -> is_invalid_extrapolation_mode
            raise HttpError(400, ["Invalid extrapolation mode for this detector type."])
        assert current.data_source is not None
        ids = {k: current.data_source[k] for k in ("id", "query_id", "snuba_id")}
    return {**ids, "query": query}


def _basic_fields(org: FakeOrganization, body: dict[str, Any], creating: bool) -> dict[str, Any]:
    values: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    if "name" in body:
        name, messages = string(200, allow_blank=False)(body["name"])
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


def _error_detector(body: dict[str, Any], current: FakeDetector | None) -> dict[str, Any]:
    """``ErrorDetectorValidator``: field checks, then an update that changes nothing the fake
    keeps (fingerprinting rules and auto-resolve are project options there)."""
    errors: dict[str, Any] = {}
    if "name" in body and current is not None:  # validate_name compares with the instance
        name, messages = string(200, allow_blank=False)(body["name"])
        if not messages and name != current.name:
            messages = ["Name changes are not supported for error detectors"]
        if messages:
            errors["name"] = messages
    if body.get("condition_group") is not None:
        errors["condition_group"] = ["Condition group is not supported for error detectors"]
    if errors:
        raise Invalid(errors)
    return {}


def clean_detector(
    org: FakeOrganization, body: dict[str, Any], current: FakeDetector | None = None
) -> dict[str, Any]:
    """Validated FakeDetector fields from a snake_case body (partial when ``current`` is given)."""
    kind = detector_type(body, current)
    if kind == "error":
        if current is None:
            _error_detector(body, None)
            # ErrorDetectorValidator.create raises ApiForbiddenError; source not found for how
            # the endpoint turns it into a reply: the fake answers 403.
            raise HttpError(403, {"detail": "Creating error detectors is not supported"})
        return _error_detector(body, current)
    if kind == UPTIME_DETECTOR:
        return clean_uptime_detector(org, body, current)
    values = _basic_fields(org, body, creating=current is None)
    if "config" in body or current is None:
        values["config"] = _config(body.get("config", {}))
    if "condition_group" in body:
        values["condition_group"] = _conditions(org, body["condition_group"], current)
    elif current is None:
        raise Invalid({"condition_group": [REQUIRED]})
    if "data_sources" in body:
        values["data_source"] = _data_source(org, body["data_sources"], current)
    return values
