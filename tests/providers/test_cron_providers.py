"""The CronMonitor and CronAlert providers against the fake Sentry, driven with the resources the
example config's offline plans declare: create, read, update, delete, diff, drift, deploy-time
lookups, and faults that must neither duplicate nor lose a monitor or its alert."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from sentry_iac.offline.engine import Plan
from sentry_iac.providers import SentryClient, SentryValidationError
from sentry_iac.providers.alerting import APPLIED, LIVE
from sentry_iac.providers.crons import CronAlertProvider, CronMonitorProvider
from sentry_iac.providers.resolve import ResolveError
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN, RecordingSleep
from tests.providers.scaffold import configured, faults, inputs

MONITORS = "/api/0/organizations/dbca/monitors/"
WORKFLOWS = "/api/0/organizations/dbca/workflows/"
IMPORT = "spms-backend/nightly-import"


def create_monitor(fake: FakeSentry, plan: Plan, name: str = IMPORT) -> tuple[str, dict[str, Any]]:
    props = inputs(plan, "CronMonitor", name)
    made = configured(CronMonitorProvider(), fake).create(props)
    return made.id, {**props, **made.outs}


def test_the_monitor_is_created_with_sentrys_values(fake: FakeSentry, production: Plan) -> None:
    monitor_id, _ = create_monitor(fake, production)
    monitor = fake.org.monitors["nightly-import"]
    assert monitor.id == monitor_id and monitor.name == "Nightly data import"
    assert monitor.config == {"schedule_type": "crontab", "schedule": "0 2 * * *",
                              "checkin_margin": 15, "max_runtime": 120,
                              "timezone": "Australia/Perth", "failure_issue_threshold": 1,
                              "recovery_threshold": 1}
    assert monitor.owner == f"team:{fake.org.teams['science-projects'].id}"  # slug -> id
    detector = fake.org.detectors[str(monitor.detector_id)]
    assert detector.type == "monitor_check_in_failure"


def test_reads_back_without_drift_and_sees_changes_made_in_sentry(
    fake: FakeSentry, production: Plan
) -> None:
    monitor_id, props = create_monitor(fake, production)
    provider = configured(CronMonitorProvider(), fake)
    read = provider.read(monitor_id, props).outs
    assert read[LIVE] == read[APPLIED]
    assert provider.diff(monitor_id, read, props).changes is False
    SentryClient(FAKE_TOKEN, fake.url).put(f"{MONITORS}nightly-import/",
                                           {"config": {"max_runtime": 5}})
    drifted = provider.read(monitor_id, props).outs
    assert drifted[LIVE]["config"]["max_runtime"] == 5
    assert provider.diff(monitor_id, drifted, props).changes is True
    provider.update(monitor_id, drifted, props)  # the next deploy puts the YAML back
    assert fake.org.monitors["nightly-import"].config["max_runtime"] == 120


def test_diff_is_local_and_ignores_moved_yaml_lines(fake: FakeSentry, production: Plan) -> None:
    monitor_id, olds = create_monitor(fake, production)
    props = inputs(production, "CronMonitor", IMPORT)
    provider = configured(CronMonitorProvider(), fake)
    fake.clear_exchanges()
    assert provider.diff(monitor_id, olds, props).changes is False
    moved = {**props, "sources": {k: v.replace("org.yaml:", "org.yaml:9") for k, v in
                                  props["sources"].items()}}
    assert provider.diff(monitor_id, olds, moved).changes is False  # bookkeeping only
    later = copy.deepcopy(props)
    later["monitor"]["config"]["schedule"] = "0 3 * * *"
    assert provider.diff(monitor_id, olds, later).changes is True
    assert provider.diff(monitor_id, olds, {**props, "organization": "other"}).replaces == [
        "organization"]
    assert fake.exchanges == []  # previews make no API call


def test_update_sends_the_whole_monitor_once(fake: FakeSentry, production: Plan) -> None:
    monitor_id, olds = create_monitor(fake, production)
    news = copy.deepcopy(inputs(production, "CronMonitor", IMPORT))
    news["monitor"]["config"]["schedule"] = "15 2 * * *"
    fake.clear_exchanges()
    result = configured(CronMonitorProvider(), fake).update(monitor_id, olds, news)
    (put,) = fake.applied("PUT", f"{MONITORS}nightly-import/")
    assert put.body["config"]["schedule"] == "15 2 * * *" and put.body["name"]
    assert result.outs[APPLIED]["config"]["schedule"] == "15 2 * * *"


def test_delete_removes_the_monitor_and_its_detector(fake: FakeSentry, production: Plan) -> None:
    monitor_id, props = create_monitor(fake, production)
    detector_id = fake.org.monitors["nightly-import"].detector_id
    provider = configured(CronMonitorProvider(), fake)
    provider.delete(monitor_id, props)
    assert "nightly-import" not in fake.org.monitors
    assert detector_id not in fake.org.detectors
    provider.delete(monitor_id, props)  # a retried deploy finds it gone: not an error


def test_check_names_the_yaml_key_of_an_out_of_range_value(production: Plan) -> None:
    props = inputs(production, "CronMonitor", IMPORT)
    props["monitor"]["config"]["checkin_margin"] = 50000
    (failure,) = CronMonitorProvider().check({}, props).failures
    assert re.fullmatch(r"org\.yaml:\d+:9: projects\[0\]\.crons\[0\]\.checkin_margin: "
                        r"checkin_margin must be a whole number from 1 to 40320, not 50000",
                        failure.reason)


def test_a_rejected_monitor_names_the_yaml_key(fake: FakeSentry, production: Plan) -> None:
    props = inputs(production, "CronMonitor", IMPORT)
    props["monitor"]["config"]["schedule"] = "0 2 * * * 2030"  # past check(), as if edited
    with pytest.raises(SentryValidationError) as raised:
        configured(CronMonitorProvider(), fake).create(props)
    assert re.search(r"org\.yaml:\d+:9: projects\[0\]\.crons\[0\]\.schedule "
                     r"\(config\.schedule\): Only 5 field crontab syntax is supported",
                     str(raised.value))
    assert fake.org.monitors == {}


def test_an_unknown_owner_team_is_named(fake: FakeSentry, production: Plan) -> None:
    fake.org.teams.clear()
    with pytest.raises(ResolveError, match="team 'science-projects' does not exist"):
        configured(CronMonitorProvider(), fake).create(inputs(production, "CronMonitor", IMPORT))


def test_the_alert_is_connected_to_the_crons_detector(fake: FakeSentry, production: Plan) -> None:
    create_monitor(fake, production)
    props = inputs(production, "CronAlert", IMPORT)
    made = configured(CronAlertProvider(), fake).create(props)
    monitor = fake.org.monitors["nightly-import"]
    assert fake.org.detector_ids_of(made.id) == [monitor.detector_id]
    workflow = fake.org.workflows[made.id]
    assert workflow.name == "Nightly data import [production]"
    assert workflow.environment == "production"
    actions = [a["type"] for f in workflow.action_filters for a in f["actions"]]
    assert sorted(actions) == ["github", "msteams"]  # priority high in production
    read = configured(CronAlertProvider(), fake).read(made.id, {**props, **made.outs}).outs
    assert read[LIVE] == read[APPLIED]


def test_a_non_owner_stack_finds_the_owner_stacks_monitor(
    fake: FakeSentry, production: Plan, staging: Plan
) -> None:
    create_monitor(fake, production)
    made = configured(CronAlertProvider(), fake).create(inputs(staging, "CronAlert", IMPORT))
    workflow = fake.org.workflows[made.id]
    assert workflow.environment == "staging"
    assert [a["type"] for f in workflow.action_filters for a in f["actions"]] == ["email"]
    assert fake.org.detector_ids_of(made.id) == [fake.org.monitors["nightly-import"].detector_id]


def test_an_alert_before_its_monitor_says_to_deploy_the_owner_stack(
    fake: FakeSentry, staging: Plan
) -> None:
    with pytest.raises(ResolveError, match="the owner stack creates it, so deploy that stack"):
        configured(CronAlertProvider(), fake).create(inputs(staging, "CronAlert", IMPORT))
    assert fake.org.workflows == {}


def test_the_alert_matches_a_detector_by_name_when_sentry_omits_the_monitor(
    fake: FakeSentry, production: Plan
) -> None:
    create_monitor(fake, production)
    detector = fake.org.detectors[str(fake.org.monitors["nightly-import"].detector_id)]
    detector.data_source = None  # an older Sentry: no cron data source in the answer
    made = configured(CronAlertProvider(), fake).create(inputs(production, "CronAlert", IMPORT))
    assert fake.org.detector_ids_of(made.id) == [detector.id]


FAULTS = faults("POST")


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_lost_create_never_makes_a_duplicate(
    fake: FakeSentry, production: Plan, fault: str
) -> None:
    sleep = RecordingSleep()
    FAULTS[fault](fake, MONITORS)
    FAULTS[fault](fake, WORKFLOWS)
    made = configured(CronMonitorProvider(), fake, sleep).create(
        inputs(production, "CronMonitor", IMPORT))
    assert [m.id for m in fake.org.monitors.values()] == [made.id]
    crons = [d for d in fake.org.detectors.values() if d.type == "monitor_check_in_failure"]
    assert len(crons) == 1
    alert = configured(CronAlertProvider(), fake, sleep).create(
        inputs(production, "CronAlert", IMPORT))
    named = [w.id for w in fake.org.workflows.values()
             if w.name == "Nightly data import [production]"]
    assert named == [alert.id]


PUT_FAULTS = faults("PUT")


@pytest.mark.parametrize("fault", list(PUT_FAULTS))
def test_an_update_survives_faults(fake: FakeSentry, production: Plan, fault: str) -> None:
    sleep = RecordingSleep()
    monitor_id, olds = create_monitor(fake, production)
    news = copy.deepcopy(inputs(production, "CronMonitor", IMPORT))
    news["monitor"]["config"]["recovery_threshold"] = 3
    PUT_FAULTS[fault](fake, f"{MONITORS}nightly-import/")
    configured(CronMonitorProvider(), fake, sleep).update(monitor_id, olds, news)
    assert fake.org.monitors["nightly-import"].config["recovery_threshold"] == 3
    assert len(fake.org.monitors) == 1
    assert sleep.calls  # it waited before trying again


@pytest.mark.parametrize("fault", ["500", "dropped"])
def test_a_delete_survives_faults(fake: FakeSentry, production: Plan, fault: str) -> None:
    monitor_id, props = create_monitor(fake, production)
    {"500": lambda: fake.fail("DELETE", f"{MONITORS}*"),
     "dropped": lambda: fake.drop("DELETE", f"{MONITORS}*")}[fault]()
    configured(CronMonitorProvider(), fake).delete(monitor_id, props)
    assert fake.org.monitors == {}
