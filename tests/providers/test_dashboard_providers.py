"""The Dashboard provider against the fake Sentry, driven with the dashboards the example
config's offline plans declare: create, read, update, delete, diff, drift, and faults that must
neither duplicate nor lose a dashboard."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

from sentry_iac.offline.engine import Plan
from sentry_iac.providers import SentryClient, SentryValidationError
from sentry_iac.providers.alerting import APPLIED, LIVE
from sentry_iac.providers.dashboards import DashboardProvider
from sentry_iac.providers.resolve import ResolveError
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN, RecordingSleep
from tests.providers.scaffold import configured, faults, inputs

DASHBOARDS = "/api/0/organizations/dbca/dashboards/"
BACKEND = "weekly-report/spms-backend"


def create(fake: FakeSentry, plan: Plan, name: str = BACKEND) -> tuple[str, dict[str, Any]]:
    props = inputs(plan, "Dashboard", name)
    made = configured(DashboardProvider(), fake).create(props)
    return made.id, {**props, **made.outs}


def test_one_dashboard_per_project_filtered_to_the_environment(
    fake: FakeSentry, production: Plan, staging: Plan
) -> None:
    backend_id, _ = create(fake, production)
    frontend_id, _ = create(fake, staging, "weekly-report/spms-frontend")
    backend = fake.org.dashboards[backend_id]
    assert backend.title == "Weekly report: SPMS Backend [production]"
    assert backend.projects == [int(fake.org.projects["spms-backend"].id)]
    assert backend.filters == {"environment": ["production"], "period": "7d"}
    kinds = [(w["widget_type"], w["display_type"]) for w in backend.widgets]
    assert kinds[:3] == [("error-events", "big_number")] * 2 + [("spans", "big_number")]
    issues = [w for w in backend.widgets if w["widget_type"] == "issue"]
    assert [w["queries"][0]["orderby"] for w in issues] == ["freq", "user", "new", "date"]
    frontend = fake.org.dashboards[frontend_id]
    assert frontend.title == "Weekly report: SPMS Frontend [test]"  # staging is "test" there
    assert frontend.filters["environment"] == ["test"]


def test_reads_back_without_drift_and_repairs_changes_made_in_sentry(
    fake: FakeSentry, production: Plan
) -> None:
    dashboard_id, props = create(fake, production)
    provider = configured(DashboardProvider(), fake)
    read = provider.read(dashboard_id, props).outs
    assert read[LIVE] == read[APPLIED]
    assert provider.diff(dashboard_id, read, props).changes is False
    SentryClient(FAKE_TOKEN, fake.url).put(f"{DASHBOARDS}{dashboard_id}/",
                                           {"widgets": []})  # someone cleared it in the UI
    drifted = provider.read(dashboard_id, props).outs
    assert drifted[LIVE]["widgets"] == []
    assert provider.diff(dashboard_id, drifted, props).changes is True
    provider.update(dashboard_id, drifted, inputs(production, "Dashboard", BACKEND))
    assert len(fake.org.dashboards[dashboard_id].widgets) == 12


def test_diff_is_local(fake: FakeSentry, production: Plan) -> None:
    dashboard_id, olds = create(fake, production)
    props = inputs(production, "Dashboard", BACKEND)
    provider = configured(DashboardProvider(), fake)
    fake.clear_exchanges()
    assert provider.diff(dashboard_id, olds, props).changes is False
    fewer = {**props, "widgets": props["widgets"][:-1]}
    assert provider.diff(dashboard_id, olds, fewer).changes is True
    assert provider.diff(dashboard_id, olds, {**props, "project": "spms-frontend"}).replaces == [
        "project"]
    assert fake.exchanges == []


def test_update_replaces_the_widgets_in_one_request(fake: FakeSentry, production: Plan) -> None:
    dashboard_id, olds = create(fake, production)
    news = copy.deepcopy(inputs(production, "Dashboard", BACKEND))
    news["widgets"][0]["title"] = "Errors in the last 7 days"
    news["dashboard"]["period"] = "14d"
    fake.clear_exchanges()
    result = configured(DashboardProvider(), fake).update(dashboard_id, olds, news)
    (put,) = fake.applied("PUT", f"{DASHBOARDS}{dashboard_id}/")
    assert len(put.body["widgets"]) == 12 and "id" not in put.body["widgets"][0]
    dashboard = fake.org.dashboards[dashboard_id]
    assert dashboard.widgets[0]["title"] == "Errors in the last 7 days"
    assert dashboard.filters["period"] == "14d" and len(dashboard.widgets) == 12
    assert result.outs[APPLIED]["period"] == "14d"


def test_delete_removes_and_tolerates_an_already_deleted_dashboard(
    fake: FakeSentry, production: Plan
) -> None:
    dashboard_id, props = create(fake, production)
    provider = configured(DashboardProvider(), fake)
    provider.delete(dashboard_id, props)
    assert fake.org.dashboards == {}
    provider.delete(dashboard_id, props)


def test_a_title_taken_by_a_hand_made_dashboard_is_refused(
    fake: FakeSentry, production: Plan
) -> None:
    SentryClient(FAKE_TOKEN, fake.url).post(DASHBOARDS, {
        "title": "Weekly report: SPMS Backend [production]"})
    with pytest.raises(ResolveError, match=r"title 'Weekly report: SPMS Backend \[production\]' "
                                           r"is taken by dashboard \d+, which shows other "
                                           r"projects \(all\); rename one of them"):
        configured(DashboardProvider(), fake).create(inputs(production, "Dashboard", BACKEND))
    assert len(fake.org.dashboards) == 1  # the hand-made one, untouched
    assert [e.method for e in fake.exchanges].count("POST") == 1  # only the hand-made one


def test_check_refuses_more_widgets_than_sentry_allows(production: Plan) -> None:
    props = inputs(production, "Dashboard", BACKEND)
    props["widgets"] = props["widgets"] * 3
    failures = DashboardProvider().check({}, props).failures
    assert [f.reason for f in failures] == ["Sentry allows at most 30 widgets on a dashboard"]


def test_a_rejected_widget_names_the_yaml_key(fake: FakeSentry, production: Plan) -> None:
    props = inputs(production, "Dashboard", BACKEND)
    props["widgets"][3]["interval"] = "hourly"
    with pytest.raises(SentryValidationError) as raised:
        configured(DashboardProvider(), fake).create(props)
    assert re.search(r"org\.yaml:\d+:9: dashboards\[0\]\.widgets\[3\] \(widgets\.3\.interval\): "
                     r"Invalid interval", str(raised.value))


FAULTS = faults("POST")


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_lost_create_never_makes_a_duplicate(
    fake: FakeSentry, production: Plan, fault: str
) -> None:
    FAULTS[fault](fake, DASHBOARDS)
    made = configured(DashboardProvider(), fake, RecordingSleep()).create(
        inputs(production, "Dashboard", BACKEND))
    assert list(fake.org.dashboards) == [made.id]


PUT_FAULTS = faults("PUT")


@pytest.mark.parametrize("fault", list(PUT_FAULTS))
def test_an_update_survives_faults(fake: FakeSentry, production: Plan, fault: str) -> None:
    sleep = RecordingSleep()
    dashboard_id, olds = create(fake, production)
    news = copy.deepcopy(inputs(production, "Dashboard", BACKEND))
    news["dashboard"]["period"] = "30d"
    PUT_FAULTS[fault](fake, f"{DASHBOARDS}{dashboard_id}/")
    configured(DashboardProvider(), fake, sleep).update(dashboard_id, olds, news)
    dashboard = fake.org.dashboards[dashboard_id]
    assert dashboard.filters["period"] == "30d" and len(dashboard.widgets) == 12
    assert list(fake.org.dashboards) == [dashboard_id]
    assert sleep.calls
