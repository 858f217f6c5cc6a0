"""The alerting part of the contract scenario: monitors, alerts, what they refer to, legacy rules.

Every call here is checked against Sentry's schemas by ``test_contract``. Bodies use the shapes
the schemas document: the public schema requires ``logic_type`` (snake_case) inside
``triggers`` and ``condition_group``, whose outer names are the same in both casings.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from sentry_iac.providers import SentryApiError, SentryClient, api_path
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN


def _monitor(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "type": "metric_issue",
        "dataSources": [
            {
                "queryType": 0,
                "dataset": "events",
                "aggregate": "count()",
                "query": "",
                "timeWindow": 60,
                "environment": "production",
                "eventTypes": ["error", "default"],
            }
        ],
        "config": {"detectionType": "static"},
        "conditionGroup": {
            "logicType": "any",
            "conditions": [
                {"type": "gt", "comparison": 10, "conditionResult": 75},
                {"type": "lte", "comparison": 10, "conditionResult": 0},
            ],
        },
    }


def _alert(name: str, detector_ids: list[str], team_id: str, pagerduty: Any) -> dict[str, Any]:
    service = str(pagerduty.config_data["service_table"][0]["id"])
    return {
        "name": name,
        "enabled": True,
        "environment": "production",
        "config": {"frequency": 30},
        "detectorIds": detector_ids,
        "triggers": {"logic_type": "any-short", "conditions": [
            {"type": "first_seen_event", "comparison": True, "conditionResult": True},
        ]},
        "actionFilters": [{
            "logicType": "all",
            "conditions": [
                {"type": "issue_priority_greater_or_equal", "comparison": 75,
                 "conditionResult": True},
            ],
            "actions": [
                {"type": "email", "integrationId": None, "data": {},
                 "config": {"targetType": "team", "targetIdentifier": team_id}},
                {"type": "pagerduty", "integrationId": pagerduty.id,
                 "data": {"priority": "critical"},
                 "config": {"targetType": "specific", "targetIdentifier": service,
                            "targetDisplay": "SPMS"}},
            ],
        }],
    }  # fmt: skip


ISSUE_RULE = {
    "name": "New issues",
    "actionMatch": "any",
    "filterMatch": "all",
    "frequency": 30,
    "conditions": [{"id": "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition"}],
    "filters": [],
    "actions": [{"id": "sentry.mail.actions.NotifyEmailAction", "targetType": "IssueOwners"}],
}
METRIC_RULE = {
    "name": "Errors",
    "aggregate": "count()",
    "query": "",
    "timeWindow": 60,
    "thresholdType": 0,
    "resolveThreshold": 5,
    "projects": ["spms-backend"],
    "environment": "production",
    "triggers": [
        {
            "label": "critical",
            "alertThreshold": 10,
            "actions": [{"type": "email", "targetType": "team", "targetIdentifier": "1"}],
        }
    ],
}


def _monitors_and_alerts(fake: FakeSentry, client: SentryClient, http: httpx.Client) -> None:
    org = fake.org
    backend = org.projects["spms-backend"]
    pagerduty = org.add_integration("pagerduty", name="DBCA PagerDuty", services=["SPMS"])
    org.add_integration("msteams", name="DBCA")
    org.add_member("lead@dbca.example", role="manager", teams=["backend"])
    org.add_member("invited@dbca.example", pending=True)
    organization = ("organizations", "dbca")
    list(client.paginate(api_path(*organization, "integrations"), {"providerKey": "pagerduty"}))
    list(client.paginate(api_path(*organization, "members")))
    list(client.paginate(api_path(*organization, "members"), {"query": "email:lead@dbca.example"}))

    detectors = api_path(*organization, "detectors")
    list(client.paginate(detectors, {"project": backend.id, "query": "type:issue_stream"}))
    create = api_path(*organization, "projects", "spms-backend", "detectors")
    monitor = client.post(create, _monitor("Errors > 10/min"))
    spare = client.post(create, _monitor("Spare"))
    monitor_path = api_path(*organization, "detectors", monitor["id"])
    client.get(monitor_path)
    client.put(monitor_path, {"name": "Errors > 10/min (production)", "type": "metric_issue"})
    list(client.paginate(detectors, {"id": monitor["id"]}))

    workflows = api_path(*organization, "workflows")
    team_id = org.teams["backend"].id
    issue_stream = org.default_detector("spms-backend").id
    alert = client.post(workflows, _alert("New issues", [issue_stream], team_id, pagerduty))
    spare_alert = client.post(workflows, _alert("Spare", [spare["id"]], team_id, pagerduty))
    alert_path = api_path(*organization, "workflows", alert["id"])
    client.get(alert_path)
    client.put(alert_path, _alert("New issues (production)", [issue_stream, monitor["id"]],
                                  team_id, pagerduty))  # fmt: skip
    list(client.paginate(workflows, {"project": backend.id}))

    # SentryClient takes no query parameters on writes, so the bulk calls go over plain HTTP.
    http.put(detectors, params={"id": spare["id"]}, json={"enabled": False}).raise_for_status()
    http.put(workflows, params={"id": spare_alert["id"]}, json={"enabled": False})
    http.delete(workflows, params={"id": spare_alert["id"]}).raise_for_status()
    http.delete(detectors, params={"id": spare["id"]}).raise_for_status()
    client.delete(alert_path)
    client.delete(monitor_path)

    error_monitor = api_path(
        *organization, "detectors", org.default_detector("spms-backend", "error").id
    )
    rejected: list[Callable[[], object]] = [
        lambda: client.post(create, {**_monitor("x"), "conditionGroup": {
            "logicType": "any", "conditions": [{"type": "gt", "comparison": 1,
                                                "conditionResult": 75}]}}),
        lambda: client.post(create, {**_monitor("x"), "config": {"detectionType": "weekly"}}),
        lambda: client.post(workflows, {"name": "x", "config": {"frequency": -1}}),
        lambda: client.post(workflows, {"name": "x", "detectorIds": ["99999"]}),
        lambda: client.delete(error_monitor),
        lambda: client.get(api_path(*organization, "workflows", "99999")),
    ]  # fmt: skip
    for call in rejected:
        with pytest.raises(SentryApiError):
            call()


def _legacy(fake: FakeSentry, client: SentryClient) -> None:
    rules = api_path("projects", "dbca", "spms-backend", "rules")
    rule = client.post(rules, ISSUE_RULE)
    rule_path = api_path("projects", "dbca", "spms-backend", "rules", rule["id"])
    client.get(rule_path)
    client.put(rule_path, {**ISSUE_RULE, "frequency": 60})
    list(client.paginate(rules))
    client.delete(rule_path)

    alert_rules = api_path("organizations", "dbca", "alert-rules")
    metric = client.post(alert_rules, METRIC_RULE)
    metric_path = api_path("organizations", "dbca", "alert-rules", metric["id"])
    client.get(metric_path)
    client.put(metric_path, {**METRIC_RULE, "timeWindow": 240})
    list(client.paginate(alert_rules))
    client.delete(metric_path)

    with pytest.raises(SentryApiError):
        client.post(rules, {**ISSUE_RULE, "actions": []})
    fake.legacy_brownout = True
    try:
        with pytest.raises(SentryApiError):
            client.get(rules)
    finally:
        fake.legacy_brownout = False


def run_alerting_scenario(fake: FakeSentry, client: SentryClient) -> None:
    """Call every alerting endpoint of the fake; needs the main scenario's org and projects."""
    with httpx.Client(base_url=fake.url, headers={"Authorization": f"Bearer {FAKE_TOKEN}"}) as http:
        _monitors_and_alerts(fake, client, http)
    _legacy(fake, client)
