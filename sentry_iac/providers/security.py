"""The organisation's security settings as a settings kind.

Everything but ``trustedRelays`` is a plain value. Trusted relays are a list of objects, and
Sentry adds ``created`` and ``lastModified`` to each when it answers, so they are checked by
shape and read back without the timestamps: otherwise every refresh would show drift.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sentry_iac.providers.settings import SettingsKind
from sentry_iac.sentry.security import RELAY_FIELDS as RELAY_FIELD_NAMES
from sentry_iac.sentry.security import TRUSTED_RELAYS as RELAYS

RELAY_FIELDS = tuple(RELAY_FIELD_NAMES.values())


def _relay_problem(value: Any) -> str | None:
    if not isinstance(value, list):
        return "a list of {name, publicKey, description}"
    for relay in value:
        if not isinstance(relay, dict) or set(relay) - set(RELAY_FIELDS):
            return f"a list of objects with {', '.join(RELAY_FIELDS)}"
        if not all(isinstance(relay.get(key), str) for key in ("name", "publicKey")):
            return "a list of relays, each with a name and a publicKey"
    return None


def declared_relay(relay: Mapping[str, Any]) -> dict[str, Any]:
    """A relay as sentry-iac declares it: without Sentry's timestamps, description if any."""
    return {key: relay[key] for key in RELAY_FIELDS if relay.get(key) is not None}


@dataclass(frozen=True)
class SecurityKind(SettingsKind):
    """A settings kind whose ``trustedRelays`` holds objects rather than text."""

    def validate(self, settings: Mapping[str, Any], sources: Mapping[str, str]) -> list[str]:
        plain = {key: value for key, value in settings.items() if key != RELAYS}
        problems = super().validate(plain, sources)
        if RELAYS in settings:
            expected = _relay_problem(settings[RELAYS])
            if expected:
                where = f"{sources[RELAYS]}: " if RELAYS in sources else ""
                problems.append(f"{where}{RELAYS} must be {expected}, not {settings[RELAYS]!r}")
        return problems

    def live(self, body: Mapping[str, Any], managed: Iterable[str]) -> dict[str, Any]:
        live = super().live(body, managed)
        if RELAYS in live:
            relays = live[RELAYS] or []
            live[RELAYS] = [declared_relay(r) for r in relays if isinstance(r, dict)]
        return live
