"""One deadline per operation: trickled answers, endless pages, waits and retries all stop."""

from __future__ import annotations

import pickle
import re
import threading
import time

import pytest

from sentry_iac.providers import SentryClient, SentryConnectionError, SentryTimeoutError
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN, RecordingSleep

PROJECT = "/api/0/projects/dbca/spms-backend/"
PROJECTS = "/api/0/organizations/dbca/projects/"
DASHBOARDS = "/api/0/organizations/dbca/dashboards/"


def client_for(fake: FakeSentry, **options: float) -> SentryClient:
    # A read timeout (1 s) far above the trickle's gaps: only the deadline can stop it.
    return SentryClient(FAKE_TOKEN, fake.url, timeout=1.0, **options)  # type: ignore[arg-type]


@pytest.fixture
def project(fake_sentry: FakeSentry) -> FakeSentry:
    fake_sentry.org.add_project("spms-backend")
    return fake_sentry


def test_a_trickled_answer_stops_at_the_operations_deadline(project: FakeSentry) -> None:
    # About 2 KB sent 16 bytes every 50 ms: 6 s in all, each read well within the timeout.
    project.trickle("GET", PROJECT, delay=0.05, chunk=16)

    started = time.monotonic()
    with (
        client_for(project) as sentry,
        sentry.operation(seconds=0.5),
        pytest.raises(SentryTimeoutError) as caught,
    ):
        sentry.get(PROJECT)
    elapsed = time.monotonic() - started

    assert str(caught.value) == (
        "Sentry did not finish answering within 0.5 s (the answer was still arriving after "
        "1 attempt) (GET /api/0/projects/dbca/spms-backend/)"
    )
    assert isinstance(caught.value, SentryConnectionError)
    assert caught.value.seconds == 0.5
    assert 0.5 <= elapsed < 1.5
    assert len(project.requests("GET", PROJECT)) == 1  # the deadline is not retried


def test_outside_an_operation_each_call_has_operation_timeout(project: FakeSentry) -> None:
    project.trickle("GET", PROJECT, delay=0.05, chunk=16)

    started = time.monotonic()
    with (
        client_for(project, operation_timeout=0.4) as sentry,
        pytest.raises(SentryTimeoutError, match=r"within 0\.4 s"),
    ):
        sentry.get(PROJECT)

    assert time.monotonic() - started < 1.4


def test_a_trickled_post_says_it_may_have_been_applied(fake_sentry: FakeSentry) -> None:
    fake_sentry.trickle("POST", DASHBOARDS, delay=0.05, chunk=8)

    with (
        client_for(fake_sentry, operation_timeout=0.4) as sentry,
        pytest.raises(SentryTimeoutError) as caught,
    ):
        sentry.post(DASHBOARDS, {"title": "Errors", "widgets": []})

    assert str(caught.value) == (
        "Sentry did not finish answering within 0.4 s (the answer was still arriving after "
        "1 attempt); POST is not retried because it may have been applied, so check Sentry "
        "before running again (POST /api/0/organizations/dbca/dashboards/)"
    )
    assert len(fake_sentry.applied("POST", DASHBOARDS)) == 1  # it was, and is not sent again
    assert len(fake_sentry.requests("POST", DASHBOARDS)) == 1


def test_a_trickled_gzip_answer_within_the_deadline_is_decoded_once(project: FakeSentry) -> None:
    project.gzip = True
    project.trickle("GET", PROJECT, delay=0.01, chunk=64)

    with client_for(project, operation_timeout=5.0) as sentry:
        answer = sentry.get(PROJECT)

    assert answer["slug"] == "spms-backend"
    assert project.requests("GET", PROJECT)[0].headers["accept-encoding"].startswith("gzip")


def test_endless_pagination_stops_at_the_deadline(fake_sentry: FakeSentry) -> None:
    fake_sentry.endless_pages(PROJECTS, delay=0.01)
    seen: list[str] = []

    started = time.monotonic()
    with (
        client_for(fake_sentry) as sentry,
        sentry.operation(seconds=0.4),
        pytest.raises(SentryTimeoutError) as caught,
    ):
        seen.extend(item["id"] for item in sentry.paginate(PROJECTS))
    elapsed = time.monotonic() - started

    message = str(caught.value)
    found = re.match(r"Sentry did not finish answering within 0\.4 s \(page (\d+) of a ", message)
    assert found, message
    page = int(found.group(1))
    assert page > 3 and len(seen) == page - 1  # every page but the last one was read
    assert message.endswith("(GET /api/0/organizations/dbca/projects/)")
    assert elapsed < 1.4


def test_endless_pagination_outside_an_operation_stops_too(fake_sentry: FakeSentry) -> None:
    fake_sentry.endless_pages(PROJECTS, delay=0.01)

    with (
        client_for(fake_sentry, operation_timeout=0.3) as sentry,
        pytest.raises(SentryTimeoutError, match=r"within 0\.3 s \(page \d+ of a paginated list: "),
    ):
        for _ in sentry.paginate(PROJECTS):
            pass


def test_paginate_outside_an_operation_does_not_count_the_callers_time(
    fake_sentry: FakeSentry,
) -> None:
    fake_sentry.page_size = 2
    for n in range(6):
        fake_sentry.org.add_project(f"service-{n}")

    slugs: list[str] = []
    with client_for(fake_sentry, operation_timeout=0.3) as sentry:
        for item in sentry.paginate(PROJECTS):
            time.sleep(0.1)  # 0.6 s of the caller's own work in all
            slugs.append(item["slug"])

    assert slugs == [f"service-{n}" for n in range(6)]


def test_calls_inside_an_operation_share_its_deadline(project: FakeSentry) -> None:
    project.slow("GET", PROJECT, seconds=0.3, times=4)

    with client_for(project, operation_timeout=0.5) as sentry:
        # Outside an operation each call has 0.5 s of its own.
        assert sentry.get(PROJECT)["slug"] == "spms-backend"
        assert sentry.get(PROJECT)["slug"] == "spms-backend"
        with sentry.operation(), pytest.raises(SentryTimeoutError) as caught:
            sentry.get(PROJECT)
            sentry.get(PROJECT)

    assert str(caught.value) == (
        "Sentry did not finish answering within 0.5 s (no complete answer to attempt 1) "
        "(GET /api/0/projects/dbca/spms-backend/)"
    )


def test_an_inner_operation_keeps_the_sooner_outer_deadline(project: FakeSentry) -> None:
    project.trickle("GET", PROJECT, delay=0.05, chunk=16)

    started = time.monotonic()
    with (
        client_for(project) as sentry,
        sentry.operation(seconds=0.3),
        sentry.operation(seconds=30),
        pytest.raises(SentryTimeoutError, match=r"within 0\.3 s"),
    ):
        sentry.get(PROJECT)

    assert time.monotonic() - started < 1.3


def test_the_deadline_belongs_to_the_thread_that_set_it(project: FakeSentry) -> None:
    # The provider host shares one client between threads; one thread's operation must not
    # cut short another thread's call.
    project.trickle("GET", PROJECT, delay=0.02, chunk=128)
    entered, leave = threading.Event(), threading.Event()

    with client_for(project, operation_timeout=5.0) as sentry:

        def hold_a_short_operation() -> None:
            with sentry.operation(seconds=0.1):
                entered.set()
                leave.wait(5)

        other = threading.Thread(target=hold_a_short_operation)
        other.start()
        entered.wait(5)
        started = time.monotonic()
        try:
            answer = sentry.get(PROJECT)
        finally:
            leave.set()
            other.join()

    assert answer["slug"] == "spms-backend"
    assert time.monotonic() - started > 0.1  # it outlived the other thread's deadline


def test_a_backoff_that_would_pass_the_deadline_is_not_started(
    project: FakeSentry, recorded_sleep: RecordingSleep
) -> None:
    project.fail("GET", PROJECT, status=503, times=5)

    with (
        SentryClient(
            FAKE_TOKEN, project.url, backoff_base=4.0, sleep=recorded_sleep, jitter=lambda: 0.5
        ) as sentry,
        sentry.operation(seconds=2),
        pytest.raises(SentryTimeoutError) as caught,
    ):
        sentry.get(PROJECT)

    assert str(caught.value) == (
        "Sentry did not finish answering within 2 s (HTTP 503; waiting 3.0 s more would pass "
        "the deadline) (GET /api/0/projects/dbca/spms-backend/)"
    )
    assert recorded_sleep.calls == []
    assert len(project.requests("GET", PROJECT)) == 1


def test_operation_needs_a_positive_deadline(fake_sentry: FakeSentry) -> None:
    with client_for(fake_sentry) as sentry, pytest.raises(ValueError, match="more than 0"):  # noqa: SIM117
        with sentry.operation(seconds=0):
            pass
    with pytest.raises(ValueError, match="operation_timeout"):
        SentryClient(FAKE_TOKEN, operation_timeout=0)


def test_timeout_errors_survive_pickling() -> None:
    error = SentryTimeoutError(
        "Sentry did not finish answering within 1 s (x)", method="GET", path="/api/0/", seconds=1
    )

    copy = pickle.loads(pickle.dumps(error))

    assert (str(copy), copy.seconds, type(copy)) == (str(error), 1, SentryTimeoutError)
