"""Who may join the organisation and what members may do (Settings > General, Security &
Privacy, Relay), in our own words; ``API_NAMES`` maps each key to Sentry's field.

Settings left out are not managed: Sentry keeps whatever it has.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, StrictBool, StringConstraints
from sentry_relay.auth import PublicKey
from sentry_relay.exceptions import RelayError

from sentry_iac.config.base import Strict

# The roles Sentry accepts for these settings, least to most powerful (its ``defaultRole``,
# ``attachmentsRole`` and ``debugFilesRole`` enums).
ROLES = ("member", "admin", "manager", "owner")
Role = Literal["member", "admin", "manager", "owner"]

API_NAMES = {
    "require_2fa": "require2FA",
    "open_membership": "openMembership",
    "allow_join_requests": "allowJoinRequests",
    "default_role": "defaultRole",
    "events_member_admin": "eventsMemberAdmin",
    "alerts_member_write": "alertsMemberWrite",
    "attachments_role": "attachmentsRole",
    "debug_files_role": "debugFilesRole",
    "allow_shared_issues": "allowSharedIssues",
    "enhanced_privacy": "enhancedPrivacy",
    "hide_ai_features": "hideAiFeatures",
    "trusted_relays": "trustedRelays",
}


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

    def api_value(self) -> dict[str, str]:
        value = {"name": self.name, "publicKey": self.public_key}
        if self.description is not None:
            value["description"] = self.description
        return value


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

    def api_fields(self) -> dict[str, Any]:
        """Sentry's field names for the settings that are declared (the managed ones)."""
        out: dict[str, Any] = {}
        for key, api in API_NAMES.items():
            value = getattr(self, key)
            if value is None:
                continue
            if key == "trusted_relays":
                value = [relay.api_value() for relay in value]
            out[api] = value
        return out
