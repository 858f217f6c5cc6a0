"""What an alert (workflow) request must satisfy, with Sentry's texts (SENTRY_ALERTS_API.md 3.2).

Bodies arrive snake_cased; errors use snake keys and are camelCased by the caller.

Sources (getsentry/sentry, ``src/sentry/workflow_engine/``):

- ``endpoints/validators/base/workflow.py`` ``WorkflowValidator``: ``name`` is a required
  ``CharField(max_length=256)``, ``enabled`` a ``BooleanField(default=True)``, ``config`` a
  ``JSONField`` checked by ``validate_config`` against ``models/workflow.py``
  ``Workflow.config_schema`` (only ``frequency``: integer, minimum 0, ``additionalProperties``
  false), ``triggers`` a nested ``BaseDataConditionGroupValidator``, ``action_filters`` a
  ``ListField`` checked by ``validate_action_filters``. Other keys are dropped (plain DRF;
  ``detectorIds`` is read from the raw body by the endpoint, see ``links``).
- ``endpoints/organization_workflow_details.py`` ``put`` builds the validator **without**
  ``partial=True``: a PUT must carry ``name``, and a PUT that leaves ``enabled`` out turns the
  alert back on (the field default). Fields without a default that are left out (``config``,
  ``triggers``, ``action_filters``, ``environment``, ``owner``) are not in ``validated_data``
  and ``WorkflowValidator.update`` keeps them.
- ``WorkflowValidator.create`` indexes ``validated_value["triggers"]``, ``["config"]`` and
  ``["action_filters"]`` without checking: leaving one out of a POST is a 500 there.
- ``validate_action_filters``: per filter, "Missing actions key in action filter", then the
  filter's group, then each action (``BaseActionValidator``); the first failure is the answer,
  as a dict under ``action_filters`` (``is_valid(raise_exception=True)`` inside a field
  validator), not a per-item list. Conditions likewise: ``base/data_condition_group.py``
  ``validate_conditions`` raises on the first bad condition.
- Errors raised while saving (``WorkflowValidator.update`` / ``create``) are bare lists, not
  field errors: "Invalid Condition Group ID <id>" (``update_or_create_data_condition_group``),
  "Action filter ID <id> does not belong to this workflow" and "Action ID <id> does not belong
  to this workflow" (``_validate_action_filter_ownership``), "Condition with id <id> not found."
  (``BaseDataConditionGroupValidator.update_or_create_condition``) and
  "Triggers' logic type must be 'any-short'" (``BaseDataConditionGroupValidator.
  _validate_logic_type``, for any group holding a trigger-type condition).
- On PUT every array sent is the whole truth (``remove_items_by_api_input``): items with an
  ``id`` are kept, items without one are new, items left out are gone.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from tests.fake_sentry.actors import check_owner
from tests.fake_sentry.groups import dict_error, group_errors, keep_or_new_id, list_error
from tests.fake_sentry.replies import HttpError
from tests.fake_sentry.state import FakeOrganization, FakeWorkflow
from tests.fake_sentry.validation import REQUIRED, Invalid, boolean, drf_int, string
from tests.fake_sentry.workflow_actions import action_errors, clean_action
from tests.fake_sentry.workflow_conditions import condition_errors, has_trigger_type

# models/workflow.py Workflow.config_schema
CONFIG = Draft202012Validator(
    {
        "type": "object",
        "properties": {"frequency": {"type": "integer", "minimum": 0}},
        "additionalProperties": False,
    }
)
TRIGGER_LOGIC = "Triggers' logic type must be 'any-short'"  # data_condition_group.py
# What Sentry answers when a view raises something other than an APIException.
SERVER_ERROR = {"detail": "Internal Error"}


def _saving_error(message: str) -> HttpError:
    """A ValidationError raised by ``create``/``update``: DRF answers the bare list."""
    return HttpError(400, [message])


def _first_condition_errors(conditions: list[Any]) -> dict[str, Any] | None:
    """``validate_conditions``: the first bad condition's errors (or a non-dict's)."""
    for condition in conditions:
        if not isinstance(condition, dict):
            return {"non_field_errors": [dict_error(condition)]}
        errors = condition_errors(condition)
        if "id" in condition and drf_int(condition["id"]) is None:
            errors["id"] = ["A valid integer is required."]
        if errors:
            return errors
    return None


def _group_field_errors(group: Any) -> dict[str, Any]:
    """A ``BaseDataConditionGroupValidator``'s field errors (logic type, conditions)."""
    errors = group_errors(group, conditions_required=False)
    if errors or not isinstance(group, dict):
        return errors
    found = _first_condition_errors(group.get("conditions") or [])
    return {"conditions": found} if found else {}


def _conditions(org: FakeOrganization, raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            "id": keep_or_new_id(org, c),
            "type": c["type"],
            "comparison": c["comparison"],
            "condition_result": c["condition_result"],
        }
        for c in raw
    ]


def _filter_errors(org: FakeOrganization, raw: Any) -> Any:
    """``validate_action_filters``: the first problem, as Sentry reports it under the field."""
    if not isinstance(raw, list):
        return [list_error(raw)]
    for group in raw:
        if isinstance(group, dict) and "actions" not in group:
            return ["Missing actions key in action filter"]
        if not isinstance(group, dict):
            raise HttpError(500, SERVER_ERROR)  # _split_action_and_condition_group: .pop()
        errors = _group_field_errors(group)
        if errors:
            return errors
        actions = group["actions"]
        if not isinstance(actions, list):
            raise HttpError(500, SERVER_ERROR)  # "for action in actions" on a non-list
        for action in actions:
            if not isinstance(action, dict):
                return {"non_field_errors": [dict_error(action)]}
            if found := action_errors(org, action):
                return found
    return None


def _check_logic(group: dict[str, Any]) -> None:
    """``_validate_logic_type``: a group holding a trigger type must short-circuit."""
    if has_trigger_type(group.get("conditions") or []) and group["logic_type"] != "any-short":
        raise _saving_error(TRIGGER_LOGIC)


def _known_condition(known: set[str], condition: dict[str, Any]) -> None:
    # update_or_create_condition looks the id up in the whole organisation; the fake, which
    # does not move conditions between groups, only knows the ids of the group being updated
    # (and none on POST, where Sentry would pass the id on to DataCondition.objects.create).
    if "id" in condition and str(drf_int(condition["id"])) not in known:
        raise _saving_error(f"Condition with id {condition['id']} not found.")


def _triggers(org: FakeOrganization, group: dict[str, Any], current: FakeWorkflow | None) -> Any:
    conditions = group.get("conditions")
    if current is not None:
        stored = current.triggers
        if group.get("id") not in (None, "") and str(group["id"]) != stored["id"]:
            raise _saving_error(f"Invalid Condition Group ID {group['id']}")
        logic = group["logic_type"]
        # update() checks the logic type against the stored conditions when none are sent
        _check_logic({"logic_type": logic, "conditions": conditions or stored["conditions"]})
        known = {c["id"] for c in stored["conditions"]}
        for condition in conditions or []:
            _known_condition(known, condition)
        group_id = stored["id"]
    else:
        _check_logic(group)
        if conditions is None:
            raise HttpError(500, SERVER_ERROR)  # create() indexes validated_data["conditions"]
        for condition in conditions:
            _known_condition(set(), condition)
        group_id = org.next_id()
    return {
        "id": group_id,
        "logic_type": group["logic_type"],
        "conditions": _conditions(org, conditions or []),
    }


def _action_filters(
    org: FakeOrganization, raw: list[dict[str, Any]], current: FakeWorkflow | None
) -> list[dict[str, Any]]:
    existing = {f["id"]: f for f in current.action_filters} if current else {}
    if current is not None:  # _validate_action_filter_ownership
        action_ids = {a["id"] for f in current.action_filters for a in f["actions"]}
        for group in raw:
            if group.get("id") is not None and str(drf_int(group["id"])) not in existing:
                raise _saving_error(
                    f"Action filter ID {group['id']} does not belong to this workflow"
                )
            for action in group["actions"]:
                if action.get("id") is not None and str(drf_int(action["id"])) not in action_ids:
                    raise _saving_error(
                        f"Action ID {action['id']} does not belong to this workflow"
                    )
    cleaned = []
    for group in raw:
        stored = existing.get(str(group.get("id")))
        conditions = group.get("conditions")
        if stored is not None and not conditions:
            _check_logic({"logic_type": group["logic_type"], "conditions": stored["conditions"]})
        else:
            _check_logic(group)
        if stored is None and conditions is None:
            raise HttpError(500, SERVER_ERROR)  # create() indexes validated_data["conditions"]
        known = {c["id"] for c in stored["conditions"]} if stored else set()
        for condition in conditions or []:
            _known_condition(known, condition)
        cleaned.append(
            {
                "id": keep_or_new_id(org, group),
                "logic_type": group["logic_type"],
                "conditions": _conditions(org, conditions or []),
                "actions": [clean_action(a, keep_or_new_id(org, a)) for a in group["actions"]],
            }
        )
    return cleaned


def _field_errors(org: FakeOrganization, body: dict[str, Any]) -> tuple[dict[str, Any], Any]:
    """(values, errors) of the top-level fields, all reported together as DRF does."""
    values: dict[str, Any] = {"enabled": True}  # BooleanField(default=True), POST and PUT
    errors: dict[str, Any] = {}
    if "name" not in body:
        errors["name"] = [REQUIRED]
    else:
        name, messages = string(256, allow_blank=False)(body["name"])
        (errors if messages else values)["name"] = messages or name
    if "enabled" in body:
        flag, messages = boolean(body["enabled"])
        (errors if messages else values)["enabled"] = messages or flag
    if "environment" in body:
        # source not found: the WorkflowValidator versions read have ``environment_id``
        # (IntegerField); the 2026-08 OpenAPI (generated from the validator) has a nullable
        # ``environment`` name. The existence check and its text are EnvironmentField's
        # (api/serializers/rest_framework/environment.py), assumed from SENTRY_ALERTS_API.md 8.
        env = body["environment"]
        if env is not None and env not in org.environment_names():
            errors["environment"] = ["Environment is not part of this organization"]
        else:
            values["environment"] = env
    if "owner" in body:
        # source not found in the validator versions read; the OpenAPI lists ``owner`` and
        # detectors use api/fields/actor.py OwnerActorField, whose rules ``check_owner`` models.
        owner, messages = check_owner(org, body["owner"])
        (errors if messages else values)["owner"] = messages or owner
    if "config" in body:
        # validate_config -> validators/utils.py validate_json_schema, which reports str(error)
        problem = next(iter(CONFIG.iter_errors(body["config"])), None)
        if problem is not None:
            errors["config"] = [problem.message]
        else:
            values["config"] = dict(body["config"])
    if "triggers" in body:
        if body["triggers"] is None:
            errors["triggers"] = ["This field may not be null."]
        elif found := _group_field_errors(body["triggers"]):
            errors["triggers"] = found
    if "action_filters" in body:
        if body["action_filters"] is None:
            errors["action_filters"] = ["This field may not be null."]
        elif found := _filter_errors(org, body["action_filters"]):
            errors["action_filters"] = found
    return values, errors


def clean_workflow(
    org: FakeOrganization, body: dict[str, Any], current: FakeWorkflow | None = None
) -> dict[str, Any]:
    """Validated FakeWorkflow fields from a snake_case body (``current``: the PUT's alert)."""
    values, errors = _field_errors(org, body)
    if errors:
        raise Invalid(errors)
    # What WorkflowValidator.create / update do with the validated data, in their order.
    if "triggers" in body:
        values["triggers"] = _triggers(org, body["triggers"], current)
    elif current is None:
        raise HttpError(500, SERVER_ERROR)  # create(): validated_value["triggers"]
    if current is None and "config" not in body:
        raise HttpError(500, SERVER_ERROR)  # create(): validated_value["config"]
    if "action_filters" in body:
        values["action_filters"] = _action_filters(org, body["action_filters"], current)
    elif current is None:
        raise HttpError(500, SERVER_ERROR)  # create(): validated_value["action_filters"]
    return values
