"""Alert action types, their integration rules and ``config``/``data`` schemas
(SENTRY_ALERTS_API.md sections 2.13 and 3.2). Keys are snake_case, as Sentry checks them.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from tests.fake_sentry.groups import choice_error
from tests.fake_sentry.state import FakeOrganization
from tests.fake_sentry.validation import REQUIRED

NO_INTEGRATION = ("email", "sentry_app", "webhook", "plugin")
TICKETING = ("github", "github_enterprise", "jira", "jira_server", "vsts")
ACTION_TYPES = (
    "slack", "msteams", "discord", "pagerduty", "opsgenie", *TICKETING, *NO_INTEGRATION,
)  # fmt: skip
TARGET_TYPES = ["specific", "user", "team", "issue_owners", "sentry_app"]
PAGERDUTY_PRIORITIES = ["default", "critical", "warning", "error", "info"]


def _object(properties: dict[str, Any], *required: str) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


_TEXT = {"type": "string"}
_NULL = {"type": "null"}
_TARGET = {"enum": TARGET_TYPES}
_MESSAGING = _object(
    {"target_type": {"const": "specific"}, "target_identifier": _TEXT, "target_display": _TEXT},
    "target_type", "target_identifier", "target_display",
)  # fmt: skip
_ONCALL = _object(
    {"target_type": {"const": "specific"}, "target_identifier": _TEXT,
     "target_display": {"type": ["string", "null"]}},
    "target_type", "target_identifier",
)  # fmt: skip
_TICKETING_CONFIG = _object(
    {"target_type": {"const": "specific"}, "target_identifier": _NULL, "target_display": _NULL},
    "target_type",
)  # fmt: skip
_EMAIL_CONFIG = {
    "oneOf": [
        _object(
            {"target_type": {"enum": ["user", "team"]}, "target_identifier": _TEXT,
             "target_display": {"type": ["string", "null"]}},
            "target_type", "target_identifier",
        ),
        _object(
            {"target_type": {"const": "issue_owners"}, "target_identifier": _NULL,
             "target_display": _NULL},
            "target_type",
        ),
    ]
}  # fmt: skip
CONFIG_SCHEMAS: dict[str, dict[str, Any]] = {
    "email": _EMAIL_CONFIG,
    "slack": _MESSAGING,
    "msteams": _MESSAGING,
    "discord": _object(
        {"target_type": {"const": "specific"}, "target_identifier": _TEXT, "target_display": _NULL},
        "target_type", "target_identifier",
    ),
    "pagerduty": _ONCALL,
    "opsgenie": _ONCALL,
    **dict.fromkeys(TICKETING, _TICKETING_CONFIG),
    "sentry_app": _object(
        {"target_type": {"const": "sentry_app"}, "target_identifier": _TEXT,
         "target_display": {"type": ["string", "null"]}},
        "target_type", "target_identifier",
    ),
    "webhook": _object(
        {"target_type": _TARGET, "target_identifier": _TEXT,
         "target_display": {"type": ["string", "null"]}},
        "target_identifier",
    ),
}  # fmt: skip
DATA_SCHEMAS: dict[str, dict[str, Any]] = {
    "email": _object({"fallthrough_type": {"enum": ["ActiveMembers", "AllMembers", "NoOne"]}}),
    "slack": _object({"tags": _TEXT, "notes": _TEXT}),
    "msteams": _object({}),
    "discord": _object({"tags": _TEXT}),
    "pagerduty": _object({"priority": {"enum": PAGERDUTY_PRIORITIES}}),
    "opsgenie": _object({"priority": {"enum": ["P1", "P2", "P3", "P4", "P5"]}}),
    **dict.fromkeys(
        TICKETING,
        _object(
            {"additional_fields": {"type": "object"}, "dynamic_form_fields": {"type": "array"}}
        ),
    ),
    "sentry_app": _object({"settings": {"type": "array"}}),
    "webhook": _object({}),
}  # fmt: skip
_CONFIG = {kind: Draft202012Validator(schema) for kind, schema in CONFIG_SCHEMAS.items()}
_DATA = {kind: Draft202012Validator(schema) for kind, schema in DATA_SCHEMAS.items()}


def _first_problem(validator: Draft202012Validator, value: Any) -> list[str]:
    problem = next(iter(validator.iter_errors(value)), None)
    return [] if problem is None else [problem.message]


def _integration_errors(org: FakeOrganization, kind: str, raw: Any) -> list[str]:
    if kind in NO_INTEGRATION:
        return [] if raw is None else [f"Integration ID is not allowed for action type {kind}"]
    if raw is None:
        return [f"Integration ID is required for action type {kind}"]
    integration = org.integrations.get(str(raw))
    if integration is None or integration.provider != kind:
        return [f"Integration with id {raw} was not found for action type {kind}"]
    return []


def action_errors(org: FakeOrganization, action: dict[str, Any]) -> dict[str, Any]:
    """Errors of one action, by snake_case field."""
    errors: dict[str, Any] = {}
    kind = action.get("type")
    if "type" not in action:
        return {"type": [REQUIRED]}
    if kind not in ACTION_TYPES:
        return {"type": [choice_error(kind)]}
    if kind == "plugin":
        return {"type": ["Action type plugin is deprecated and cannot be created."]}
    messages = _integration_errors(org, kind, action.get("integration_id"))
    if messages:
        errors["integration_id"] = messages
    for name, validators in (("config", _CONFIG), ("data", _DATA)):
        if name not in action:
            errors[name] = [REQUIRED]
        elif messages := _first_problem(validators[kind], action[name]):
            errors[name] = messages
    return errors


def clean_action(action: dict[str, Any], action_id: str) -> dict[str, Any]:
    raw = action.get("integration_id")
    return {
        "id": action_id,
        "type": action["type"],
        "integration_id": None if raw is None else str(raw),
        "config": dict(action["config"]),
        "data": dict(action["data"]),
    }
