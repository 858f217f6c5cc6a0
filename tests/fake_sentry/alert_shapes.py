"""Monitor and alert answers (SENTRY_ALERTS_API.md 2.3 and 2.9): camelCase, every id a string.

Conditions and action filters come back in a shuffled order, as Sentry's do, and Slack
channel names gain a leading ``#``.

Sources: ``src/sentry/workflow_engine/endpoints/serializers/workflow_serializer.py`` and
``detector_serializer.py`` (action filters gathered through a set: no stable order); the
action ``data`` of ticketing actions comes back camelCased except the keys inside
``additionalFields`` (``notification_action/action_handler_registry/base.py``
``TicketingActionHandler.serialize_data``), which ``casing.camel_keys`` keeps. source not
found for the ``#`` on Slack channel names: terraform-provider-sentry commit 33d201a
(SENTRY_ALERTS_API.md §2.8).
"""

from __future__ import annotations

from typing import Any, TypeVar

from tests.fake_sentry.actors import owner_object
from tests.fake_sentry.casing import camel_keys
from tests.fake_sentry.crons import cron_data_source
from tests.fake_sentry.state import DATE_CREATED, FakeDetector, FakeOrganization, FakeWorkflow
from tests.fake_sentry.uptime_checks import UPTIME_SOURCE, uptime_data_source

T = TypeVar("T")


def shuffled(org: FakeOrganization, items: list[T]) -> list[T]:
    items = list(items)
    if org.shuffle_reads:
        org.rng.shuffle(items)
    return items


def _condition(condition: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": condition["id"],
        "type": condition["type"],
        "comparison": camel_keys(condition["comparison"]),
        "conditionResult": condition["condition_result"],
    }


def _data_sources(org: FakeOrganization, detector: FakeDetector) -> list[dict[str, Any]] | None:
    source = detector.data_source
    if source is None:
        return None
    if source.get("type") == "cron_monitor":  # a cron monitor's detector (fake_sentry.crons)
        return [cron_data_source(org, source)]
    if source.get("type") == UPTIME_SOURCE:  # fake_sentry.uptime_checks
        return [uptime_data_source(org, source)]
    if not source:  # an uptime monitor made without one
        return []
    query = source["query"]
    snuba_query = {
        "id": source["snuba_id"],
        "dataset": query["dataset"],
        "query": query["query"],
        "aggregate": query["aggregate"],
        "timeWindow": query["time_window"],
        "environment": query["environment"],
        "eventTypes": list(query["event_types"]),
        "extrapolationMode": query["extrapolation_mode"] or "unknown",
    }  # queryType is left out, as Sentry may do
    return [
        {
            "id": source["id"],
            "organizationId": org.id,
            "type": "snuba_query_subscription",
            "sourceId": source["query_id"],
            "queryObj": {
                "id": source["query_id"],
                "status": 0 if detector.enabled else 1,
                "subscription": None,
                "snubaQuery": snuba_query,
            },
        }
    ]


def detector_body(org: FakeOrganization, detector: FakeDetector) -> dict[str, Any]:
    group = detector.condition_group
    return {
        "id": detector.id,
        "projectId": detector.project_id,
        "name": detector.name,
        "description": detector.description,
        "type": detector.type,
        "workflowIds": org.workflow_ids_of(detector.id),
        "owner": owner_object(org, detector.owner),
        "createdBy": detector.created_by,
        "dateCreated": DATE_CREATED,
        "dateUpdated": detector.date_updated,
        "dataSources": _data_sources(org, detector),
        "conditionGroup": None
        if group is None
        else {
            "id": group["id"],
            "organizationId": org.id,
            "logicType": group["logic_type"],
            "conditions": [_condition(c) for c in shuffled(org, group["conditions"])],
            "actions": [],
        },
        "config": camel_keys(detector.config),
        "enabled": detector.enabled,
        "latestGroup": None,
    }


def _action(action: dict[str, Any]) -> dict[str, Any]:
    config = dict(action["config"])  # as sent: whether Sentry adds null targets is unverified
    display = config.get("target_display")
    if action["type"] == "slack" and isinstance(display, str) and not display.startswith("#"):
        config["target_display"] = "#" + display  # Sentry shows Slack channels with '#'
    return {
        "id": action["id"],
        "type": action["type"],
        "integrationId": action["integration_id"],
        "data": camel_keys(action["data"]),
        "config": camel_keys(config),
        "status": "active",
    }


def _group(org: FakeOrganization, group: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": group["id"],
        "organizationId": org.id,
        "logicType": group["logic_type"],
        "conditions": [_condition(c) for c in shuffled(org, group["conditions"])],
        "actions": [_action(a) for a in group.get("actions", [])],
    }


def workflow_body(org: FakeOrganization, workflow: FakeWorkflow) -> dict[str, Any]:
    return {
        "id": workflow.id,
        "name": workflow.name,
        "organizationId": org.id,
        "createdBy": workflow.created_by,
        "dateCreated": DATE_CREATED,
        "dateUpdated": workflow.date_updated,
        "triggers": _group(org, workflow.triggers),
        "actionFilters": [_group(org, f) for f in shuffled(org, workflow.action_filters)],
        "environment": workflow.environment,
        "config": camel_keys(workflow.config),
        "detectorIds": org.detector_ids_of(workflow.id),
        "enabled": workflow.enabled,
        "lastTriggered": None,
        "owner": workflow.owner,
    }
