"""Answers shared by the Reads of one process: fetched once however many ask at once, each
reader served once per item, errors shared, and writes taking their item out; and the
settings kinds of one project sharing its reads through them."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from sentry_iac.providers import SentryClient
from sentry_iac.providers.errors import SentryNotFoundError
from sentry_iac.providers.kinds import (
    ENVIRONMENT_VISIBILITY,
    PROJECT_DETAILS,
    PROJECT_FINGERPRINTING,
    PROJECT_PRIVACY,
)
from sentry_iac.providers.settings import SETTINGS, SOURCES, SettingsKind, SettingsProvider
from sentry_iac.providers.shared_reads import SharedReads
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN

CALLERS = 12


def test_readers_asking_at_once_share_one_fetch() -> None:
    reads = SharedReads()
    loads: list[int] = []
    start = threading.Barrier(CALLERS)

    def load() -> dict[str, int]:
        loads.append(1)
        time.sleep(0.05)
        return {"a": 1}

    def ask(n: int) -> Any:
        start.wait()
        return reads.answer("list", load, reader=f"kind-{n}", item="a")

    with ThreadPoolExecutor(CALLERS) as pool:
        answers = list(pool.map(ask, range(CALLERS)))
    assert len(loads) == 1 and all(a is answers[0] for a in answers)


def test_a_second_read_of_the_same_item_by_the_same_reader_asks_again() -> None:
    reads = SharedReads()
    values = iter([{"n": 1}, {"n": 2}])
    assert reads.answer("k", lambda: next(values), reader="A", item="x") == {"n": 1}
    assert reads.answer("k", lambda: {"n": 99}, reader="B", item="x") == {"n": 1}
    assert reads.answer("k", lambda: {"n": 99}, reader="A", item="y") == {"n": 1}
    assert reads.answer("k", lambda: next(values), reader="A", item="x") == {"n": 2}


def test_an_error_is_shared_and_a_written_item_is_asked_again() -> None:
    reads = SharedReads()

    def gone() -> Any:
        raise SentryNotFoundError("gone", method="GET", path="/p/", status=404)

    for reader in ("A", "B"):
        with pytest.raises(SentryNotFoundError):
            reads.answer("p", gone, reader=reader)
    assert reads.answer("q", lambda: 1, reader="A", item="x") == 1
    reads.wrote("q", "x")
    # No longer answered for x (the caller reads it on its own); still for the others.
    assert reads.answer("q", lambda: 2, reader="B", item="x") is None
    assert reads.answer("q", lambda: 3, reader="B", item="y") == 1
    reads.forget("q")
    assert reads.answer("q", lambda: 4, reader="B", item="x") == 4


def test_an_answer_older_than_its_ttl_is_fetched_again() -> None:
    now = [0.0]
    reads = SharedReads(ttl=30.0, clock=lambda: now[0])
    assert reads.answer("k", lambda: 1, reader="A") == 1
    now[0] = 31.0
    assert reads.answer("k", lambda: 2, reader="B") == 2


# -- the settings kinds of one project ----------------------------------------------------------

PROJECT_KINDS = (PROJECT_PRIVACY, PROJECT_DETAILS, PROJECT_FINGERPRINTING)
DECLARED: dict[str, dict[str, Any]] = {
    "ProjectPrivacy": {"dataScrubber": True, "sensitiveFields": ["x-api-key"]},
    "ProjectDetails": {"platform": "python-django", "resolveAge": 720},
    "ProjectFingerprinting": {"fingerprintingRules": "error.type:X -> x"},
    "EnvironmentVisibility": {"isHidden": True},
}


@pytest.fixture
def fake() -> Iterator[FakeSentry]:
    with FakeSentry(token=FAKE_TOKEN, org_slug="dbca") as server:
        server.org.add_project("spms-backend", environments={"production": False,
                                                             "development": False})
        server.org.add_project("spms-frontend", environments={"production": False})
        yield server
    assert not server.internal_errors, "\n".join(server.internal_errors)


def _provider(kind: SettingsKind, fake: FakeSentry) -> SettingsProvider:
    provider = SettingsProvider(kind)
    provider.configure(ConfigureRequest(Config(
        {"sentry:token": FAKE_TOKEN, "sentry:baseUrl": fake.url}, "sentry-iac")))
    return provider


def _props(kind: SettingsKind, project: str) -> dict[str, Any]:
    identity = {"organization": "dbca", "project": project}
    if kind is ENVIRONMENT_VISIBILITY:
        identity["environment"] = "development"
    return {**identity, SETTINGS: DECLARED[kind.name], SOURCES: {}}


def _read(provider: SettingsProvider, props: dict[str, Any]) -> dict[str, Any]:
    outs = provider.read("id", props).outs
    assert outs is not None
    settings: dict[str, Any] = outs[SETTINGS]
    return settings


def test_the_kinds_of_every_project_read_one_project_list(fake: FakeSentry) -> None:
    kinds = (*PROJECT_KINDS, ENVIRONMENT_VISIBILITY)
    providers = {kind.name: _provider(kind, fake) for kind in kinds}
    for kind in kinds:
        providers[kind.name].create(_props(kind, "spms-backend"))
    fake.clear_exchanges()
    jobs = [(kind, project) for kind in kinds for project in ("spms-backend", "spms-frontend")
            if not (kind is ENVIRONMENT_VISIBILITY and project == "spms-frontend")]
    with ThreadPoolExecutor(4) as pool:
        read = list(pool.map(lambda job: _read(providers[job[0].name],
                                               _props(job[0], job[1])), jobs))
    assert [(e.method, e.path) for e in fake.exchanges] == [
        ("GET", "/api/0/organizations/dbca/projects/")]
    backend = dict(zip([k.name for k, p in jobs if p == "spms-backend"],
                       [r for (k, p), r in zip(jobs, read, strict=True) if p == "spms-backend"],
                       strict=True))
    assert backend == DECLARED  # what was written, read back from the list


def test_after_a_write_the_kind_reads_the_project_itself(fake: FakeSentry) -> None:
    details = _provider(PROJECT_DETAILS, fake)
    privacy = _provider(PROJECT_PRIVACY, fake)
    fingerprinting = _provider(PROJECT_FINGERPRINTING, fake)
    assert _read(details, _props(PROJECT_DETAILS, "spms-backend"))["resolveAge"] == 0
    details.create(_props(PROJECT_DETAILS, "spms-backend"))  # written by this process
    fake.clear_exchanges()
    assert _read(privacy, _props(PROJECT_PRIVACY, "spms-backend")) == {
        "dataScrubber": True, "sensitiveFields": []}
    assert _read(fingerprinting, _props(PROJECT_FINGERPRINTING, "spms-backend")) == {
        "fingerprintingRules": ""}
    # One GET of the project, shared by both kinds: the list no longer answers for it.
    assert [(e.method, e.path) for e in fake.exchanges] == [
        ("GET", "/api/0/projects/dbca/spms-backend/")]


def test_an_edit_in_sentry_between_two_reads_is_seen(fake: FakeSentry) -> None:
    details = _provider(PROJECT_DETAILS, fake)
    props = _props(PROJECT_DETAILS, "spms-backend")
    details.create(props)
    assert _read(details, props) == DECLARED["ProjectDetails"]
    SentryClient(FAKE_TOKEN, fake.url).put("/api/0/projects/dbca/spms-backend/",
                                           {"resolveAge": 24})
    assert _read(details, props)["resolveAge"] == 24
