"""The Monitor and Alert providers against the fake Sentry, driven with the resources the
example config's offline plan declares: create, read, update, delete, diff, drift, and faults
that must neither duplicate nor lose an alert."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sentry_iac.offline.engine import Plan
from sentry_iac.providers import SentryClient
from sentry_iac.providers.alerting import ADOPT, APPLIED, LIVE, AlertProvider, MonitorProvider
from sentry_iac.providers.resolve import ResolveError
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN, RecordingSleep
from tests.providers.scaffold import configured, faults, inputs

DETECTORS = "/api/0/organizations/dbca/projects/*/detectors/"
WORKFLOWS = "/api/0/organizations/dbca/workflows/"


def create_rule(fake: FakeSentry, plan: Plan, name: str) -> tuple[str | None, str, dict[str, Any]]:
    """Create a rule's monitor (if any) and alert as the engine would; (monitor, alert, props)."""
    monitor_id = None
    if any(r.name == name for r in plan.of_type("Monitor")):
        monitor = configured(MonitorProvider(), fake)
        monitor_id = monitor.create(inputs(plan, "Monitor", name)).id
    props = inputs(plan, "Alert", name)
    props["detectors"] = [monitor_id] if monitor_id else []
    alert = configured(AlertProvider(), fake).create(props)
    return monitor_id, alert.id, {**props, **alert.outs}


def test_metric_rule_creates_a_linked_monitor_and_alert(fake: FakeSentry, production: Plan) -> None:
    monitor_id, alert_id, _ = create_rule(fake, production, "high-error-rate/spms-backend")
    detector = fake.org.detectors[str(monitor_id)]
    assert detector.name == "High error rate [production]"
    assert detector.type == "metric_issue"
    assert fake.org.detector_ids_of(alert_id) == [str(monitor_id)]
    workflow = fake.org.workflows[alert_id]
    # The monitor filters the environment; the alert has none, so resolutions reach it.
    assert detector.data_source is not None
    assert detector.data_source["query"]["environment"] == "production"
    assert workflow.environment is None and workflow.config == {"frequency": 0}
    actions = [a for f in workflow.action_filters for a in f["actions"]]
    assert sorted(a["type"] for a in actions) == ["msteams", "pagerduty"]


def test_issue_rule_attaches_to_the_projects_issue_stream(
    fake: FakeSentry, production: Plan
) -> None:
    _, alert_id, _ = create_rule(fake, production, "new-error-types/spms-frontend")
    stream = fake.org.default_detector("spms-frontend", "issue_stream")
    assert fake.org.detector_ids_of(alert_id) == [stream.id]
    workflow = fake.org.workflows[alert_id]
    assert [c["type"] for c in workflow.triggers["conditions"]] == ["first_seen_event"]
    github = next(a for f in workflow.action_filters for a in f["actions"]
                  if a["type"] == "github")
    assert github["data"]["additional_fields"]["repo"] == "dbca-wa/science-projects"


@pytest.mark.parametrize("name", ["high-error-rate/spms-backend", "critical-errors/spms-backend",
                                  "slow-db-queries/spms-backend",
                                  "crash-free-sessions/spms-frontend"])
def test_every_example_rule_is_accepted_and_reads_back_without_drift(
    fake: FakeSentry, production: Plan, name: str
) -> None:
    monitor_id, alert_id, props = create_rule(fake, production, name)
    alert = configured(AlertProvider(), fake)
    read = alert.read(alert_id, props).outs
    assert read[LIVE] == read[APPLIED]
    assert alert.diff(alert_id, read, props).changes is False
    if monitor_id:
        monitor = configured(MonitorProvider(), fake)
        monitor_props = {**inputs(production, "Monitor", name)}
        created = monitor.read(monitor_id, monitor_props).outs
        # applied is what create wrote; compare with a fresh normalisation of the payload
        assert created[LIVE] == monitor.normalize(monitor_props["detector"], monitor_props)


def test_diff_is_local_and_sees_changes_drift_and_moves(fake: FakeSentry, production: Plan) -> None:
    monitor = configured(MonitorProvider(), fake)
    props = inputs(production, "Monitor", "high-error-rate/spms-backend")
    created = monitor.create(props)
    olds = {**props, **created.outs}
    fake.clear_exchanges()
    assert monitor.diff(created.id, olds, props).changes is False
    higher = copy.deepcopy(props)
    higher["detector"]["conditionGroup"]["conditions"][0]["comparison"] = 20
    assert monitor.diff(created.id, olds, higher).changes is True
    moved = {**props, "project": "spms-frontend"}
    assert monitor.diff(created.id, olds, moved).replaces == ["project"]
    assert fake.exchanges == []  # previews make no API call
    # Someone raises the threshold in Sentry's UI: refresh sees it, the next diff repairs it.
    detector_path = f"/api/0/organizations/dbca/detectors/{created.id}/"
    changed = monitor.read(created.id, olds).outs
    assert changed[LIVE] == changed[APPLIED]
    SentryClient(FAKE_TOKEN, fake.url).put(detector_path, {"conditionGroup": {
        "logicType": "any", "conditions": [
            {"type": "gt", "comparison": 99, "conditionResult": 75},
            {"type": "lte", "comparison": 99, "conditionResult": 0}]}})
    drifted = monitor.read(created.id, olds).outs
    assert drifted[LIVE] != drifted[APPLIED]
    assert monitor.diff(created.id, drifted, props).changes is True


def test_update_sends_the_whole_payload_once(fake: FakeSentry, production: Plan) -> None:
    _, alert_id, props = create_rule(fake, production, "critical-errors/spms-backend")
    alert = configured(AlertProvider(), fake)
    news = copy.deepcopy(props)
    news["workflow"]["config"]["frequency"] = 60
    fake.clear_exchanges()
    result = alert.update(alert_id, props, news)
    puts = fake.applied("PUT", f"{WORKFLOWS}{alert_id}/")
    assert len(puts) == 1
    body = puts[0].body
    assert body["config"] == {"frequency": 60}
    assert body["detectorIds"] and body["actionFilters"][0]["actions"]  # arrays sent whole
    assert fake.org.workflows[alert_id].config == {"frequency": 60}
    assert result.outs[APPLIED]["config"] == {"frequency": 60}


def test_delete_removes_and_tolerates_an_already_deleted_object(
    fake: FakeSentry, production: Plan
) -> None:
    monitor_id, alert_id, props = create_rule(fake, production, "high-error-rate/spms-backend")
    alert, monitor = configured(AlertProvider(), fake), configured(MonitorProvider(), fake)
    alert.delete(alert_id, props)
    monitor.delete(str(monitor_id), inputs(production, "Monitor", "high-error-rate/spms-backend"))
    assert alert_id not in fake.org.workflows and str(monitor_id) not in fake.org.detectors
    alert.delete(alert_id, props)  # a second delete (a retried deploy) is not an error


FAULTS = faults("POST")


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_lost_create_never_makes_a_duplicate(
    fake: FakeSentry, production: Plan, fault: str
) -> None:
    sleep = RecordingSleep()
    FAULTS[fault](fake, DETECTORS)
    FAULTS[fault](fake, WORKFLOWS)
    monitor = configured(MonitorProvider(), fake, sleep)
    props = inputs(production, "Monitor", "high-error-rate/spms-backend")
    created = monitor.create(props)
    named = [d for d in fake.org.detectors.values() if d.name == "High error rate [production]"]
    assert [d.id for d in named] == [created.id]
    alert_props = {**inputs(production, "Alert", "high-error-rate/spms-backend"),
                   "detectors": [created.id]}
    made = configured(AlertProvider(), fake, sleep).create(alert_props)
    assert fake.org.detector_ids_of(made.id) == [created.id]
    workflows = [w for w in fake.org.workflows.values()
                 if w.name == "High error rate [production]"]
    assert [w.id for w in workflows] == [made.id]


def test_a_channel_that_sentry_does_not_know_is_by_name(fake: FakeSentry, production: Plan) -> None:
    props = inputs(production, "Alert", "new-error-types/spms-backend")
    fake.org.integrations.clear()
    with pytest.raises(ResolveError, match="no msteams integration named 'DBCA'"):
        configured(AlertProvider(), fake).create(props)
    assert fake.org.workflows == {}


PUT_FAULTS = faults("PUT")


@pytest.mark.parametrize("fault", list(PUT_FAULTS))
def test_an_update_survives_faults(fake: FakeSentry, production: Plan, fault: str) -> None:
    sleep = RecordingSleep()
    monitor_id, alert_id, props = create_rule(fake, production, "high-error-rate/spms-backend")
    news = copy.deepcopy(props)
    news["workflow"]["config"]["frequency"] = 120
    PUT_FAULTS[fault](fake, f"{WORKFLOWS}{alert_id}/")
    configured(AlertProvider(), fake, sleep).update(alert_id, props, news)
    assert fake.org.workflows[alert_id].config == {"frequency": 120}
    assert fake.org.detector_ids_of(alert_id) == [str(monitor_id)]
    assert len(fake.org.workflows) == 1
    assert sleep.calls  # it waited before trying again


def test_a_lost_create_never_adopts_the_same_named_alert_of_another_project(
    fake: FakeSentry, production: Plan
) -> None:
    """Alert names repeat across projects ("High error rate [production]" in each): a lost
    create looks for the alert connected to its own monitors, not for the name."""
    sleep = RecordingSleep()
    _, frontend_alert, _ = create_rule(fake, production, "high-error-rate/spms-frontend")
    monitor = configured(MonitorProvider(), fake, sleep)
    backend_monitor = monitor.create(inputs(production, "Monitor",
                                            "high-error-rate/spms-backend")).id
    fake.drop("POST", WORKFLOWS)  # the backend alert's create gets no answer (not applied)
    props = {**inputs(production, "Alert", "high-error-rate/spms-backend"),
             "detectors": [backend_monitor]}
    made = configured(AlertProvider(), fake, sleep).create(props)
    assert made.id != frontend_alert
    assert fake.org.detector_ids_of(made.id) == [backend_monitor]
    assert fake.org.detector_ids_of(frontend_alert) != [backend_monitor]
    same_name = [w.id for w in fake.org.workflows.values()
                 if w.name == "High error rate [production]"]
    assert sorted(same_name) == sorted([frontend_alert, made.id])


def test_a_lost_create_never_adopts_the_same_named_monitor_of_another_project(
    fake: FakeSentry, production: Plan
) -> None:
    sleep = RecordingSleep()
    monitor = configured(MonitorProvider(), fake, sleep)
    frontend = monitor.create(inputs(production, "Monitor", "high-error-rate/spms-frontend")).id
    fake.drop("POST", DETECTORS)
    backend = monitor.create(inputs(production, "Monitor", "high-error-rate/spms-backend")).id
    assert backend != frontend
    projects = {fake.org.detectors[i].project_id for i in (frontend, backend)}
    assert projects == {fake.org.projects["spms-frontend"].id,
                        fake.org.projects["spms-backend"].id}


def test_a_ticket_alert_is_refused_before_sending_when_the_plan_lacks_tickets(
    fake: FakeSentry, production: Plan
) -> None:
    fake.org.features.discard("integrations-ticket-rules")
    props = inputs(production, "Alert", "new-error-types/spms-backend")
    with pytest.raises(ResolveError, match="'integrations-ticket-rules'") as raised:
        configured(AlertProvider(), fake).create(props)
    assert "New error types [production]" in str(raised.value)
    assert fake.requests("POST", WORKFLOWS) == []
    # Without a ticket channel the same organisation takes the alert.
    assert configured(AlertProvider(), fake).create(
        inputs(production, "Alert", "high-error-rate/spms-backend") | {"detectors": []}).id


@pytest.mark.parametrize("name", ["high-error-rate/spms-backend", "new-error-types/spms-frontend"])
def test_adopting_an_alert_sentry_already_holds_writes_only_what_differs(
    fake: FakeSentry, production: Plan, name: str
) -> None:
    """`sentry-iac import` names the alert to take over (``adopt``): a PUT only where Sentry's
    differs from the payload, so adopting an exact one writes nothing."""
    monitor_id, alert_id, _ = create_rule(fake, production, name)
    props = {**inputs(production, "Alert", name), ADOPT: alert_id,
             "detectors": [monitor_id] if monitor_id else []}
    fake.clear_exchanges()
    assert configured(AlertProvider(), fake).create(props).id == alert_id
    assert [e.method for e in fake.exchanges if e.method != "GET"] == []
    fake.org.workflows[alert_id].enabled = False  # edited in Sentry's UI
    fake.clear_exchanges()
    configured(AlertProvider(), fake).create(props)
    assert [e.method for e in fake.exchanges if e.method != "GET"] == ["PUT"]
    assert fake.org.workflows[alert_id].enabled is True
    # Connected to other monitors is a difference too: the take-over reconnects it.
    other = fake.org.default_detector("spms-frontend", "error").id
    fake.org.links = {(d, w) for d, w in fake.org.links if w != alert_id} | {(other, alert_id)}
    fake.clear_exchanges()
    configured(AlertProvider(), fake).create(props)
    assert [e.method for e in fake.exchanges if e.method != "GET"] == ["PUT"]
    assert fake.org.detector_ids_of(alert_id) != [other]
