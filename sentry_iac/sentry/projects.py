"""Sentry's project fields that sentry-iac manages outside pulumiverse_sentry, and their
defaults: details, fingerprinting rules and environment visibility."""

from __future__ import annotations

from typing import Any, Final

# Plain project fields (ProjectAdminSerializer, project_details.py; a null resolveAge is 0).
PLATFORM: Final = "platform"
RESOLVE_AGE: Final = "resolveAge"
DETAILS_DEFAULTS: dict[str, Any] = {PLATFORM: None, RESOLVE_AGE: 0}

FINGERPRINTING_RULES: Final = "fingerprintingRules"
FINGERPRINTING_DEFAULTS: dict[str, Any] = {FINGERPRINTING_RULES: ""}

# An environment of a project, hidden from Sentry's environment pickers.
IS_HIDDEN: Final = "isHidden"
ENVIRONMENT_DEFAULTS: dict[str, Any] = {IS_HIDDEN: False}
