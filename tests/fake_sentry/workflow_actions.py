"""Alert action types, their integration rules and ``config``/``data`` schemas
(SENTRY_ALERTS_API.md sections 2.13 and 3.2). Keys are snake_case, as Sentry checks them.

Sources (getsentry/sentry):

- ``workflow_engine/endpoints/validators/base/action.py`` ``BaseActionValidator``: ``type`` is a
  ``ChoiceField`` over ``Action.Type``; ``data`` and ``config`` are required ``JSONField``s;
  ``integration_id`` an ``IntegerField(required=False, allow_null=True)``; ``status`` and ``id``
  optional; any other key is dropped (plain DRF). ``validate_type``: ``plugin`` is
  "Action type plugin is deprecated and cannot be created.". ``validate``: ``data`` against the
  handler's ``data_schema``, ``config`` through the handler's ``TargetTypeConfigTransformer``
  (``workflow_engine/transformers.py`` ``from_api``: the ``config_schema`` with ``target_type``
  as its string name) or straight against ``config_schema``; both failures are reported
  together as ``{"data": [...], "config": [...]}``; only then the integration-id rule, as a
  non-field error: "Integration ID is not allowed for action type <t>" /
  "Integration ID is required for action type <t>".
- schemas: ``notifications/notification_action/action_handler_registry/`` ``common.py``
  (``MESSAGING_ACTION_CONFIG_SCHEMA``, ``ONCALL_ACTION_CONFIG_SCHEMA``), ``email_handler.py``,
  ``sentry_app_handler.py``, ``webhook_handler.py``, ``base.py`` (``TicketingActionHandler``);
  ``integrations/slack/handlers/slack_action_handler.py``,
  ``integrations/msteams/handlers/msteams_handler.py``,
  ``integrations/discord/handlers/discord_handler.py``,
  ``integrations/pagerduty/handlers/pagerduty_handler.py`` and opsgenie's
  ``OpsgenieActionHandler``, each ``config_schema`` / ``data_schema``.
- ``_check_action_type`` (validators/base/action.py): "Organization does not allow this action
  type: <t>" where ``is_action_permitted`` (processors/action.py) finds the organisation
  without the features the integration's actions need; for the ticketing integrations that is
  ``organizations:integrations-ticket-rules`` (``TICKET_TYPES``).
- Not modelled: the per-integration ``action_validator_registry``
  handlers (Slack channel look-ups and the like) call the integrations' APIs.
"""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

from tests.fake_sentry.groups import choice_error
from tests.fake_sentry.state import FakeOrganization
from tests.fake_sentry.validation import REQUIRED, drf_int

NO_INTEGRATION = ("email", "sentry_app", "webhook", "plugin")  # not Action.Type.is_integration()
TICKETING = ("github", "github_enterprise", "jira", "jira_server", "vsts")
# workflow_engine/models/action.py Action.Type
ACTION_TYPES = (
    "slack", "msteams", "discord", "pagerduty", "opsgenie", *TICKETING, *NO_INTEGRATION,
)  # fmt: skip
# integrations/pagerduty/client.py PagerdutySeverity
PAGERDUTY_PRIORITIES = ["default", "critical", "warning", "error", "info"]
# integrations/opsgenie/utils.py OPSGENIE_CUSTOM_PRIORITIES
OPSGENIE_PRIORITIES = ["P1", "P2", "P3", "P4", "P5"]
# notifications/types.py FallthroughChoiceType
FALLTHROUGH_TYPES = ["ActiveMembers", "AllMembers", "NoOne"]


def _object(properties: dict[str, Any], *required: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
        **extra,
    }


_TEXT = {"type": "string"}
_NULL = {"type": "null"}
_TEXT_OR_NULL = {"type": ["string", "null"]}
_SPECIFIC = {"type": "string", "enum": ["specific"]}  # ActionTarget.SPECIFIC, by name
# common.py MESSAGING_ACTION_CONFIG_SCHEMA (slack, msteams): target_display required,
# target_identifier optional
_MESSAGING = _object(
    {"target_identifier": _TEXT, "target_display": _TEXT, "target_type": _SPECIFIC},
    "target_display", "target_type",
)  # fmt: skip
# common.py ONCALL_ACTION_CONFIG_SCHEMA (pagerduty, opsgenie)
_ONCALL = _object(
    {"target_identifier": _TEXT, "target_display": _TEXT_OR_NULL, "target_type": _SPECIFIC},
    "target_identifier", "target_type",
)  # fmt: skip
# base.py TicketingActionHandler.config_schema: neither required nor closed
_TICKETING_CONFIG = {
    "type": "object",
    "properties": {"target_identifier": _NULL, "target_display": _NULL,
                   "target_type": _SPECIFIC},
}  # fmt: skip
CONFIG_SCHEMAS: dict[str, dict[str, Any]] = {
    # email_handler.py EmailActionHandler.config_schema: user/team need an identifier
    "email": _object(
        {"target_identifier": _TEXT_OR_NULL, "target_display": _NULL,
         "target_type": {"type": "string", "enum": ["user", "team", "issue_owners"]}},
        "target_type",
        allOf=[{"if": {"properties": {"target_type": {"enum": ["user", "team"]}}},
                "then": {"properties": {"target_identifier": _TEXT},
                         "required": ["target_type", "target_identifier"]}}],
    ),
    "slack": _MESSAGING,
    "msteams": _MESSAGING,
    # integrations/discord/handlers/discord_handler.py DiscordActionHandler.config_schema
    "discord": _object(
        {"target_identifier": _TEXT, "target_display": _TEXT_OR_NULL, "target_type": _SPECIFIC},
        "target_identifier", "target_type",
    ),
    "pagerduty": _ONCALL,
    "opsgenie": _ONCALL,
    **dict.fromkeys(TICKETING, _TICKETING_CONFIG),
    # sentry_app_handler.py SentryAppActionHandler.config_schema
    "sentry_app": _object(
        {"target_identifier": {"type": "string", "pattern": "^[0-9]+$"},
         "target_display": _TEXT_OR_NULL,
         "target_type": {"type": "string", "enum": ["sentry_app"]}},
        "target_type", "target_identifier",
    ),
    # webhook_handler.py WebhookActionHandler.config_schema (no transformer, nothing required):
    # target_type must be null there.
    "webhook": {
        "type": "object",
        "properties": {"target_identifier": _TEXT, "target_display": _NULL,
                       "target_type": {"enum": [None]}},
    },
}  # fmt: skip
# pagerduty / opsgenie handlers put "additionalProperties": False *inside* "properties", so
# their data blobs accept other keys; the fake keeps that.
_ONCALL_DATA = {"type": "object"}
DATA_SCHEMAS: dict[str, dict[str, Any]] = {
    # email_handler.py EmailActionHandler.data_schema
    "email": _object({"fallthrough_type": {"type": "string", "enum": FALLTHROUGH_TYPES}}),
    # slack_action_handler.py (common.py TAGS_SCHEMA, NOTES_SCHEMA)
    "slack": _object({"tags": _TEXT, "notes": _TEXT}),
    # msteams_handler.py: no properties at all
    "msteams": _object({}),
    # discord_handler.py
    "discord": _object({"tags": _TEXT}),
    "pagerduty": {**_ONCALL_DATA,
                  "properties": {"priority": {"type": "string", "enum": PAGERDUTY_PRIORITIES}}},
    "opsgenie": {**_ONCALL_DATA,
                 "properties": {"priority": {"type": "string", "enum": OPSGENIE_PRIORITIES}}},
    # base.py TicketingActionHandler.data_schema
    **dict.fromkeys(
        TICKETING,
        _object({"additional_fields": {"type": "object"},
                 "dynamic_form_fields": {"type": "array", "items": {"type": "object"}}}),
    ),
    # sentry_app_handler.py
    "sentry_app": _object({"settings": {"type": "array"}}),
    # webhook_handler.py: data_schema = {}
    "webhook": {},
}  # fmt: skip
_CONFIG = {kind: Draft202012Validator(schema) for kind, schema in CONFIG_SCHEMAS.items()}
_DATA = {kind: Draft202012Validator(schema) for kind, schema in DATA_SCHEMAS.items()}


# Ticketing actions: their integrations declare the ticket-rules feature.
TICKET_TYPES = frozenset({"github", "github_enterprise", "jira", "jira_server", "azure_devops",
                          "gitlab"})


def _first_problem(validator: Draft202012Validator, value: Any) -> list[str]:
    """``validate_json_schema`` (validators/utils.py) reports ``str(error)``, whose first line
    is this message; the rest is jsonschema's dump of the schema."""
    problem = next(iter(validator.iter_errors(value)), None)
    return [] if problem is None else [problem.message]


def _integration_problem(org: FakeOrganization, kind: str, raw: Any) -> str | None:
    if kind in NO_INTEGRATION:
        return None if raw is None else f"Integration ID is not allowed for action type {kind}"
    if raw is None:
        return f"Integration ID is required for action type {kind}"
    integration = org.integrations.get(str(raw))
    if integration is None or integration.provider != kind:
        # source not found: BaseActionValidator does not look the integration up; the
        # per-provider action_validator_registry handlers do (their texts were not read).
        return f"Integration with id {raw} was not found for action type {kind}"
    return None


def action_errors(org: FakeOrganization, action: dict[str, Any]) -> dict[str, Any]:
    """Errors of one action, by snake_case field, in ``BaseActionValidator``'s order."""
    errors: dict[str, Any] = {}
    kind = action.get("type")
    for name in ("type", "config", "data"):
        if name not in action:
            errors[name] = [REQUIRED]
    if "type" in action and kind not in ACTION_TYPES:
        errors["type"] = [choice_error(kind)]
    elif kind == "plugin":
        errors["type"] = ["Action type plugin is deprecated and cannot be created."]
    elif kind in TICKET_TYPES and "integrations-ticket-rules" not in org.features:
        errors["type"] = [f"Organization does not allow this action type: {kind}"]
    raw = action.get("integration_id")
    if raw is not None and drf_int(raw) is None:
        errors["integration_id"] = ["A valid integer is required."]
    for name in ("config", "data"):
        if name in action and action[name] is None:
            errors[name] = ["This field may not be null."]  # JSONField(allow_null=False)
    if errors:
        return errors  # field errors stop DRF before validate()
    kind = str(kind)
    for name, validators in (("data", _DATA), ("config", _CONFIG)):
        if messages := _first_problem(validators[kind], action[name]):
            errors[name] = messages
    if errors:
        return errors
    problem = _integration_problem(org, kind, None if raw is None else drf_int(raw))
    return {"non_field_errors": [problem]} if problem else {}


def clean_action(action: dict[str, Any], action_id: str) -> dict[str, Any]:
    raw = action.get("integration_id")
    return {
        "id": action_id,
        "type": action["type"],
        "integration_id": None if raw is None else str(drf_int(raw)),
        "config": dict(action["config"]),
        "data": dict(action["data"]) if isinstance(action["data"], dict) else action["data"],
    }
