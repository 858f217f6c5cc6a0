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

    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
    public_key: RelayKey
    description: str | None = None


class Security(Strict):
    """Organisation-wide access settings; each maps to one field of Sentry's organisation."""

    require_2fa: StrictBool | None = None
    open_membership: StrictBool | None = Field(
        default=None, description="members may join any team themselves")
    allow_join_requests: StrictBool | None = Field(
        default=None, description="people outside may ask to join the organisation")
    default_role: Role | None = Field(default=None, description="the role new members get")
    events_member_admin: StrictBool | None = Field(
        default=None, description="members may delete and discard events")
    alerts_member_write: StrictBool | None = Field(
        default=None, description="members may create, edit and delete alerts")
    attachments_role: Role | None = Field(
        default=None, description="the least role that may download event attachments")
    debug_files_role: Role | None = Field(
        default=None, description="the least role that may download debug files, source maps")
    allow_shared_issues: StrictBool | None = Field(
        default=None, description="issues may be shared by public link")
    enhanced_privacy: StrictBool | None = Field(
        default=None, description="keep source code and personal data out of notifications")
    hide_ai_features: StrictBool | None = Field(
        default=None, description="hide Seer and the other AI features")
    trusted_relays: tuple[TrustedRelay, ...] | None = None
