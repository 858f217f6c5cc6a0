"""Settings -> Sentry's fields: the payloads of the privacy, performance-issue and access
settings resources. Pulumi-free.

Only declared settings appear: a setting left out of the YAML is not managed, and Sentry keeps
whatever it has. The config models hold our keys; Sentry's field names come from
``sentry_iac.sentry``.
"""

from __future__ import annotations

from typing import Any

from sentry_iac.config.performance import PerformanceIssues
from sentry_iac.config.privacy import Privacy, ProjectPrivacy
from sentry_iac.config.security import Security, TrustedRelay
from sentry_iac.sentry.performance import DETECTORS, THRESHOLDS
from sentry_iac.sentry.privacy import PRIVACY_FIELDS, RELAY_PII_CONFIG
from sentry_iac.sentry.security import RELAY_FIELDS, SECURITY_FIELDS, TRUSTED_RELAYS


def privacy_fields(privacy: Privacy) -> dict[str, Any]:
    """Sentry's fields for the declared privacy settings of the organisation or a project; a
    project's advanced scrubbing rules go last, as the ``relayPiiConfig`` text."""
    out: dict[str, Any] = {}
    for key, api in PRIVACY_FIELDS.items():
        if api == RELAY_PII_CONFIG or key not in type(privacy).model_fields:
            continue
        value = getattr(privacy, key)
        if value is not None:
            out[api] = list(value) if isinstance(value, tuple) else value
    if isinstance(privacy, ProjectPrivacy):
        config = privacy.relay_pii_config()
        if config is not None:
            out[RELAY_PII_CONFIG] = config
    return out


def performance_fields(performance: PerformanceIssues) -> dict[str, Any]:
    """Sentry's options for the declared thresholds, then the declared detector switches."""
    out: dict[str, Any] = {}
    for name, (option, _, _) in THRESHOLDS.items():
        value = getattr(performance, name)
        if value is not None:
            out[option] = value
    for name, enabled in performance.detect.items():
        out[DETECTORS[name]] = enabled
    return out


def trusted_relay(relay: TrustedRelay) -> dict[str, str]:
    """One trusted relay as Sentry takes it; a description only when there is one."""
    return {api: value for key, api in RELAY_FIELDS.items()
            if (value := getattr(relay, key)) is not None}


def security_fields(security: Security) -> dict[str, Any]:
    """Sentry's fields for the declared access settings."""
    out: dict[str, Any] = {}
    for key, api in SECURITY_FIELDS.items():
        value = getattr(security, key)
        if value is None:
            continue
        out[api] = [trusted_relay(r) for r in value] if api == TRUSTED_RELAYS else value
    return out
