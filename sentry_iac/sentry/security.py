"""Sentry's organisation access settings (Settings > General, Security & Privacy, Relay):
field names, roles, trusted relays and Sentry's defaults (SENTRY_API.md 3.2)."""

from __future__ import annotations

from typing import Any, Final, Literal

# The roles Sentry accepts for these settings, least to most powerful (its ``defaultRole``,
# ``attachmentsRole`` and ``debugFilesRole`` enums).
ROLES = ("member", "admin", "manager", "owner")
Role = Literal["member", "admin", "manager", "owner"]

# Our key -> Sentry's field, for every access setting.
SECURITY_FIELDS = {
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
TRUSTED_RELAYS: Final = "trustedRelays"
# A trusted relay's fields: our key -> Sentry's. Sentry adds ``created`` and ``lastModified``
# when it answers.
RELAY_FIELDS = {"name": "name", "public_key": "publicKey", "description": "description"}

# defaultRole is only accepted from a token with org:admin; require2FA only from a user who has
# 2FA.
SECURITY_DEFAULTS: dict[str, Any] = {
    "require2FA": False,
    "openMembership": True,
    "allowJoinRequests": True,
    "defaultRole": "member",
    "eventsMemberAdmin": True,
    "alertsMemberWrite": True,
    "attachmentsRole": "member",
    "debugFilesRole": "admin",
    "allowSharedIssues": True,
    "enhancedPrivacy": False,
    "hideAiFeatures": False,
    "trustedRelays": [],
}
