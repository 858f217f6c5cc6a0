"""Spike protection (``organizations/{org}/spike-protections/``) and its notification actions
(``organizations/{org}/notifications/actions/``).

**Spike protection is getsentry's (private).** What is public: the project option
``quotas:spike-protection-disabled`` (``models/options/project_option.py``), answered raw under
the project's ``options`` (``DetailedProjectSerializer.format_options``, shapes.project_detail);
Sentry's OpenAPI schema for ``POST`` (201) and ``DELETE`` (200) with a required ``projects`` list
of slugs ("Set to `$all` to ... all the projects"); terraform-provider-sentry's
``resource_project_spike_protection.go``, which expects exactly those statuses and reads the
option back. source not found for the body of either answer, or for what an unknown slug
answers: here 400 on the ``projects`` field, as the schema lists 400.

Notification actions are open source:

* ``notifications/api/endpoints/notification_actions_index.py``: ``GET`` lists the
  organisation's actions (``OffsetPaginator``), filtered by ``?triggerType=`` and, with a
  ``?project=``, to actions of those projects; ``POST`` validates with
  ``NotificationActionSerializer`` and answers 201.
* ``notification_actions_details.py``: ``GET`` one (404 for another id), ``PUT`` "Update the
  entire NotificationAction, overwriting previous values" (202; projects left out are cleared,
  ``NotificationActionSerializer.update``), ``DELETE`` (204).
* ``notifications/api/serializers/notification_action_request.py``
  (``NotificationActionSerializer``, ``CamelSnakeModelSerializer``: camelCase keys):
  ``triggerType`` and ``serviceType`` required ("This field is required.") and one of
  ``ActionTrigger`` / ``ActionService`` ("Invalid trigger selected. Choose from ..."),
  ``targetType`` default ``specific``; ``integrationId`` must be installed ("Integration does
  not exist, or is not installed"); pagerduty, slack, msteams and opsgenie need one of their
  own provider (``validate_integration_and_service``); the (trigger, service, target)
  combination must be registered ("Combination of trigger_type, service_type and target_type has
  not been registered."): spike protection's registrations are getsentry's, so the fake
  registers the services Sentry documents for it (email, slack, sentry_notification, pagerduty,
  opsgenie) with target ``specific``; slack needs ``targetDisplay`` ("Did not receive a slack
  user or channel name.") and is given a channel id (Sentry asks Slack); pagerduty needs a
  service id of its integration (``validate_pagerduty_service``) and takes its name as the
  display; opsgenie needs identifier and display (the schema's "Required if service_type is
  slack or opsgenie").
* ``notification_action_response.py``: the answer's fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_sentry import listing
from tests.fake_sentry.lookup import by_numeric_id, object_body, org_of
from tests.fake_sentry.pagination import paginated
from tests.fake_sentry.replies import Reply
from tests.fake_sentry.state import FakeOrganization
from tests.fake_sentry.validation import REQUIRED, Invalid

if TYPE_CHECKING:
    from tests.fake_sentry.routes import Call

DISABLED = "quotas:spike-protection-disabled"
ALL = "$all"
TRIGGERS = {0: "audit-log", 100: "spike-protection"}  # ActionTrigger.as_choices
SERVICES = {0: "email", 1: "pagerduty", 2: "slack", 3: "msteams", 4: "sentry_app",
            5: "sentry_notification", 6: "opsgenie", 7: "discord"}  # ActionService
TARGETS = {0: "specific", 1: "user", 2: "team", 3: "sentry_app", 4: "issue_owners",
           5: "escalation_policy"}  # ActionTarget
INTEGRATION_SERVICES = frozenset({"pagerduty", "slack", "msteams", "opsgenie"})
REGISTERED = frozenset(("spike-protection", service, "specific") for service in
                       ("email", "slack", "sentry_notification", "pagerduty", "opsgenie"))


def _choices(names: dict[int, str]) -> str:
    quoted = [f"'{name}'" for name in names.values()]
    return ", ".join(quoted[:-1]) + f" and {quoted[-1]}"  # oxfordize_list, two or more


# -- spike protection (private: see above) ----------------------------------------------------

def _spike_projects(call: Call) -> list[Any]:
    org = org_of(call)
    body = object_body(call)
    if "projects" not in body:
        raise Invalid({"projects": [REQUIRED]})
    slugs = body["projects"]
    if not isinstance(slugs, list):
        raise Invalid({"projects": ['Expected a list of items but got type "str".']})
    if ALL in slugs:
        return list(org.projects.values())
    missing = [s for s in slugs if s not in org.projects]
    if missing:
        raise Invalid({"projects": [f"Invalid project slugs: {', '.join(map(str, missing))}"]})
    return [org.projects[s] for s in slugs]


def enable_spike_protection(call: Call) -> Reply:
    for project in _spike_projects(call):
        project.options[DISABLED] = False
    return Reply(201, None)  # the schema documents no body


def disable_spike_protection(call: Call) -> Reply:
    for project in _spike_projects(call):
        project.options[DISABLED] = True
    return Reply(200, None)


# -- notification actions ---------------------------------------------------------------------

def action_body(org: FakeOrganization, action: dict[str, Any]) -> dict[str, Any]:
    """OutgoingNotificationActionSerializer.serialize."""
    return {"id": int(action["id"]), "organizationId": int(org.id),
            "integrationId": action["integration_id"], "sentryAppId": None,
            "projects": [int(p) for p in action["projects"]],
            "serviceType": action["service_type"], "triggerType": action["trigger_type"],
            "targetType": action["target_type"], "targetIdentifier": action["target_identifier"],
            "targetDisplay": action["target_display"]}


def _choice(body: dict[str, Any], key: str, names: dict[int, str], what: str,
            errors: dict[str, Any], default: str | None = None) -> str | None:
    value = body.get(key, default)
    if value is None:
        errors[key] = [REQUIRED]
        return None
    if value not in names.values():
        errors[key] = [f"Invalid {what} selected. Choose from {_choices(names)}."]
        return None
    return str(value)


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


def _validated(org: FakeOrganization, body: dict[str, Any]) -> dict[str, Any]:
    # CamelSnakeModelSerializer takes snake_case (as the schema documents it) or camelCase
    # keys, and answers errors in camelCase; here both are read as camelCase.
    raw = {_camel(key): value for key, value in body.items()}
    errors: dict[str, Any] = {}
    trigger = _choice(raw, "triggerType", TRIGGERS, "trigger", errors)
    service = _choice(raw, "serviceType", SERVICES, "service", errors)
    target_type = _choice(raw, "targetType", TARGETS, "target", errors, default="specific")
    integration = None
    if raw.get("integrationId") is not None:
        integration = org.integrations.get(str(raw["integrationId"]))
        if integration is None:
            errors["integrationId"] = ["Integration does not exist, or is not installed"]
    projects = []
    for slug in raw.get("projects") or []:
        project = org.projects.get(str(slug))
        if project is None:
            errors["projects"] = ["Invalid project"]  # ProjectField
        else:
            projects.append(project.id)
    if errors:
        raise Invalid(errors)
    if service in INTEGRATION_SERVICES:
        if integration is None:
            raise Invalid({"integrationId": [f"Service type of '{service}' requires providing "
                                             "an active integration id"]})
        if integration.provider != service:
            raise Invalid({"integrationId": [f"Integration of provider '{integration.provider}' "
                                             f"does not match service type of '{service}'"]})
    if (trigger, service, target_type) not in REGISTERED:
        raise Invalid({"non_field_errors": ["Combination of trigger_type, service_type and "
                                            "target_type has not been registered."]})
    identifier, display = raw.get("targetIdentifier"), raw.get("targetDisplay")
    if service == "slack":
        if not display:
            raise Invalid({"targetDisplay": ["Did not receive a slack user or channel name."]})
        identifier = identifier or f"C{int(org.next_id()):0>8}"  # Sentry asks Slack for it
    elif service == "pagerduty":
        assert integration is not None
        rows = integration.config_data.get("service_table") or []
        row = next((r for r in rows if str(r["id"]) == str(identifier)), None)
        if row is None:
            raise Invalid({"targetIdentifier": ["Could not find associated PagerDuty service "
                                                f"for the '{integration.name}' account. If it "
                                                "exists, ensure Sentry has access."]})
        identifier, display = str(row["id"]), row["service"]
    elif service == "opsgenie" and not (identifier and display):
        raise Invalid({"targetIdentifier": ["Required if service_type is slack or opsgenie."]})
    return {"trigger_type": trigger, "service_type": service, "target_type": target_type,
            "integration_id": int(integration.id) if integration is not None else None,
            "target_identifier": None if identifier is None else str(identifier),
            "target_display": None if display is None else str(display),
            "projects": projects}


def list_actions(call: Call) -> Reply:
    org = org_of(call)
    wanted = listing.project_ids(org, call.query, "project", "projectSlug")
    triggers = call.query.get("triggerType") or []
    items = [action_body(org, a) for a in org.notification_actions.values()
             if (not triggers or a["trigger_type"] in triggers)
             and (wanted is None or set(a["projects"]) & wanted)]
    return paginated(items, call.query, call.page_size, call.url)


def create_action(call: Call) -> Reply:
    org = org_of(call)
    action = {"id": org.next_id(), **_validated(org, object_body(call))}
    org.notification_actions[action["id"]] = action
    return Reply(201, action_body(org, action))


def _action(call: Call) -> dict[str, Any]:
    return by_numeric_id(org_of(call).notification_actions, call.params["action_id"])


def get_action(call: Call) -> Reply:
    return Reply(200, action_body(call.org, _action(call)))


def put_action(call: Call) -> Reply:
    action = _action(call)
    action.update(_validated(call.org, object_body(call)))
    return Reply(202, action_body(call.org, action))


def delete_action(call: Call) -> Reply:
    action = _action(call)
    del call.org.notification_actions[action["id"]]
    return Reply(204, None)
