"""Who may join the organisation and what members may do (Settings > General, Security &
Privacy, Relay), in our own words; ``sentry_iac.sentry.security`` maps each key to Sentry's
field.

Settings left out are not managed: Sentry keeps whatever it has.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field, StrictBool, StringConstraints
from sentry_relay.auth import PublicKey
from sentry_relay.exceptions import RelayError

from sentry_iac.config.base import Strict
from sentry_iac.sentry.security import Role


def _check_public_key(value: str) -> str:
    try:
        PublicKey.parse(value)  # type: ignore[no-untyped-call]
    except RelayError:
        raise ValueError(f"'{value}' is not a Relay public key (43 characters of URL-safe "
                         "base64, as `relay credentials show` prints it)") from None
    return value


RelayKey = Annotated[str, AfterValidator(_check_public_key)]


class TrustedRelay(Strict):
    """A Relay of our own that Sentry trusts (Business and Enterprise plans, or self-hosted)."""

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)] = Field(
        examples=["edge"])
    """The Relay's name, as Sentry shows it."""
    public_key: RelayKey
    """The Relay's public key: 43 characters of URL-safe base64, as `relay credentials show`
    prints it (checked by Relay)."""
    description: str | None = Field(default=None, examples=["DMZ"])
    """What the Relay is for, shown in Sentry."""


class Security(Strict):
    """Organisation-wide access settings; each maps to one field of Sentry's organisation."""

    require_2fa: StrictBool | None = None
    """Every member must use two-factor authentication; members without it lose access
    (Sentry's default false)."""
    open_membership: StrictBool | None = None
    """Members may join any team themselves (Sentry's default true)."""
    allow_join_requests: StrictBool | None = None
    """People outside may ask to join the organisation (Sentry's default true)."""
    default_role: Role | None = None
    """The role new members get: member, admin, manager or owner (Sentry's default member)."""
    events_member_admin: StrictBool | None = None
    """Members may delete and discard events (Sentry's default true)."""
    alerts_member_write: StrictBool | None = None
    """Members may create, edit and delete alerts (Sentry's default true)."""
    attachments_role: Role | None = None
    """The least role that may download event attachments: member, admin, manager or owner
    (Sentry's default member)."""
    debug_files_role: Role | None = None
    """The least role that may download debug files and source maps: member, admin, manager or
    owner (Sentry's default admin)."""
    allow_shared_issues: StrictBool | None = None
    """Issues may be shared by public link (Sentry's default true)."""
    enhanced_privacy: StrictBool | None = None
    """Keep source code and personal data out of notifications (Sentry's default false)."""
    hide_ai_features: StrictBool | None = None
    """Hide Seer and the other AI features (Sentry's default false)."""
    trusted_relays: tuple[TrustedRelay, ...] | None = None
    """Relays of your own that Sentry trusts (Business and Enterprise plans, or self-hosted).
    Left out: not managed."""
