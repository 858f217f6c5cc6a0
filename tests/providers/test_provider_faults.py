"""Faults as a provider meets them through the client: an answer of the wrong shape is a
worded error (never a KeyError deep in a provider), and one engine call has one deadline
however Sentry trickles its answers or pages."""

from __future__ import annotations

import time

import pytest

from sentry_iac.offline.engine import Plan
from sentry_iac.providers import SentryClient, SentryTimeoutError, SentryUnexpectedResponseError
from sentry_iac.providers.alerting import MonitorProvider
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import RecordingSleep
from tests.providers.scaffold import configured, inputs

DETECTORS = "/api/0/organizations/dbca/projects/*/detectors/"
LIST = "/api/0/organizations/dbca/detectors/"
RULE = "high-error-rate/spms-backend"


def test_a_201_without_an_id_is_worded_and_nothing_is_sent_again(
    fake: FakeSentry, production: Plan
) -> None:
    fake.fail("POST", DETECTORS, status=201, body={"name": "High error rate [production]"})
    monitor = configured(MonitorProvider(), fake)
    with pytest.raises(SentryUnexpectedResponseError) as raised:
        monitor.create(inputs(production, "Monitor", RULE))
    message = str(raised.value)
    assert "answered 201 without an id" in message
    assert "check Sentry before running again" in message
    assert [e.method for e in fake.exchanges].count("POST") == 1


def test_a_list_where_an_object_belongs_is_worded(fake: FakeSentry, production: Plan) -> None:
    monitor = configured(MonitorProvider(), fake)
    props = inputs(production, "Monitor", RULE)
    made = monitor.create(props)
    state = {**props, **(made.outs or {})}
    monitor.read(made.id, state)  # from the organisation's listing of monitors
    fake.fail("GET", f"/api/0/organizations/dbca/detectors/{made.id}/", status=200, body=[])
    with pytest.raises(SentryUnexpectedResponseError, match="where an object was expected"):
        monitor.read(made.id, state)  # a second read asks for the object alone


def test_one_engine_call_has_one_deadline_however_sentry_pages(
    fake: FakeSentry, production: Plan
) -> None:
    """A create first looks for what an interrupted deploy made: a detector list that never
    ends stops at the operation's deadline, not after thousands of pages."""
    fake.endless_pages(LIST, delay=0.01)
    monitor = configured(MonitorProvider(), fake)
    monitor.client_factory = lambda token, url: SentryClient(
        token, url, timeout=0.5, max_retries=0, operation_timeout=0.6, sleep=RecordingSleep())
    start = time.monotonic()
    with pytest.raises(SentryTimeoutError, match=r"within 0\.6 s"):
        monitor.create(inputs(production, "Monitor", RULE))
    assert time.monotonic() - start < 3
    assert [e.method for e in fake.exchanges].count("POST") == 0


def test_the_deadline_covers_every_request_of_the_call_together(
    fake: FakeSentry, production: Plan
) -> None:
    """Two answers of 0.4 s each are each within 0.6 s, but not together."""
    fake.slow("GET", "/api/0/organizations/dbca/projects/", seconds=0.4)  # the project's id
    fake.slow("GET", LIST, seconds=0.4)  # what an interrupted deploy made
    monitor = configured(MonitorProvider(), fake)
    monitor.client_factory = lambda token, url: SentryClient(
        token, url, timeout=2.0, max_retries=0, operation_timeout=0.6, sleep=RecordingSleep())
    with pytest.raises(SentryTimeoutError):
        monitor.create(inputs(production, "Monitor", RULE))
    assert [e.method for e in fake.exchanges].count("POST") == 0
