"""Threads sharing one client share what Sentry says of its rate-limit windows: once one
answer says the window is used up, the others wait for the next one instead of each being
refused with a 429; and the server's clock, estimated from every Date header, makes the
waits as short as they can be without ever being too short."""

from __future__ import annotations

import threading
import time

from sentry_iac.providers import SentryClient
from sentry_iac.providers.ratelimit import RateLimit
from sentry_iac.providers.windows import RateWindows
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN

ORG = "/api/0/organizations/dbca/"
NOW = 1_700_000_000.0


def test_a_used_up_window_makes_the_other_threads_wait_for_the_next() -> None:
    windows = RateWindows(max_wait=60.0)
    skew = 5.0  # the local clock is ahead of Sentry's; the wait is measured on Sentry's
    used_up = RateLimit(limit=40, remaining=0, reset=NOW + 1, server_time=NOW)
    assert windows.observe("GET", 200, used_up, NOW + skew) == 1.0
    waits: list[float] = []
    other = threading.Thread(target=lambda: waits.append(windows.wait_before("GET", NOW + skew)))
    other.start()
    other.join()
    assert waits == [1.0]
    assert windows.wait_before("POST", NOW + skew) == 0.0  # Sentry counts per method


def test_a_thread_waits_once_for_a_pause() -> None:
    windows = RateWindows(max_wait=60.0)
    windows.observe("GET", 429, RateLimit(remaining=0, reset=NOW + 2, server_time=NOW), NOW)
    windows.honour("GET")  # the refused thread waits itself, with its jitter
    assert windows.wait_before("GET", NOW) == 0.0
    assert windows.observe("GET", 200, RateLimit(remaining=3, reset=NOW + 2), NOW) == 0.0


def test_every_date_sharpens_the_servers_clock_never_past_it() -> None:
    windows = RateWindows(max_wait=60.0)
    assert windows.server_now(NOW) is None
    # The server's clock is NOW - 0.3 behind the local one, Dates truncate it to seconds.
    offset = 0.3
    for local in (NOW + 0.1, NOW + 0.55, NOW + 1.31, NOW + 2.29):
        date = float(int(local - offset))
        windows.observe("GET", 200, RateLimit(remaining=10, server_time=date), local)
        estimate = windows.server_now(local)
        assert estimate is not None and estimate <= local - offset
    estimate = windows.server_now(NOW + 3)
    assert estimate is not None and NOW + 3 - offset - 0.05 <= estimate <= NOW + 3 - offset


def test_a_used_up_window_costs_the_others_no_429(fake_sentry: FakeSentry) -> None:
    fake_sentry.limit_rate("GET", ORG, limit=3, window=1)
    with SentryClient(FAKE_TOKEN, fake_sentry.url) as sentry:
        # Start right after a window begins, so the three fit in it.
        time.sleep(1 - time.time() % 1 + 0.02)
        for _ in range(3):
            sentry.get(ORG)
        reset = float(fake_sentry.requests("GET", ORG)[-1]
                      .response_headers["X-Sentry-Rate-Limit-Reset"])
        other = threading.Thread(target=lambda: sentry.get(ORG))
        other.start()
        other.join(10)
    statuses = [e.status for e in fake_sentry.requests("GET", ORG)]
    assert statuses == [200, 200, 200, 200]
    assert time.time() >= reset
