"""Rate limits, retries and what is never retried."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator

import pytest

from sentry_iac.providers import (
    SentryClient,
    SentryConnectionError,
    SentryRateLimitError,
    SentryServerError,
)
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN, RecordingSleep

NOW = 1_700_000_000.0
ORG = "/api/0/organizations/dbca/"
PROJECT = "/api/0/projects/dbca/spms-backend/"
TEAMS = "/api/0/organizations/dbca/teams/"


@pytest.fixture
def frozen_client(
    fake_sentry: FakeSentry, recorded_sleep: RecordingSleep
) -> Iterator[SentryClient]:
    """A client and a fake whose clocks read NOW, so rate-limit waits are exact."""
    fake_sentry.org.add_project("spms-backend")
    fake_sentry.clock = lambda: NOW  # the Date header the waits are measured from
    with SentryClient(
        FAKE_TOKEN,
        base_url=fake_sentry.url,
        timeout=2.0,
        max_retries=2,
        max_rate_limit_wait=30.0,
        max_rate_limit_retries=3,
        sleep=recorded_sleep,
        clock=lambda: NOW,
        jitter=lambda: 0.5,
    ) as sentry:
        yield sentry


def test_429_waits_until_reset_then_applies_once(
    fake_sentry: FakeSentry, frozen_client: SentryClient, recorded_sleep: RecordingSleep
) -> None:
    fake_sentry.rate_limit("PUT", PROJECT, reset_at=NOW + 2)

    result = frozen_client.put(PROJECT, {"resolveAge": 72})

    assert result["resolveAge"] == 72
    # until the reset, plus jitter: 0.5 of max(rate_limit_jitter 1 s, a quarter of the wait)
    assert recorded_sleep.calls == [2.5]
    assert [e.status for e in fake_sentry.requests("PUT", PROJECT)] == [429, 200]
    assert len(fake_sentry.applied("PUT", PROJECT)) == 1


def test_429_wait_is_bounded(
    fake_sentry: FakeSentry, frozen_client: SentryClient, recorded_sleep: RecordingSleep
) -> None:
    fake_sentry.rate_limit("GET", ORG, reset_at=NOW + 3600)

    frozen_client.get(ORG)

    assert recorded_sleep.calls == [30.0 + 0.5 * 30.0 / 4]


def test_429_without_reset_header_backs_off_one_second(
    fake_sentry: FakeSentry, frozen_client: SentryClient, recorded_sleep: RecordingSleep
) -> None:
    fake_sentry.fail("GET", ORG, status=429, body={"detail": "slow down"})

    frozen_client.get(ORG)

    assert recorded_sleep.calls == [1.5]


def test_429_applies_to_post_too(
    fake_sentry: FakeSentry, frozen_client: SentryClient, recorded_sleep: RecordingSleep
) -> None:
    # Sentry did not process a 429'd request, so resending a POST is safe.
    fake_sentry.rate_limit("POST", TEAMS, reset_at=NOW + 1)
    fake_sentry.fail("POST", TEAMS, status=201, body={"slug": "backend"})

    assert frozen_client.post(TEAMS, {"slug": "backend"}) == {"slug": "backend"}
    assert recorded_sleep.calls == [1.5]


def test_429_after_every_wait_names_the_limit(
    fake_sentry: FakeSentry, frozen_client: SentryClient, recorded_sleep: RecordingSleep
) -> None:
    fake_sentry.rate_limit("GET", ORG, reset_at=NOW + 1, times=10, limit=40)

    with pytest.raises(SentryRateLimitError) as caught:
        frozen_client.get(ORG)

    assert str(caught.value) == (
        "rate limited by Sentry (limit 40 requests per window); still limited after 3 waits "
        "(GET /api/0/organizations/dbca/ answered 429: You are attempting to use this endpoint "
        "too frequently. Limit is 40 requests in 1 seconds)"
    )
    assert caught.value.rate_limit.limit == 40
    assert recorded_sleep.calls == [1.5, 1.5, 1.5]
    assert len(fake_sentry.requests("GET", ORG)) == 4


def test_real_reset_header_from_the_fake_is_waited_for(
    fake_sentry: FakeSentry, client: SentryClient, recorded_sleep: RecordingSleep
) -> None:
    fake_sentry.rate_limit("GET", ORG, reset_in=1.0)
    before = time.time()

    client.get(ORG)

    after = time.time()
    reset = float(fake_sentry.requests("GET", ORG)[0].response_headers["X-Sentry-Rate-Limit-Reset"])
    (waited,) = recorded_sleep.calls
    # Measured on the server's clock as the answer's Date tells it (whole seconds, the fake's
    # real clock, plus the time since the answer), plus 0.5 s jitter.
    elapsed = after - before
    assert reset - math.floor(after) - elapsed <= waited - 0.5 <= reset - math.floor(before)


def test_500_on_put_is_retried_with_backoff(
    fake_sentry: FakeSentry, frozen_client: SentryClient, recorded_sleep: RecordingSleep
) -> None:
    fake_sentry.fail("PUT", PROJECT, status=500, times=2)

    assert frozen_client.put(PROJECT, {"subjectPrefix": "[spms]"})["subjectPrefix"] == "[spms]"

    assert [e.status for e in fake_sentry.requests("PUT", PROJECT)] == [500, 500, 200]
    # backoff_base 0.5 doubling, times a jitter factor of 0.75
    assert recorded_sleep.calls == [0.375, 0.75]


def test_500_on_get_gives_up_after_max_retries(
    fake_sentry: FakeSentry, frozen_client: SentryClient, recorded_sleep: RecordingSleep
) -> None:
    fake_sentry.fail("GET", ORG, status=503, times=5)

    with pytest.raises(SentryServerError) as caught:
        frozen_client.get(ORG)

    assert str(caught.value) == (
        "Sentry server error after 3 attempts "
        "(GET /api/0/organizations/dbca/ answered 503: Service Unavailable)"
    )
    assert len(fake_sentry.requests("GET", ORG)) == 3


def test_500_on_post_is_not_retried(
    fake_sentry: FakeSentry, frozen_client: SentryClient, recorded_sleep: RecordingSleep
) -> None:
    fake_sentry.fail("POST", TEAMS, status=500)

    with pytest.raises(SentryServerError) as caught:
        frozen_client.post(TEAMS, {"slug": "backend"})

    assert str(caught.value) == (
        "Sentry server error; POST is not retried because it may have been applied, so check "
        "Sentry before running again "
        "(POST /api/0/organizations/dbca/teams/ answered 500: Internal Error)"
    )
    assert len(fake_sentry.requests("POST", TEAMS)) == 1
    assert recorded_sleep.calls == []


def test_slow_get_times_out_and_is_retried(
    fake_sentry: FakeSentry, recorded_sleep: RecordingSleep
) -> None:
    fake_sentry.org.add_project("spms-backend")
    fake_sentry.slow("GET", PROJECT, seconds=0.8)
    with SentryClient(
        FAKE_TOKEN, base_url=fake_sentry.url, timeout=0.2, sleep=recorded_sleep
    ) as sentry:
        assert sentry.get(PROJECT)["slug"] == "spms-backend"

    assert len(recorded_sleep.calls) == 1
    deadline = time.monotonic() + 3
    while len(fake_sentry.requests("GET", PROJECT)) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert sorted(e.fault or "" for e in fake_sentry.requests("GET", PROJECT)) == ["", "slow"]


def test_slow_post_is_not_retried(fake_sentry: FakeSentry, recorded_sleep: RecordingSleep) -> None:
    fake_sentry.slow("POST", TEAMS, seconds=0.6)
    with (
        SentryClient(
            FAKE_TOKEN, base_url=fake_sentry.url, timeout=0.2, sleep=recorded_sleep
        ) as sentry,
        pytest.raises(SentryConnectionError) as caught,
    ):
        sentry.post(TEAMS, {"slug": "backend"})

    assert str(caught.value) == (
        "Sentry did not answer: timed out; POST is not retried because it may have been "
        "applied, so check Sentry before running again (POST /api/0/organizations/dbca/teams/)"
    )
    assert caught.value.status is None
    assert recorded_sleep.calls == []


def test_dropped_connection_is_retried_for_get_and_put(
    fake_sentry: FakeSentry, frozen_client: SentryClient, recorded_sleep: RecordingSleep
) -> None:
    fake_sentry.drop("GET", PROJECT)
    fake_sentry.drop("PUT", PROJECT)

    assert frozen_client.get(PROJECT)["slug"] == "spms-backend"
    assert frozen_client.put(PROJECT, {"resolveAge": 1})["resolveAge"] == 1

    assert [e.status for e in fake_sentry.requests("GET", PROJECT)] == [None, 200]
    assert [e.status for e in fake_sentry.requests("PUT", PROJECT)] == [None, 200]
    assert len(fake_sentry.applied("PUT", PROJECT)) == 1
    assert len(recorded_sleep.calls) == 2


def test_dropped_connection_on_post_is_not_retried(
    fake_sentry: FakeSentry, frozen_client: SentryClient
) -> None:
    fake_sentry.drop("POST", TEAMS)

    with pytest.raises(SentryConnectionError, match="POST is not retried"):
        frozen_client.post(TEAMS, {"slug": "backend"})

    assert len(fake_sentry.requests("POST", TEAMS)) == 1


def test_refused_connection_is_retried_even_for_post(recorded_sleep: RecordingSleep) -> None:
    with FakeSentry(token=FAKE_TOKEN) as stopped:
        url = stopped.url  # nothing listens on this port once the fake stops
    with (
        SentryClient(
            FAKE_TOKEN, base_url=url, max_retries=2, sleep=recorded_sleep, jitter=lambda: 0.0
        ) as sentry,
        pytest.raises(SentryConnectionError) as caught,
    ):
        sentry.post("organizations/dbca/teams/", {"slug": "x"})

    assert str(caught.value).startswith(f"could not reach Sentry at {url}api/0/: connection failed")
    assert str(caught.value).endswith("after 3 attempts (POST /api/0/organizations/dbca/teams/)")
    assert recorded_sleep.calls == [0.25, 0.5]
