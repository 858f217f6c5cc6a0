"""``?project=`` as Sentry reads it, before and since 2026's change, and the providers' lookups
in both: Sentry before getsentry/sentry#117446 (and self-hosted releases of that time) answers
400 to a slug; numeric ids work on every version."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sentry_iac.offline.engine import Plan
from sentry_iac.providers import SentryClient, SentryPermissionError, SentryValidationError
from sentry_iac.providers.alerting import AlertProvider, MonitorProvider
from sentry_iac.providers.crons import CronAlertProvider, CronMonitorProvider
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN, RecordingSleep
from tests.fake_sentry.listing import NOT_NUMBERS
from tests.providers.scaffold import configured, example_fake, inputs

DETECTORS = "organizations/dbca/detectors/"
VERSIONS = {"since 2026": True, "before 2026": False}


@pytest.fixture(params=list(VERSIONS))
def fake(request: pytest.FixtureRequest) -> Iterator[FakeSentry]:
    with example_fake() as server:
        server.org.project_slugs_in_queries = VERSIONS[request.param]
        yield server


def test_the_fake_reads_project_as_the_sentry_version_does(fake: FakeSentry) -> None:
    client = SentryClient(FAKE_TOKEN, fake.url)
    backend = fake.org.projects["spms-backend"]
    by_id = list(client.paginate(DETECTORS, {"project": backend.id}))
    assert by_id and {d["projectId"] for d in by_id} == {backend.id}
    assert len(list(client.paginate(DETECTORS, {"project": "-1"}))) > len(by_id)
    if fake.org.project_slugs_in_queries:
        assert list(client.paginate(DETECTORS, {"project": "spms-backend"})) == by_id
        with pytest.raises(SentryPermissionError):
            list(client.paginate(DETECTORS, {"project": "no-such-project"}))
    else:
        with pytest.raises(SentryValidationError) as raised:
            list(client.paginate(DETECTORS, {"project": "spms-backend"}))
        assert raised.value.detail == NOT_NUMBERS
    with pytest.raises(SentryPermissionError):
        list(client.paginate(DETECTORS, {"project": "999999"}))


def test_an_issue_rule_finds_its_projects_issue_stream(fake: FakeSentry, production: Plan) -> None:
    props = inputs(production, "Alert", "new-error-types/spms-backend")
    made = configured(AlertProvider(), fake).create(props)
    stream = fake.org.default_detector("spms-backend", "issue_stream")
    assert fake.org.detector_ids_of(made.id) == [stream.id]
    assert all(e.query.get("project", ["0"])[0].isdigit() for e in fake.exchanges
               if e.path.endswith("/detectors/"))


def test_a_cron_alert_finds_its_monitors_detector(fake: FakeSentry, production: Plan) -> None:
    name = "spms-backend/nightly-import"
    configured(CronMonitorProvider(), fake).create(inputs(production, "CronMonitor", name))
    made = configured(CronAlertProvider(), fake).create(inputs(production, "CronAlert", name))
    (detector,) = fake.org.detector_ids_of(made.id)
    assert fake.org.detectors[detector].type == "monitor_check_in_failure"


def test_a_lost_monitor_create_is_found_by_project_id(fake: FakeSentry, production: Plan) -> None:
    # Applied, but answered after the client gave up: the create must find what it made.
    fake.slow("POST", "/api/0/organizations/dbca/projects/*/detectors/", seconds=1.0)
    monitor = configured(MonitorProvider(), fake, RecordingSleep())
    props = inputs(production, "Monitor", "high-error-rate/spms-backend")
    created = monitor.create(props)
    made = [d for d in fake.org.detectors.values() if d.type == "metric_issue"]
    assert [d.id for d in made] == [created.id]
    assert made[0].project_id == fake.org.projects["spms-backend"].id
