"""Monitor and alert request bodies as Sentry's UI and its legacy-rule migration make them, for
seeding the fake (``realistic``). Every body goes through the fake's own validation."""

from __future__ import annotations

from typing import Any

from tests.fake_sentry.state import FakeIntegration

HIGH, MEDIUM, RESOLVED = 75, 50, 0
EVENT_TYPES = {"events": ["error", "default"], "events_analytics_platform": ["trace_item_span"],
               "metrics": []}
QUERY_TYPES = {"events": 0, "events_analytics_platform": 1, "metrics": 2}


def detector(name: str, environment: str | None, *, dataset: str = "events",
             aggregate: str = "count()", query: str = "", window: int = 60,
             conditions: list[dict[str, Any]], detection: str = "static",
             delta: int | None = None, description: str | None = None,
             event_types: list[str] | None = None) -> dict[str, Any]:
    config: dict[str, Any] = {"detectionType": detection}
    if delta is not None:
        config["comparisonDelta"] = delta
    return {
        "name": name, "type": "metric_issue", "enabled": True, "description": description,
        "dataSources": [{"queryType": QUERY_TYPES[dataset], "dataset": dataset,
                         "aggregate": aggregate, "query": query, "timeWindow": window,
                         "environment": environment,
                         "eventTypes": EVENT_TYPES[dataset] if event_types is None
                         else event_types}],
        "config": config,
        "conditionGroup": {"logicType": "any", "conditions": conditions},
    }


def levels(kind: str, critical: float, warning: float | None = None,
           resolve: float | None = None) -> list[dict[str, Any]]:
    """gt/lt levels with a resolution on the other side (lte/gte)."""
    conditions = [{"type": kind, "comparison": critical, "conditionResult": HIGH}]
    if warning is not None:
        conditions.append({"type": kind, "comparison": warning, "conditionResult": MEDIUM})
    lowest = warning if warning is not None else critical
    back = "lte" if kind == "gt" else "gte"
    conditions.append({"type": back, "comparison": lowest if resolve is None else resolve,
                       "conditionResult": RESOLVED})
    return conditions


def trigger(kind: str) -> dict[str, Any]:
    return {"type": kind, "comparison": True, "conditionResult": True}


def condition(kind: str, comparison: Any, result: bool = True) -> dict[str, Any]:
    return {"type": kind, "comparison": comparison, "conditionResult": result}


def workflow(name: str, environment: str | None, detectors: list[str], *,
             triggers: list[dict[str, Any]] | None = None,
             filters: list[dict[str, Any]] | None = None, logic: str = "all",
             actions: list[dict[str, Any]], frequency: int = 30, enabled: bool = True,
             groups: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """An alert; ``groups`` replaces the single action filter (as migrated metric alerts with
    one filter per trigger have)."""
    return {
        "name": name, "enabled": enabled, "environment": environment,
        "config": {"frequency": frequency}, "detectorIds": detectors,
        "triggers": {"logicType": "any-short", "conditions": triggers or []},
        "actionFilters": groups if groups is not None else [
            {"logicType": logic, "conditions": filters or [], "actions": actions}],
    }


def metric_filter(level: int, actions: list[dict[str, Any]]) -> dict[str, Any]:
    """What Sentry (and its migration) attaches to a metric monitor's alert per level."""
    return {"logicType": "any-short", "conditions": [
        condition("issue_priority_greater_or_equal", level),
        condition("issue_priority_deescalating", level)], "actions": actions}


def metric_workflow(name: str, environment: str, detector_id: str, level: int,
                    actions: list[dict[str, Any]], frequency: int = 30) -> dict[str, Any]:
    return workflow(name, environment, [detector_id], actions=[], frequency=frequency,
                    groups=[metric_filter(level, actions)])


# -- actions ---------------------------------------------------------------------------------


def email_team(team_id: str) -> dict[str, Any]:
    return {"type": "email", "integrationId": None, "data": {},
            "config": {"targetType": "team", "targetIdentifier": team_id, "targetDisplay": None}}


def email_user(user_id: str) -> dict[str, Any]:
    return {"type": "email", "integrationId": None, "data": {},
            "config": {"targetType": "user", "targetIdentifier": user_id, "targetDisplay": None}}


def issue_owners(fallthrough: str = "ActiveMembers") -> dict[str, Any]:
    return {"type": "email", "integrationId": None, "data": {"fallthroughType": fallthrough},
            "config": {"targetType": "issue_owners"}}


def msteams(integration: FakeIntegration, channel: str) -> dict[str, Any]:
    return {"type": "msteams", "integrationId": integration.id, "data": {},
            "config": {"targetType": "specific", "targetIdentifier": f"19:{channel}@thread.tacv2",
                       "targetDisplay": channel}}


def slack(integration: FakeIntegration, channel: str, **data: str) -> dict[str, Any]:
    return {"type": "slack", "integrationId": integration.id, "data": dict(data),
            "config": {"targetType": "specific",
                       "targetIdentifier": "C" + channel.strip("#").upper().replace("-", ""),
                       "targetDisplay": channel}}


def pagerduty(integration: FakeIntegration, service: str, priority: str) -> dict[str, Any]:
    row = next(r for r in integration.config_data["service_table"] if r["service"] == service)
    return {"type": "pagerduty", "integrationId": integration.id, "data": {"priority": priority},
            "config": {"targetType": "specific", "targetIdentifier": str(row["id"]),
                       "targetDisplay": service}}


def opsgenie(integration: FakeIntegration, team: str, priority: str) -> dict[str, Any]:
    row = next(r for r in integration.config_data["team_table"] if r["team"] == team)
    return {"type": "opsgenie", "integrationId": integration.id, "data": {"priority": priority},
            "config": {"targetType": "specific", "targetIdentifier": str(row["id"]),
                       "targetDisplay": team}}


def discord(integration: FakeIntegration, channel_id: str) -> dict[str, Any]:
    return {"type": "discord", "integrationId": integration.id, "data": {},
            "config": {"targetType": "specific", "targetIdentifier": channel_id,
                       "targetDisplay": None}}


def github(integration: FakeIntegration, repo: str, labels: list[str]) -> dict[str, Any]:
    return {"type": "github", "integrationId": integration.id,
            "data": {"additionalFields": {"repo": repo, "integration": integration.id,
                                          "labels": labels, "assignee": ""},
                     "dynamicFormFields": []},
            "config": {"targetType": "specific"}}


def webhook() -> dict[str, Any]:
    return {"type": "webhook", "integrationId": None, "data": {},
            "config": {"targetType": None, "targetIdentifier": "webhooks"}}
