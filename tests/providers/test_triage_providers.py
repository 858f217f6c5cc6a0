"""The fake's ownership and inbound filter endpoints answer as Sentry's code does, and the
providers' calls and errors against them (the engine tests, tests/engine/test_triage.py, prove
the providers through Pulumi's provider host)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from sentry_iac.providers import SentryClient, api_path
from sentry_iac.providers.errors import (
    SentryApiError,
    SentryNotFoundError,
    SentryPermissionError,
    SentryValidationError,
)
from sentry_iac.providers.inbound_filters import InboundFiltersProvider
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN

OWNERSHIP = api_path("projects", "dbca", "spms-backend", "ownership")
PROJECT = api_path("projects", "dbca", "spms-backend")
FILTERS = api_path("projects", "dbca", "spms-backend", "filters")


@pytest.fixture
def seeded(fake_sentry: FakeSentry) -> Iterator[tuple[FakeSentry, SentryClient]]:
    org = fake_sentry.org
    org.add_team("science-projects")
    org.add_team("web")
    org.add_project("spms-backend", teams=["science-projects"])
    org.add_member("maintainer@example.org", teams=["science-projects"])
    with SentryClient(FAKE_TOKEN, fake_sentry.url, sleep=lambda _: None) as client:
        yield fake_sentry, client


def _refusal(call: Any) -> dict[str, Any]:
    with pytest.raises(SentryValidationError) as refused:
        call()
    return refused.value.field_errors


def test_an_unsaved_ownership_reads_as_sentrys_model_defaults(
        seeded: tuple[FakeSentry, SentryClient]) -> None:
    _, client = seeded
    assert client.get(OWNERSHIP) == {
        "raw": None, "fallthrough": True, "dateCreated": None, "lastUpdated": None,
        "isActive": True, "autoAssignment": "Auto Assign to Issue Owner",
        "codeownersAutoSync": True}


def test_ownership_rules_sentry_refuses(seeded: tuple[FakeSentry, SentryClient]) -> None:
    fake, client = seeded
    put = client.put
    assert _refusal(lambda: put(OWNERSHIP, {"raw": "path:src/**"})) == {
        "raw": ["Missing owner in rule: path:src/**"]}
    assert _refusal(lambda: put(OWNERSHIP, {"raw": "codeowners:src/** #science-projects"})) == {
        "raw": ["Codeowner type paths can only be added by importing CODEOWNER files"]}
    assert _refusal(lambda: put(OWNERSHIP, {"raw": "path:src/** #science-projects\tx"})) == {
        "raw": ["Parse error: line (line 1, column 30)"]}
    assert _refusal(lambda: put(OWNERSHIP, {"raw": "x" * 100_001})) == {
        "raw": ["Raw needs to be <= 100000 characters in length"]}
    # validate_autoAssignment raises a dict inside a field validator: DRF nests it.
    assert _refusal(lambda: put(OWNERSHIP, {"autoAssignment": "Always"})) == {
        "autoAssignment.autoAssignment": ["Invalid selection."]}
    # Team owners need team:admin, or open membership (_validate_team_ownership).
    fake.scopes = frozenset(fake.scopes - {"team:admin"})
    fake.org.settings["openMembership"] = False
    assert _refusal(lambda: put(OWNERSHIP, {"raw": "path:src/** #science-projects"})) == {
        "raw": ["You do not have permission to assign ownership to one or more teams."]}
    assert put(OWNERSHIP, {"raw": "path:src/** maintainer@example.org"})["raw"] == (
        "path:src/** maintainer@example.org")
    # Anything but raw needs project:write.
    fake.scopes = frozenset({"project:read", "team:admin"})
    with pytest.raises(SentryPermissionError):
        put(OWNERSHIP, {"fallthrough": False})
    assert put(OWNERSHIP, {"raw": ""})["raw"] is None  # blank rules are stored as null


def test_a_saved_ownership_keeps_what_was_not_sent(seeded: tuple[FakeSentry, SentryClient]
                                                   ) -> None:
    fake, client = seeded
    client.put(OWNERSHIP, {"raw": "path:src/** #science-projects",
                           "autoAssignment": "Auto Assign to Suspect Commits"})
    answer = client.put(OWNERSHIP, {"fallthrough": False})
    assert (answer["raw"], answer["autoAssignment"], answer["fallthrough"]) == (
        "path:src/** #science-projects", "Auto Assign to Suspect Commits", False)
    assert answer["dateCreated"] is not None
    saved = fake.org.projects["spms-backend"].ownership
    assert saved is not None and saved["suspect_committer_auto_assignment"] is True


def test_filter_switches_as_sentry_stores_them(seeded: tuple[FakeSentry, SentryClient]) -> None:
    fake, client = seeded
    legacy = api_path("projects", "dbca", "spms-backend", "filters", "legacy-browsers")
    client.put(legacy, {"subfilters": ["safari", "ie", "safari"]})
    states = {f["id"]: f["active"] for f in client.get(FILTERS)}
    assert states == {"browser-extensions": False, "filtered-transaction": True,
                      "legacy-browsers": ["ie", "safari"], "localhost": False,
                      "web-crawlers": False}
    client.put(legacy, {"active": True, "subfilters": ["ie"]})  # active wins
    assert fake.org.projects["spms-backend"].options["filters:legacy-browsers"] == "1"
    client.put(legacy, {"subfilters": []})  # an empty list switches it off
    assert {f["id"]: f["active"] for f in client.get(FILTERS)}["legacy-browsers"] is False
    assert _refusal(lambda: client.put(legacy, {"subfilters": ["netscape"]})) == {
        "subfilters": ['"netscape" is not a valid choice.']}
    with pytest.raises(SentryNotFoundError):
        client.put(api_path("projects", "dbca", "spms-backend", "filters", "cors"),
                   {"active": True})


def test_a_sentry_from_2022_has_fewer_filters(seeded: tuple[FakeSentry, SentryClient]) -> None:
    fake, client = seeded
    fake.org.older_inbound_filters = True
    assert "filtered-transaction" not in {f["id"] for f in client.get(FILTERS)}
    legacy = api_path("projects", "dbca", "spms-backend", "filters", "legacy-browsers")
    assert _refusal(lambda: client.put(legacy, {"subfilters": ["ie"]})) == {
        "subfilters": ['"ie" is not a valid choice.']}
    client.put(legacy, {"subfilters": ["ie_pre_9"]})
    assert fake.exchanges[-1].status == 201
    client.put(PROJECT, {"options": {"filters:react-hydration-errors": False}})
    assert "filters:react-hydration-errors" not in client.get(PROJECT)["options"]


def test_filter_options_as_sentry_stores_them(seeded: tuple[FakeSentry, SentryClient]) -> None:
    fake, client = seeded
    client.put(PROJECT, {"options": {
        "filters:blacklisted_ips": " 10.0.0.1\n\n2001:DB8::1 ", "filters:releases": "App@1.*",
        "filters:error_messages": "  Timeout *\nConnectionError", "filters:chunk-load-error": 0}})
    options = client.get(PROJECT)["options"]
    assert {k: options[k] for k in ("filters:blacklisted_ips", "filters:releases",
                                    "filters:error_messages", "filters:chunk-load-error",
                                    "filters:react-hydration-errors")} == {
        "filters:blacklisted_ips": "10.0.0.1\n2001:db8::1", "filters:releases": "app@1.*",
        "filters:error_messages": "Timeout *\nConnectionError",
        "filters:chunk-load-error": False, "filters:react-hydration-errors": True}
    # Without projects:custom-inbound-filters: 400, after the options before it were written.
    fake.org.features.discard("custom-inbound-filters")
    with pytest.raises(SentryValidationError, match="You do not have that feature enabled"):
        client.put(PROJECT, {"options": {"filters:blacklisted_ips": "10.0.0.2",
                                         "filters:releases": "*-dev"}})
    assert fake.org.projects["spms-backend"].options["sentry:blacklisted_ips"] == ["10.0.0.2"]


def _provider(fake: FakeSentry) -> InboundFiltersProvider:
    provider = InboundFiltersProvider()
    provider.configure(ConfigureRequest(Config(
        {"sentry:token": FAKE_TOKEN, "sentry:baseUrl": fake.url}, "sentry-iac")))
    return provider


def _props(settings: dict[str, Any], sources: dict[str, str]) -> dict[str, Any]:
    return {"organization": "dbca", "project": "spms-backend", "settings": settings,
            "sources": sources}


def test_the_filters_provider_names_sentrys_refusals_at_the_yaml(
        seeded: tuple[FakeSentry, SentryClient]) -> None:
    fake, _ = seeded
    fake.org.features.discard("custom-inbound-filters")
    where = "org.yaml:30:7: projects[0].inbound_filters.releases"
    with pytest.raises(SentryApiError) as refused:
        _provider(fake).create(_props({"filters:releases": "*-dev"},
                                      {"filters:releases": where}))
    assert str(refused.value).startswith(f"{where}: ")
    assert "You do not have that feature enabled" in str(refused.value)
    fake.org.older_inbound_filters = True
    where = "org.yaml:31:7: projects[0].inbound_filters.health_checks"
    with pytest.raises(SentryApiError, match="no inbound filter 'filtered-transaction'") as gone:
        _provider(fake).create(_props({"filtered-transaction": True},
                                      {"filtered-transaction": where}))
    assert str(gone.value).startswith(where)


def test_creating_writes_only_what_differs(seeded: tuple[FakeSentry, SentryClient]) -> None:
    fake, _ = seeded
    fake.clear_exchanges()
    _provider(fake).create(_props({"filtered-transaction": True, "localhost": True,
                                   "filters:react-hydration-errors": True,
                                   "filters:blacklisted_ips": ""}, {}))
    writes = [(e.method, e.path, e.body) for e in fake.exchanges if e.method != "GET"]
    assert writes == [("PUT", FILTERS + "localhost/", {"active": True})]
