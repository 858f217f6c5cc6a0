"""Alert rules through the real program under the mock engine: what each stack declares on the
monitors backend, the same spec on the legacy backend, and what the legacy maps look like to
Sentry's retired API (the fake's legacy endpoints validate them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sentry_iac.offline.engine import Plan, run_offline
from sentry_iac.providers import SentryClient
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN
from tests.helpers import by_name, copy_project

METRIC_RULES = {"high-error-rate/spms-backend", "high-error-rate/spms-frontend",
                "slow-http-requests/spms-backend", "slow-db-queries/spms-backend",
                "slow-external-apis/spms-backend", "crash-free-sessions/spms-frontend"}
ISSUE_RULES = {"critical-errors/spms-backend", "new-error-types/spms-backend",
               "new-error-types/spms-frontend", "regressions/spms-backend",
               "regressions/spms-frontend"}





def vias(workflow: dict[str, Any]) -> list[str]:
    return [a["via"] for f in workflow["actionFilters"] for a in f["actions"]]


def test_production_has_a_monitor_and_alert_per_metric_rule_and_an_alert_per_issue_rule(
    production: Plan,
) -> None:
    assert set(by_name(production, "Monitor")) == METRIC_RULES
    assert set(by_name(production, "Alert")) == METRIC_RULES | ISSUE_RULES
    for name in METRIC_RULES:
        monitor = next(r for r in production.of_type("Monitor") if r.name == name)
        alert = next(r for r in production.of_type("Alert") if r.name == name)
        # linked to its own monitor (the mock engine's id for it starts with its name)
        (detector,) = alert.inputs["detectors"]
        assert detector.startswith(f"{name}-")
        assert monitor.parent == alert.parent  # both under the rule's component
    for name in ISSUE_RULES:
        assert by_name(production, "Alert")[name]["detectors"] == []  # the issue stream


def test_the_error_rate_monitor_is_exactly_sentrys_payload(production: Plan) -> None:
    detector = by_name(production, "Monitor")["high-error-rate/spms-backend"]["detector"]
    assert detector == {
        "name": "High error rate [production]", "type": "metric_issue", "enabled": True,
        "description": None,
        "dataSources": [{"dataset": "events", "aggregate": "count()", "query": "",
                         "eventTypes": ["error", "default"], "queryType": 0, "timeWindow": 60,
                         "environment": "production"}],
        "config": {"detectionType": "static"},
        "conditionGroup": {"logicType": "any", "conditions": [
            {"type": "gt", "comparison": 10, "conditionResult": 75},
            {"type": "gt", "comparison": 5, "conditionResult": 50},
            {"type": "lte", "comparison": 5, "conditionResult": 0}]},
    }


def test_performance_and_release_health_monitors_use_the_right_data(production: Plan) -> None:
    monitors = by_name(production, "Monitor")
    db = monitors["slow-db-queries/spms-backend"]["detector"]["dataSources"][0]
    assert (db["dataset"], db["aggregate"], db["query"], db["timeWindow"]) == (
        "events_analytics_platform", "p95(span.duration)", "span.category:db", 300)
    assert monitors["slow-db-queries/spms-backend"]["detector"]["conditionGroup"][
        "conditions"][0] == {"type": "gt", "comparison": 1000, "conditionResult": 75}
    crash = monitors["crash-free-sessions/spms-frontend"]["detector"]
    assert crash["dataSources"][0]["aggregate"].startswith("percentage(sessions_crashed")
    assert crash["dataSources"][0]["eventTypes"] == []
    assert crash["conditionGroup"]["conditions"] == [
        {"type": "lt", "comparison": 99, "conditionResult": 75},
        {"type": "lt", "comparison": 99.5, "conditionResult": 50},
        {"type": "gte", "comparison": 99.5, "conditionResult": 0}]


def test_production_routing(production: Plan) -> None:
    alerts = by_name(production, "Alert")
    critical = alerts["critical-errors/spms-backend"]["workflow"]
    assert critical["environment"] == "production"
    assert vias(critical) == ["on-call", "team-chat"]
    assert critical["config"] == {"frequency": 5}
    # An issue rule is about errors: the issue stream also passes performance, cron and metric
    # issues (Sentry's get_detectors_for_event_data).
    assert critical["actionFilters"][0]["conditions"] == [
        {"type": "tagged_event", "conditionResult": True,
         "comparison": {"key": "http.status_code", "match": "eq", "value": "500"}},
        {"type": "issue_category", "conditionResult": True,
         "comparison": {"value": 1, "include": True}}]
    pager = critical["actionFilters"][0]["actions"][0]
    assert pager == {"via": "on-call", "kind": "pagerduty", "service": "SPMS",
                     "severity": "critical"}
    assert vias(alerts["new-error-types/spms-frontend"]["workflow"]) == ["team-chat", "tracker"]


def test_staging_is_quieter_and_uses_its_environment_names(staging: Plan) -> None:
    alerts, monitors = by_name(staging, "Alert"), by_name(staging, "Monitor")
    assert set(monitors) == {"high-error-rate/spms-backend", "high-error-rate/spms-frontend"}
    assert set(alerts) == {"critical-errors/spms-backend", "new-error-types/spms-backend",
                           "new-error-types/spms-frontend", "high-error-rate/spms-backend",
                           "high-error-rate/spms-frontend"}
    frontend = monitors["high-error-rate/spms-frontend"]["detector"]
    assert frontend["name"] == "High error rate [test]"
    assert frontend["dataSources"][0]["environment"] == "test"
    assert [c["comparison"] for c in frontend["conditionGroup"]["conditions"]] == [50, 25, 25]
    assert alerts["new-error-types/spms-frontend"]["workflow"]["environment"] == "test"
    for alert in alerts.values():
        assert vias(alert["workflow"]) == ["maintainers"]
    assert alerts["critical-errors/spms-backend"]["workflow"]["config"] == {"frequency": 60}


def test_renaming_a_rule_keeps_its_identity(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    errors = project / "alerts" / "errors.yaml"
    errors.write_text(errors.read_text().replace("name: High error rate",
                                                 "name: Too many errors"))
    plan = run_offline(project, "production")
    monitor = by_name(plan, "Monitor")["high-error-rate/spms-backend"]["detector"]
    assert monitor["name"] == "Too many errors [production]"


@pytest.fixture(scope="module")
def legacy(tmp_path_factory: pytest.TempPathFactory) -> Plan:
    project = copy_project(tmp_path_factory.mktemp("legacy") / "p")
    (project / "Pulumi.staging.yaml").write_text(
        "config:\n  sentry-iac:alertsBackend: legacy\n")
    return run_offline(project, "staging")


def test_legacy_backend_plans_the_same_rules_as_legacy_resources(
    legacy: Plan, staging: Plan
) -> None:
    assert not legacy.of_type("Monitor") and not legacy.of_type("Alert")
    issue, metric = by_name(legacy, "SentryIssueAlert"), by_name(legacy, "SentryMetricAlert")
    assert set(metric) == set(by_name(staging, "Monitor"))
    # Beside the rules, the cron alerts (CronAlert on the monitors backend) are issue rules.
    assert set(issue) | set(metric) == set(by_name(staging, "Alert")) | {
        f"cron-{name.split('/')[1]}/{name.split('/')[0]}" for name in
        by_name(staging, "CronAlert")}
    team_id = legacy.outputs["team_ids"]["science-projects"]
    assert issue["critical-errors/spms-backend"] == {
        "organization": "dbca", "project": "spms-backend",
        "name": "Critical errors (HTTP 500) [staging]", "environment": "staging",
        "actionMatch": "all", "filterMatch": "all", "frequency": 60, "conditions": [],
        "filters": [{"id": "sentry.rules.filters.tagged_event.TaggedEventFilter",
                     "key": "http.status_code", "match": "eq", "value": "500"}],
        "actions": [{"id": "sentry.mail.actions.NotifyEmailAction", "targetType": "Team",
                     "targetIdentifier": team_id, "fallthroughType": "ActiveMembers"}],
    }
    assert issue["new-error-types/spms-frontend"]["conditions"] == [
        {"id": "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition"}]
    rate = metric["high-error-rate/spms-frontend"]
    assert (rate["dataset"], rate["aggregate"], rate["timeWindow"], rate["environment"],
            rate["thresholdType"]) == ("events", "count()", 1, "test", 0)
    assert [(t["label"], t["alertThreshold"]) for t in rate["triggers"]] == [
        ("critical", 50), ("warning", 25)]
    assert rate["triggers"][0]["actions"] == [
        {"type": "email", "targetType": "team", "targetIdentifier": team_id}]


def _legacy_issue_payload(inputs: dict[str, Any]) -> dict[str, Any]:
    return {k: inputs[k] for k in ("name", "actionMatch", "filterMatch", "frequency",
                                   "environment", "conditions", "filters", "actions")}


def _legacy_metric_payload(inputs: dict[str, Any]) -> dict[str, Any]:
    return {"name": inputs["name"], "dataset": inputs["dataset"], "query": inputs["query"],
            "aggregate": inputs["aggregate"], "timeWindow": inputs["timeWindow"],
            "thresholdType": inputs["thresholdType"], "environment": inputs["environment"],
            "eventTypes": inputs["eventTypes"], "projects": [inputs["project"]],
            "triggers": [{"label": t["label"], "alertThreshold": t["alertThreshold"],
                          "actions": [{"type": a["type"], "targetType": a["targetType"],
                                       "targetIdentifier": a["targetIdentifier"]}
                                      for a in t["actions"]]} for t in inputs["triggers"]]}


def test_sentrys_legacy_api_accepts_the_maps(legacy: Plan) -> None:
    team_id = legacy.outputs["team_ids"]["science-projects"]
    with FakeSentry(token=FAKE_TOKEN, org_slug="dbca") as fake:
        team = fake.org.add_team("science-projects")
        team.id = team_id  # the id the plan's lookup answered with
        for slug in ("spms-backend", "spms-frontend"):
            fake.org.add_project(slug, teams=["science-projects"],
                                 environments=["staging", "test"])
        client = SentryClient(FAKE_TOKEN, fake.url)
        for inputs in by_name(legacy, "SentryIssueAlert").values():
            client.post(f"projects/dbca/{inputs['project']}/rules/",
                        _legacy_issue_payload(inputs))
        for inputs in by_name(legacy, "SentryMetricAlert").values():
            client.post("organizations/dbca/alert-rules/", _legacy_metric_payload(inputs))
        # three rules and the nightly-import cron's alert (nightly-cleanup is off in staging)
        assert len(fake.org.issue_rules) == 4 and len(fake.org.metric_rules) == 2
        assert not fake.internal_errors
