"""Rate limits under load and skewed clocks: waits measured on Sentry's clock, spread, patient."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from email.utils import formatdate

import pytest

from sentry_iac.providers import (
    SentryApiError,
    SentryClient,
    SentryRateLimitError,
    SentryTimeoutError,
)
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN, RecordingSleep

NOW = 1_700_000_000.0
ORG = "/api/0/organizations/dbca/"
DASHBOARDS = "/api/0/organizations/dbca/dashboards/"


@pytest.fixture
def pinned(fake_sentry: FakeSentry) -> FakeSentry:
    """The fake's clock (its Date header) pinned to NOW."""
    fake_sentry.clock = lambda: NOW
    return fake_sentry


def skewed_client(
    fake: FakeSentry, sleep: RecordingSleep, *, skew: float, **options: float
) -> SentryClient:
    return SentryClient(
        FAKE_TOKEN,
        base_url=fake.url,
        sleep=sleep,
        clock=lambda: NOW + skew,
        jitter=lambda: 0.5,
        **options,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("skew", [1.5, -1.5, 3600.0])
def test_wait_is_measured_on_the_servers_clock(
    pinned: FakeSentry, recorded_sleep: RecordingSleep, skew: float
) -> None:
    # Reset is the server's epoch seconds; the Date header says what time the server has.
    pinned.rate_limit("GET", ORG, reset_at=NOW + 2)

    with skewed_client(pinned, recorded_sleep, skew=skew) as sentry:
        sentry.get(ORG)

    assert recorded_sleep.calls == [2.0 + 0.5 * 1.0]


def test_retry_after_seconds_wins_over_the_reset(
    pinned: FakeSentry, recorded_sleep: RecordingSleep
) -> None:
    # A proxy in front of Sentry answered 429 with its own Retry-After.
    pinned.rate_limit("GET", ORG, reset_at=NOW + 30, headers={"Retry-After": "3"})

    with skewed_client(pinned, recorded_sleep, skew=0.0) as sentry:
        sentry.get(ORG)

    assert recorded_sleep.calls == [3.0 + 0.5 * 1.0]


def test_retry_after_http_date_is_measured_from_the_date_header(
    pinned: FakeSentry, recorded_sleep: RecordingSleep
) -> None:
    retry_at = formatdate(NOW + 4, usegmt=True)
    pinned.fail("GET", ORG, status=429, body={"detail": "slow"}, headers={"Retry-After": retry_at})

    with skewed_client(pinned, recorded_sleep, skew=-100.0) as sentry:
        sentry.get(ORG)

    assert recorded_sleep.calls == [4.0 + 0.5 * 1.0]


def test_rate_limit_waits_are_spread_by_jitter(
    pinned: FakeSentry, recorded_sleep: RecordingSleep
) -> None:
    pinned.rate_limit("GET", ORG, reset_at=NOW + 1, times=3)
    draws = iter([0.0, 0.5, 1.0])

    with SentryClient(
        FAKE_TOKEN, pinned.url, sleep=recorded_sleep, clock=lambda: NOW, jitter=lambda: next(draws)
    ) as sentry:
        sentry.get(ORG)

    assert recorded_sleep.calls == [1.0, 1.5, 2.0]


def test_keeps_waiting_well_past_five_waits(
    pinned: FakeSentry, recorded_sleep: RecordingSleep
) -> None:
    pinned.rate_limit("GET", ORG, reset_at=NOW + 1, times=30)

    with skewed_client(pinned, recorded_sleep, skew=0.0) as sentry:
        assert sentry.get(ORG)["slug"] == "dbca"

    assert len(recorded_sleep.calls) == 30


def test_gives_up_after_fifty_waits(pinned: FakeSentry, recorded_sleep: RecordingSleep) -> None:
    pinned.rate_limit("GET", ORG, reset_at=NOW + 1, times=100)

    with (
        skewed_client(pinned, recorded_sleep, skew=0.0) as sentry,
        pytest.raises(SentryRateLimitError, match="still limited after 50 waits"),
    ):
        sentry.get(ORG)

    assert len(pinned.requests("GET", ORG)) == 51


def test_a_wait_past_the_deadline_is_not_started(
    pinned: FakeSentry, recorded_sleep: RecordingSleep
) -> None:
    pinned.rate_limit("POST", DASHBOARDS, reset_at=NOW + 30)

    with (
        skewed_client(pinned, recorded_sleep, skew=0.0, operation_timeout=5.0) as sentry,
        pytest.raises(SentryTimeoutError) as caught,
    ):
        sentry.post(DASHBOARDS, {"title": "Errors", "widgets": []})

    # A 429'd request was not processed, so nothing may have been applied.
    assert str(caught.value) == (
        "Sentry did not finish answering within 5 s (rate limited 1 time, limit 40 requests "
        "per window; waiting 33.8 s more would pass the deadline) "
        "(POST /api/0/organizations/dbca/dashboards/)"
    )
    assert caught.value.seconds == 5.0
    assert recorded_sleep.calls == []
    assert pinned.applied("POST", DASHBOARDS) == []


# -- under load ---------------------------------------------------------------------------------


@pytest.fixture
def limited_fake(fake_sentry: FakeSentry) -> Iterator[FakeSentry]:
    # 50 requests per 1-second window, Sentry's windowed limiter (see tests/fake_sentry/windowed.py)
    fake_sentry.limit_rate("POST", DASHBOARDS, limit=50, window=1)
    yield fake_sentry


def test_sixteen_callers_with_a_clock_ahead_all_get_through(limited_fake: FakeSentry) -> None:
    """16 provider-host threads create 192 dashboards through one rate-limited endpoint while
    the client's clock runs 1.5 s ahead of Sentry's. Before the waits were measured on the
    server's clock (and jittered, and patient), 59 and 92 of the 192 failed in two runs."""
    skew = 1.5
    threads, per_thread = 16, 12
    failures: list[str] = []
    created: list[str] = []
    lock = threading.Lock()

    with SentryClient(
        FAKE_TOKEN, limited_fake.url, clock=lambda: time.time() + skew
    ) as sentry:

        def caller(worker: int) -> None:
            for n in range(per_thread):
                title = f"Dashboard {worker}-{n}"
                try:
                    answer = sentry.post(DASHBOARDS, {"title": title, "widgets": []})
                except SentryApiError as exc:
                    with lock:
                        failures.append(f"{title}: {exc}")
                else:
                    with lock:
                        created.append(answer["title"])

        started = time.monotonic()
        workers = [threading.Thread(target=caller, args=(w,)) for w in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        elapsed = time.monotonic() - started

    assert failures == [], f"{len(failures)} of {threads * per_thread} failed: {failures[:3]}"
    assert len(created) == len(set(created)) == threads * per_thread
    statuses = [e.status for e in limited_fake.requests("POST", DASHBOARDS)]
    assert statuses.count(201) == threads * per_thread
    assert statuses.count(429) > 0  # the limit was really hit
    assert elapsed < 15, f"took {elapsed:.1f} s"
