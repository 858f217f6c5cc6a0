"""What an alert (workflow) request must satisfy, with Sentry's texts (SENTRY_ALERTS_API.md 3.2).

Bodies arrive snake_cased; errors use snake keys and are camelCased by the caller. On PUT the
top level is partial (``enabled`` defaults to true), but every array sent is the whole truth:
items with an ``id`` are kept, items without one are new, items left out are gone.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from tests.fake_sentry.actors import check_owner
from tests.fake_sentry.groups import group_errors, item_errors, keep_or_new_id
from tests.fake_sentry.state import FakeOrganization, FakeWorkflow
from tests.fake_sentry.validation import REQUIRED, Invalid, boolean, string
from tests.fake_sentry.workflow_actions import action_errors, clean_action
from tests.fake_sentry.workflow_conditions import condition_errors

CONFIG = Draft202012Validator(
    {
        "type": "object",
        "properties": {"frequency": {"type": "integer", "minimum": 0}},
        "additionalProperties": False,
    }
)
# Sentry wants short-circuit logic on triggers; the exact wording of its refusal is not known.
TRIGGER_LOGIC = "Workflow triggers must use the any-short logic type."


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


def _triggers(org: FakeOrganization, group: Any, current: FakeWorkflow | None) -> dict[str, Any]:
    errors = group_errors(group)
    if errors:
        raise Invalid({"triggers": errors})
    known = [c["id"] for c in current.triggers["conditions"]] if current else []
    found = item_errors(
        group["conditions"],
        lambda c: condition_errors(c, trigger=True),
        known,
        "Condition with id {id} not found.",
    )
    if found:
        raise Invalid({"triggers": {"conditions": found}})
    if group["conditions"] and group["logic_type"] != "any-short":
        raise Invalid({"triggers": {"logic_type": [TRIGGER_LOGIC]}})
    group_id = current.triggers["id"] if current else org.next_id()
    if "id" in group and str(group["id"]) != group_id:
        raise Invalid(
            {"triggers": {"non_field_errors": [f"Invalid Condition Group ID {group['id']}"]}}
        )
    return {
        "id": group_id,
        "logic_type": group["logic_type"],
        "conditions": _conditions(org, group["conditions"]),
    }


def _filter_errors(
    org: FakeOrganization, group: dict[str, Any], current: dict[str, Any] | None
) -> dict[str, Any]:
    errors = group_errors(group)
    if errors:
        return errors
    known = [c["id"] for c in current["conditions"]] if current else []
    found = item_errors(
        group["conditions"],
        lambda c: condition_errors(c, trigger=False),
        known,
        "Condition with id {id} not found.",
    )
    if found:
        return {"conditions": found}
    if not isinstance(group["actions"], list):
        return {
            "actions": [
                f'Expected a list of items but got type "{type(group["actions"]).__name__}".'
            ]
        }
    known = [a["id"] for a in current["actions"]] if current else []
    found = item_errors(
        group["actions"],
        lambda a: action_errors(org, a),
        known,
        "Action ID {id} does not belong to this workflow",
    )
    return {"actions": found} if found else {}


def _action_filters(
    org: FakeOrganization, raw: Any, current: FakeWorkflow | None
) -> list[dict[str, Any]]:
    if not isinstance(raw, list):
        raise Invalid(
            {"action_filters": [f'Expected a list of items but got type "{type(raw).__name__}".']}
        )
    if any(isinstance(group, dict) and "actions" not in group for group in raw):
        raise Invalid({"action_filters": ["Missing actions key in action filter"]})
    existing = {f["id"]: f for f in current.action_filters} if current else {}
    errors: list[dict[str, Any]] = []
    for group in raw:
        if isinstance(group, dict) and "id" in group and str(group["id"]) not in existing:
            errors.append(
                {
                    "non_field_errors": [
                        f"Action filter ID {group['id']} does not belong to this workflow"
                    ]
                }
            )
        elif isinstance(group, dict):
            errors.append(_filter_errors(org, group, existing.get(str(group.get("id")))))
        else:
            errors.append(group_errors(group))
    if any(errors):
        raise Invalid({"action_filters": errors})
    return [
        {
            "id": keep_or_new_id(org, group),
            "logic_type": group["logic_type"],
            "conditions": _conditions(org, group["conditions"]),
            "actions": [clean_action(a, keep_or_new_id(org, a)) for a in group["actions"]],
        }
        for group in raw
    ]


def _scalars(org: FakeOrganization, body: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {"enabled": True}  # left out, a PUT turns the alert back on
    errors: dict[str, Any] = {}
    if "name" not in body:
        errors["name"] = [REQUIRED]
    else:
        name, messages = string(256)(body["name"])
        if not messages and not name:
            messages = ["This field may not be blank."]
        (errors if messages else values)["name"] = messages or name
    if "enabled" in body:
        flag, messages = boolean(body["enabled"])
        (errors if messages else values)["enabled"] = messages or flag
    if "environment" in body:
        env = body["environment"]
        if env is not None and env not in org.environment_names():
            errors["environment"] = ["Environment is not part of this organization"]
        else:
            values["environment"] = env
    if "owner" in body:
        owner, messages = check_owner(org, body["owner"])
        (errors if messages else values)["owner"] = messages or owner
    if "config" in body:
        problem = next(iter(CONFIG.iter_errors(body["config"])), None)
        if problem is not None:
            errors["config"] = [problem.message]
        else:
            values["config"] = dict(body["config"])
    if errors:
        raise Invalid(errors)
    return values


def clean_workflow(
    org: FakeOrganization, body: dict[str, Any], current: FakeWorkflow | None = None
) -> dict[str, Any]:
    """Validated FakeWorkflow fields from a snake_case body."""
    values = _scalars(org, body)
    if "triggers" in body:
        values["triggers"] = _triggers(org, body["triggers"], current)
    elif current is None:
        values["triggers"] = {"id": org.next_id(), "logic_type": "any-short", "conditions": []}
    if "action_filters" in body:
        values["action_filters"] = _action_filters(org, body["action_filters"], current)
    return values
