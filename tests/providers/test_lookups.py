"""The lookups' cache under the provider host's thread pool: every list is fetched once, however
many resources ask for it at the same moment."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sentry_iac.providers import SentryClient
from sentry_iac.providers.resolve import Lookups, Resolver
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN
from tests.providers.scaffold import example_fake

CALLERS = 16


def test_callers_asking_at_once_share_one_fetch() -> None:
    lookups = Lookups()
    loads: list[int] = []
    start = threading.Barrier(CALLERS)

    def load() -> list[object]:
        loads.append(1)
        time.sleep(0.05)  # long enough for every caller to arrive while it runs
        return [{"id": "1"}]

    def ask(_: int) -> tuple[list[object], bool]:
        start.wait()
        return lookups.fetch("teams", load)

    with ThreadPoolExecutor(CALLERS) as pool:
        answers = list(pool.map(ask, range(CALLERS)))
    assert len(loads) == 1
    assert all(items is answers[0][0] for items, _ in answers)
    assert lookups.fetch("teams", load) == (answers[0][0], True)


def test_a_stale_list_is_dropped_but_a_fresher_one_is_kept() -> None:
    lookups = Lookups()
    stale, _ = lookups.fetch("teams", lambda: [])
    lookups.forget("teams", stale)
    fresh, known = lookups.fetch("teams", lambda: [{"id": "2"}])
    assert (fresh, known) == ([{"id": "2"}], False)
    lookups.forget("teams", stale)  # another thread's late forget of the old list
    assert lookups.fetch("teams", lambda: []) == (fresh, True)


def _detector_lists(fake: FakeSentry) -> int:
    return len([e for e in fake.requests("GET") if e.path.endswith("/detectors/")])


def test_parallel_alerts_of_one_project_fetch_its_monitors_once() -> None:
    with example_fake() as fake:
        client = SentryClient(FAKE_TOKEN, fake.url)
        lookups = Lookups()
        start = threading.Barrier(CALLERS)

        def default_detector(_: int) -> str:
            start.wait()
            return Resolver(client, "dbca", lookups).default_detector("spms-backend")

        with ThreadPoolExecutor(CALLERS) as pool:
            found = set(pool.map(default_detector, range(CALLERS)))
        assert len(found) == 1
        assert _detector_lists(fake) == 1
        # The project's id comes from the organisation's project list, fetched once.
        project_reads = [e for e in fake.requests("GET") if "/projects/" in e.path
                         and not e.path.endswith("/detectors/")]
        assert [e.path for e in project_reads] == ["/api/0/organizations/dbca/projects/"]


def test_a_project_the_list_does_not_hold_is_asked_for_once() -> None:
    """A project made after the list was fetched (by the same deploy) is read on its own."""
    with example_fake() as fake:
        client = SentryClient(FAKE_TOKEN, fake.url)
        lookups = Lookups()
        assert Resolver(client, "dbca", lookups).project_id("spms-backend")
        made = fake.org.add_project("spms-new")
        for _ in range(3):
            assert Resolver(client, "dbca", lookups).project_id("spms-new") == made.id
        asked = [e.path for e in fake.requests("GET") if "/projects/" in e.path]
        assert asked == ["/api/0/organizations/dbca/projects/",
                         "/api/0/projects/dbca/spms-new/"]
