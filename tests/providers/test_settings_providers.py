"""Every settings provider against the fake Sentry: create, read, update, delete, diff, and each
injected fault. Calls go through the provider methods Pulumi's engine calls, over real HTTP."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from sentry_iac.providers import SentryClient, SentryGoneError, SentryValidationError
from sentry_iac.providers.kinds import (
    ENVIRONMENT_VISIBILITY,
    ORGANIZATION_PRIVACY,
    ORGANIZATION_SECURITY,
    PROJECT_FINGERPRINTING,
    PROJECT_PERFORMANCE_ISSUES,
    PROJECT_PRIVACY,
)
from sentry_iac.providers.settings import SETTINGS, SOURCES, SettingsKind, SettingsProvider
from sentry_iac.pulumi_sdk import serialize_provider
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN, RecordingSleep
from tests.fake_sentry.performance import effective


@dataclass(frozen=True)
class Case:
    """One kind: its identity, a declared setting, a change to it, where the fake keeps it."""

    kind: SettingsKind
    identity: dict[str, str]
    declared: dict[str, Any]
    changed: dict[str, Any]
    path: str
    stored: Callable[[FakeSentry], dict[str, Any]]


def _project(fake: FakeSentry) -> Any:
    return fake.org.projects["spms-backend"]


RULES = 'error.type:"OperationalError" -> "database-connection-error"'
PII = json.dumps({"rules": {"r": {"type": "email", "redaction": {"method": "mask"}}},
                  "applications": {"$http.data.**": ["r"]}})
PROJECT = {"organization": "dbca", "project": "spms-backend"}
RELAY_KEY = "Eo8qSwkWYOaeJBxwT7NWJLYAgim5HIV2z28AtXdOh-U"  # a real Relay public key
CASES = [
    Case(ORGANIZATION_PRIVACY, {"organization": "dbca"},
         {"dataScrubber": True, "sensitiveFields": ["password", "token"]},
         {"dataScrubber": True, "sensitiveFields": ["password", "token", "email"]},
         "/api/0/organizations/dbca/", lambda f: f.org.settings),
    Case(PROJECT_PRIVACY, PROJECT, {"scrubIPAddresses": True, "relayPiiConfig": PII},
         {"scrubIPAddresses": False, "relayPiiConfig": PII},
         "/api/0/projects/dbca/spms-backend/", lambda f: _project(f).settings),
    Case(PROJECT_FINGERPRINTING, PROJECT, {"fingerprintingRules": RULES},
         {"fingerprintingRules": RULES + '\nerror.type:"ConnectionError" -> "external-api-error"'},
         "/api/0/projects/dbca/spms-backend/", lambda f: _project(f).settings),
    Case(PROJECT_PERFORMANCE_ISSUES, PROJECT,
         {"slow_db_queries_detection_enabled": True, "slow_db_query_duration_threshold": 1000},
         {"slow_db_queries_detection_enabled": True, "slow_db_query_duration_threshold": 2000},
         "/api/0/projects/dbca/spms-backend/performance-issues/configure/",
         lambda f: effective(_project(f).performance)),
    Case(ENVIRONMENT_VISIBILITY, {**PROJECT, "environment": "development"}, {"isHidden": True},
         {"isHidden": False}, "/api/0/projects/dbca/spms-backend/environments/development/",
         lambda f: {"isHidden": _project(f).environments["development"].is_hidden}),
    Case(ORGANIZATION_SECURITY, {"organization": "dbca"},
         {"require2FA": True, "defaultRole": "member", "attachmentsRole": "admin",
          "trustedRelays": [{"name": "edge", "publicKey": RELAY_KEY}]},
         {"require2FA": True, "defaultRole": "admin", "attachmentsRole": "admin",
          "trustedRelays": [{"name": "edge", "publicKey": RELAY_KEY, "description": "DMZ"}]},
         "/api/0/organizations/dbca/", lambda f: f.org.settings),
]
IDS = [c.kind.name for c in CASES]


@pytest.fixture
def fake() -> Iterator[FakeSentry]:
    with FakeSentry(token=FAKE_TOKEN, org_slug="dbca") as server:
        server.org.add_team("science-projects")
        server.org.add_project("spms-backend", platform="python-django",
                               teams=["science-projects"],
                               environments={"production": False, "development": False})
        yield server
    assert not server.internal_errors, "\n".join(server.internal_errors)


def provider_for(kind: SettingsKind, fake: FakeSentry, sleep: RecordingSleep) -> SettingsProvider:
    provider = SettingsProvider(kind)
    provider.configure(ConfigureRequest(Config(
        {"sentry:token": FAKE_TOKEN, "sentry:baseUrl": fake.url}, "sentry-iac")))
    # Same client, but a fake clock and short timeouts so faults cost no real waiting.
    provider.client_factory = lambda token, url: SentryClient(
        token, url, timeout=0.5, max_retries=2, sleep=sleep, jitter=lambda: 0.5)
    return provider


def props(case: Case, settings: dict[str, Any]) -> dict[str, Any]:
    return {**case.identity, SETTINGS: settings,
            SOURCES: {k: f"org.yaml:9:7: projects[0].{k}" for k in settings}}


def puts(fake: FakeSentry, case: Case) -> list[Any]:
    return [e.body for e in fake.applied("PUT", case.path)]


def live_settings(provider: SettingsProvider, case: Case) -> Any:
    """The settings ``read`` reports Sentry holds for ``case`` now."""
    outs = provider.read("id", props(case, case.declared)).outs
    assert outs is not None
    return outs[SETTINGS]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_create_writes_only_declared_fields(case: Case, fake: FakeSentry) -> None:
    """Only what the YAML declares, and of that only what Sentry does not hold already
    (several cases declare one of Sentry's defaults, which is not sent)."""
    provider = provider_for(case.kind, fake, RecordingSleep())
    before = dict(case.stored(fake))
    result = provider.create(props(case, case.declared))
    assert result.id == "/".join(case.identity.values())
    sent = {k: v for body in puts(fake, case) for k, v in body.items()}
    assert sent == {k: v for k, v in case.declared.items() if before.get(k) != v}
    stored = case.stored(fake)
    assert {k: stored[k] for k in case.declared} == case.declared


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_create_of_settings_sentry_already_holds_writes_nothing(case: Case,
                                                                fake: FakeSentry) -> None:
    """What an organisation adopted with `sentry-iac import` meets on its first `up`."""
    provider = provider_for(case.kind, fake, RecordingSleep())
    provider.create(props(case, case.declared))
    fake.clear_exchanges()
    provider_for(case.kind, fake, RecordingSleep()).create(props(case, case.declared))
    assert [e.method for e in fake.exchanges] == ["GET"]


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_read_returns_live_values_so_refresh_sees_drift(case: Case, fake: FakeSentry) -> None:
    provider = provider_for(case.kind, fake, RecordingSleep())
    provider.create(props(case, case.declared))
    assert live_settings(provider, case) == case.declared
    # Someone changes it in Sentry's UI:
    SentryClient(FAKE_TOKEN, fake.url).put(case.path, case.changed)
    assert live_settings(provider, case) == case.changed


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_diff_is_local_and_precise(case: Case, fake: FakeSentry) -> None:
    provider = provider_for(case.kind, fake, RecordingSleep())
    same = provider.diff("id", props(case, case.declared), props(case, case.declared))
    changed = provider.diff("id", props(case, case.declared), props(case, case.changed))
    moved = provider.diff("id", props(case, case.declared),
                          {**props(case, case.declared), "organization": "other"})
    assert same.changes is False
    assert changed.changes is True and changed.replaces == []
    assert moved.replaces == ["organization"]
    assert fake.exchanges == []  # preview costs no API call


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_update_sends_only_what_changed(case: Case, fake: FakeSentry) -> None:
    provider = provider_for(case.kind, fake, RecordingSleep())
    provider.create(props(case, case.declared))
    fake.clear_exchanges()
    provider.update("id", props(case, case.declared), props(case, case.changed))
    expected = {k: v for k, v in case.changed.items() if case.declared.get(k) != v}
    assert puts(fake, case) == [expected]
    stored = case.stored(fake)
    assert {k: stored[k] for k in case.changed} == case.changed


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_delete_releases_and_leaves_sentry_as_it_is(case: Case, fake: FakeSentry) -> None:
    """Removing a settings resource (or destroying its stack) stops managing it; putting
    Sentry's defaults back would silently turn scrubbing off or make 2FA optional."""
    provider = provider_for(case.kind, fake, RecordingSleep())
    provider.create(props(case, case.declared))
    before = dict(case.stored(fake))
    fake.clear_exchanges()
    provider.delete("id", props(case, case.declared))
    assert [e for e in fake.exchanges if e.method != "GET"] == []
    assert case.stored(fake) == before


def test_a_field_no_longer_declared_is_released(fake: FakeSentry) -> None:
    case = CASES[0]
    provider = provider_for(case.kind, fake, RecordingSleep())
    provider.create(props(case, case.declared))
    fake.clear_exchanges()
    provider.update("id", props(case, case.declared), props(case, {"dataScrubber": True}))
    assert puts(fake, case) == []  # sensitiveFields keeps its value; dataScrubber is unchanged
    assert live_settings(provider, case)["dataScrubber"] is True


def test_check_reports_unknown_settings_and_missing_identity() -> None:
    provider = SettingsProvider(PROJECT_PRIVACY)
    result = provider.check({}, {"organization": "dbca", SETTINGS: {"dataScrubbr": True}})
    reasons = [(f.property, f.reason) for f in result.failures]
    assert ("project", "missing 'project'") in reasons
    assert any(p == SETTINGS and "'dataScrubbr' is not a ProjectPrivacy setting" in r
               for p, r in reasons)


def test_check_names_the_yaml_location_of_a_wrong_value() -> None:
    provider = SettingsProvider(ORGANIZATION_PRIVACY)
    news = {"organization": "dbca",
            SETTINGS: {"dataScrubber": "yes", "sensitiveFields": ["password"]},
            SOURCES: {"dataScrubber": "org.yaml:40:3: privacy.data_scrubber"}}
    result = provider.check({}, news)
    assert [f.reason for f in result.failures] == [
        "org.yaml:40:3: privacy.data_scrubber: dataScrubber must be true or false, not 'yes'"]
    good = {**news, SETTINGS: {"dataScrubber": True}}
    assert provider.check({}, good).failures == []


FAULTS: dict[str, Callable[[FakeSentry, str], Any]] = {
    "429": lambda f, p: f.rate_limit("PUT", p, reset_in=0.5),
    "500": lambda f, p: f.fail("PUT", p, status=500),
    "slow": lambda f, p: f.slow("PUT", p, seconds=1.0),
    "dropped": lambda f, p: f.drop("PUT", p),
}


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_deploy_survives_faults_without_duplicates(
    case: Case, fault: str, fake: FakeSentry
) -> None:
    sleep = RecordingSleep()
    provider = provider_for(case.kind, fake, sleep)
    FAULTS[fault](fake, case.path)
    provider.create(props(case, case.declared))
    stored = case.stored(fake)
    assert {k: stored[k] for k in case.declared} == case.declared
    assert sleep.calls, "the client waited before trying again"
    # Each PUT is idempotent; what matters is that the final state is the declared one and a
    # re-read agrees, with nothing else written.
    paths = {e.path for e in fake.exchanges}
    assert paths == {case.path}


def test_a_retired_endpoint_is_reported_as_such(fake: FakeSentry) -> None:
    case = CASES[2]
    provider = provider_for(case.kind, fake, RecordingSleep())
    fake.gone("PUT", case.path)
    with pytest.raises(SentryGoneError, match="retired"):
        provider.create(props(case, case.declared))


def test_sentry_rejection_names_the_yaml_location(fake: FakeSentry) -> None:
    case = CASES[2]
    provider = provider_for(case.kind, fake, RecordingSleep())
    bad = {"fingerprintingRules": "error.type:OperationalError ->"}
    with pytest.raises(SentryValidationError) as raised:
        provider.create(props(case, bad))
    assert "org.yaml:9:7: projects[0].fingerprintingRules" in str(raised.value)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_serialized_provider_holds_no_token(case: Case, fake: FakeSentry) -> None:
    provider = provider_for(case.kind, fake, RecordingSleep())
    provider.create(props(case, case.declared))  # the provider has been used with the token
    pickled = base64.b64decode(serialize_provider(provider))
    assert FAKE_TOKEN.encode() not in pickled
    assert b"sntrys_" not in pickled
    import dill  # the serializer Pulumi uses

    restored = dill.loads(pickled)
    assert restored.kind == case.kind
