"""The organisation security kind beyond the common contract: Sentry's refusals (2FA, SSO,
trusted relays) reach the user at the YAML key, relays are checked by shape, and Sentry's
timestamps on relays never show as drift."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sentry_iac.providers import SentryClient, SentryValidationError
from sentry_iac.providers.kinds import ORGANIZATION_SECURITY
from sentry_iac.providers.settings import SETTINGS, SOURCES, SettingsProvider
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN, RecordingSleep
from tests.fake_sentry.state import org_settings_defaults
from tests.providers.test_settings_providers import RELAY_KEY, provider_for

ORG_PATH = "/api/0/organizations/dbca/"
OTHER_KEY = "dcnC0mpKDUNLr4fnZavKplKyHdie1capyHLH-bfbvII"


@pytest.fixture
def fake() -> Iterator[FakeSentry]:
    with FakeSentry(token=FAKE_TOKEN, org_slug="dbca") as server:
        yield server
    assert not server.internal_errors, "\n".join(server.internal_errors)


def props(settings: dict[str, Any]) -> dict[str, Any]:
    return {"organization": "dbca", SETTINGS: settings,
            SOURCES: {k: f"org.yaml:90:3: security.{k}" for k in settings}}


def provider(fake: FakeSentry) -> SettingsProvider:
    return provider_for(ORGANIZATION_SECURITY, fake, RecordingSleep())


def rejection(fake: FakeSentry, settings: dict[str, Any]) -> str:
    with pytest.raises(SentryValidationError) as raised:
        provider(fake).create(props(settings))
    return str(raised.value)


def test_defaults_are_the_ones_sentry_starts_with() -> None:
    fresh = org_settings_defaults()
    assert {k: fresh[k] for k in ORGANIZATION_SECURITY.defaults} == ORGANIZATION_SECURITY.defaults


def test_require_2fa_needs_a_token_of_a_user_with_2fa(fake: FakeSentry) -> None:
    fake.org.user_has_2fa = False
    message = rejection(fake, {"require2FA": True})
    assert "org.yaml:90:3: security.require2FA" in message
    assert ("Cannot require two-factor authentication without personal two-factor "
            "enabled.") in message
    assert fake.org.settings["require2FA"] is False
    provider(fake).create(props({"require2FA": False}))  # turning it off needs no 2FA


def test_require_2fa_is_refused_with_sso(fake: FakeSentry) -> None:
    fake.org.sso_enabled = True
    message = rejection(fake, {"require2FA": True})
    assert "Cannot require two-factor authentication with SSO enabled" in message


@pytest.mark.parametrize(("relays", "text"), [
    ([{"name": "a", "publicKey": RELAY_KEY}, {"name": "b", "publicKey": RELAY_KEY}],
     f"Duplicated key in Trusted Relays: '{RELAY_KEY}'"),
    ([{"name": "edge", "publicKey": "not-a-key"}],
     "Invalid public key for relay key info with name:'edge' in Trusted Relays"),
    ([{"name": "  ", "publicKey": RELAY_KEY}], "Relay key info with empty name in Trusted Relays"),
])
def test_sentrys_relay_texts_reach_the_user(
    fake: FakeSentry, relays: list[dict[str, str]], text: str
) -> None:
    message = rejection(fake, {"trustedRelays": relays})
    assert "org.yaml:90:3: security.trustedRelays" in message
    assert text in message
    assert fake.org.settings["trustedRelays"] == []


def test_an_unknown_role_is_refused(fake: FakeSentry) -> None:
    assert "Invalid role" in rejection(fake, {"attachmentsRole": "viewer"})
    assert '"viewer" is not a valid choice.' in rejection(fake, {"defaultRole": "viewer"})


def test_relay_timestamps_never_read_as_drift(fake: FakeSentry) -> None:
    relays = [{"name": "edge", "publicKey": RELAY_KEY},
              {"name": "dmz", "publicKey": OTHER_KEY, "description": "second site"}]
    security = provider(fake)
    security.create(props({"trustedRelays": relays}))
    body = SentryClient(FAKE_TOKEN, fake.url).get(ORG_PATH)
    assert body["trustedRelays"][0]["created"]  # Sentry stamps what it stores
    outs = security.read("dbca", props({"trustedRelays": relays})).outs
    assert outs is not None
    live = outs[SETTINGS]
    assert live == {"trustedRelays": relays}


def test_check_judges_relays_by_shape_and_names_the_yaml_key() -> None:
    check = SettingsProvider(ORGANIZATION_SECURITY).check
    good = props({"require2FA": True, "trustedRelays": [{"name": "e", "publicKey": RELAY_KEY}]})
    assert check({}, good).failures == []
    bad = props({"require2FA": "yes", "trustedRelays": ["edge"], "defaultRole": 1})
    assert sorted(f.reason for f in check({}, bad).failures) == [
        "org.yaml:90:3: security.defaultRole: defaultRole must be text, not 1",
        "org.yaml:90:3: security.require2FA: require2FA must be true or false, not 'yes'",
        "org.yaml:90:3: security.trustedRelays: trustedRelays must be a list of objects with "
        "name, publicKey, description, not ['edge']",
    ]
