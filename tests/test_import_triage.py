"""`sentry-iac import` of ownership rules and inbound filters: set in Sentry as its UI would
(through the fake's endpoints), imported, planned offline, and then played as the first `up`:
the plan sends what Sentry already has, so the providers write nothing. What the YAML cannot
say stays in Sentry and is reported."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from sentry_iac.config.filters import InboundFilters
from sentry_iac.config.loader import load_spec
from sentry_iac.importer.convert.stacks import EnvMap
from sentry_iac.importer.read.progress import Progress
from sentry_iac.importer.report import REWRITTEN, SKIPPED
from sentry_iac.importer.run import ImportResult, run_import
from sentry_iac.offline.engine import Plan, run_offline
from sentry_iac.providers import SentryClient, api_path
from sentry_iac.providers.inbound_filters import InboundFiltersProvider
from sentry_iac.providers.ownership import PROJECT_OWNERSHIP
from sentry_iac.providers.settings import SettingsProvider
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN, RecordingSleep
from tests.fake_sentry.realistic import seed_small_org
from tests.providers.scaffold import delivered

RAW = ("path:src/** #science maintainer@example.org\n"
       'tags.transaction:"/api/orders *" #science\n'
       "module:spms.* #science")
FILTERS = api_path("projects", "dbca", "spms-backend", "filters")


@dataclass
class Imported:
    fake: FakeSentry
    result: ImportResult
    plan: Plan


def _in_sentry(client: SentryClient, raw: str, subfilters: list[str]) -> None:
    """What someone set in Sentry's UI for spms-backend."""
    client.put(api_path("projects", "dbca", "spms-backend", "ownership"),
               {"raw": raw, "fallthrough": False,
                "autoAssignment": "Auto Assign to Suspect Commits"})
    client.put(FILTERS + "localhost/", {"active": True})
    client.put(FILTERS + "filtered-transaction/", {"active": False})
    client.put(FILTERS + "legacy-browsers/", {"subfilters": subfilters})
    client.put(api_path("projects", "dbca", "spms-backend"), {"options": {
        "filters:blacklisted_ips": "10.0.0.1\n192.168.0.0/16", "filters:releases": "*-dev",
        "filters:error_messages": "ResizeObserver loop limit exceeded",
        "filters:chunk-load-error": False}})


def _imported(tmp_path: Path, raw: str, subfilters: list[str],
              teams: tuple[str, ...] = ()) -> Iterator[Imported]:
    """``teams`` have access to the project while the rules are saved, and lose it after."""
    with FakeSentry(token=FAKE_TOKEN, org_slug="dbca") as fake:
        seed_small_org(fake)
        project = fake.org.projects["spms-backend"]
        project.teams += teams
        with SentryClient(FAKE_TOKEN, fake.url, sleep=RecordingSleep()) as client:
            _in_sentry(client, raw, subfilters)
            project.teams = [t for t in project.teams if t not in teams]
            result = run_import(client, "dbca", tmp_path / "dbca-sentry",
                                EnvMap.parse(("production", "staging"), []),
                                base_url=fake.url, progress=Progress(tty=False))
        yield Imported(fake, result, run_offline(result.out, "production"))
    assert not fake.internal_errors, "\n".join(fake.internal_errors)


@pytest.fixture
def imported(tmp_path: Path) -> Iterator[Imported]:
    yield from _imported(tmp_path, RAW, ["ie", "safari"])


def _settings(plan: Plan, kind: str) -> dict[str, Any]:
    (resource,) = plan.of_type(kind)
    assert resource.name == "spms-backend"
    return delivered(resource.inputs)


def _first_up(fake: FakeSentry, provider: SettingsProvider, props: dict[str, Any]) -> list[Any]:
    provider.configure(ConfigureRequest(Config(
        {"sentry:token": FAKE_TOKEN, "sentry:baseUrl": fake.url}, "sentry-iac")))
    fake.clear_exchanges()
    provider.create(props)
    return [(e.method, e.path, e.body) for e in fake.exchanges if e.method != "GET"]


def test_the_yaml_says_what_sentry_has(imported: Imported) -> None:
    (project,) = load_spec(imported.result.out).org.projects
    assert project.ownership is not None
    assert project.ownership.rules_text() == RAW
    assert (project.ownership.fallthrough, project.ownership.auto_assign,
            project.ownership.sync_code_owners) == (False, "suspect-commits", None)
    assert project.inbound_filters == InboundFilters(
        localhost=True, health_checks=False, legacy_browsers=("internet-explorer", "safari"),
        chunk_load_errors=False, error_messages=("ResizeObserver loop limit exceeded",),
        releases=("*-dev",), ip_addresses=("10.0.0.1", "192.168.0.0/16"))
    assert [f for f in imported.result.report.findings
            if "ownership" in f.subject or "inbound" in f.subject] == []


def test_the_first_up_after_the_import_writes_nothing(imported: Imported) -> None:
    fake, plan = imported.fake, imported.plan
    ownership = _settings(plan, "ProjectOwnership")
    assert ownership["settings"] == {"raw": RAW, "fallthrough": False,
                                     "autoAssignment": "Auto Assign to Suspect Commits"}
    assert _first_up(fake, SettingsProvider(PROJECT_OWNERSHIP), ownership) == []
    filters = _settings(plan, "ProjectInboundFilters")
    assert filters["settings"] == {
        "localhost": True, "filtered-transaction": False, "legacy-browsers": ["ie", "safari"],
        "filters:chunk-load-error": False,
        "filters:error_messages": "ResizeObserver loop limit exceeded",
        "filters:releases": "*-dev", "filters:blacklisted_ips": "10.0.0.1\n192.168.0.0/16"}
    assert _first_up(fake, InboundFiltersProvider(), filters) == []
    # The same create against a Sentry that differs writes the difference (the test can fail).
    fake.org.projects["spms-backend"].options["filters:localhost"] = "0"
    assert _first_up(fake, InboundFiltersProvider(), filters) == [
        ("PUT", FILTERS + "localhost/", {"active": True})]


def test_what_the_yaml_cannot_say_stays_in_sentry(tmp_path: Path) -> None:
    raw = "path:src/** #science\npath:docs/** #web"
    for imported in _imported(tmp_path, raw, ["ie_pre_9", "safari"], teams=("web",)):
        report = imported.result.report
        skipped = {f.subject: f.detail for f in report.of_kind(SKIPPED)}
        assert "team #web has no access" in skipped["project spms-backend ownership rules"]
        assert "ie_pre_9" in skipped["project spms-backend inbound_filters.legacy_browsers"]
        (project,) = load_spec(imported.result.out).org.projects
        assert project.ownership is not None and project.ownership.rules is None
        assert project.ownership.fallthrough is False  # the rest of it is imported
        assert project.inbound_filters is not None
        assert project.inbound_filters.legacy_browsers is None
        assert project.inbound_filters.localhost is True


def test_comments_are_dropped_and_said(tmp_path: Path) -> None:
    raw = "# owners of the API\npath:src/** #science"
    for imported in _imported(tmp_path, raw, ["ie"]):
        rewritten = {f.subject: f.detail for f in imported.result.report.of_kind(REWRITTEN)}
        assert rewritten["project spms-backend ownership rules"] == "comments are dropped"
        ownership = _settings(imported.plan, "ProjectOwnership")
        assert ownership["settings"]["raw"] == "path:src/** #science"
        assert _first_up(imported.fake, SettingsProvider(PROJECT_OWNERSHIP),
                         ownership) == [("PUT", api_path("projects", "dbca", "spms-backend",
                                                         "ownership"),
                                         {"raw": "path:src/** #science"})]
