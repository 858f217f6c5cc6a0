"""Sentry's data-scrubbing settings of an organisation and a project: field names, limits,
defaults, and Relay's advanced scrubbing rules (``relayPiiConfig``)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal

# Our key -> Sentry's field, for every privacy setting.
PRIVACY_FIELDS = {
    "data_scrubber": "dataScrubber",
    "data_scrubber_defaults": "dataScrubberDefaults",
    "scrub_ip_addresses": "scrubIPAddresses",
    "sensitive_fields": "sensitiveFields",
    "safe_fields": "safeFields",
    "store_crash_reports": "storeCrashReports",
    "scrubbing_rules": "relayPiiConfig",
}
RELAY_PII_CONFIG: Final = "relayPiiConfig"

# Sentry refuses a sensitive-field list longer than this in total (MAX_SENSITIVE_FIELD_CHARS).
MAX_SENSITIVE_FIELD_CHARS = 4000
# The choices Sentry's UI offers for stored crash reports per issue (-1 = unlimited, 0 = off).
CRASH_REPORT_CHOICES = (-1, 0, 1, 5, 10, 20, 50, 100)

# Sentry's defaults (SENTRY_API.md §3-§5).
ORGANIZATION_DEFAULTS: dict[str, Any] = {
    "dataScrubber": False,
    "dataScrubberDefaults": False,
    "scrubIPAddresses": False,
    "sensitiveFields": [],
    "safeFields": [],
    "storeCrashReports": 0,
}
PROJECT_DEFAULTS: dict[str, Any] = {
    "dataScrubber": True,
    "dataScrubberDefaults": True,
    "scrubIPAddresses": False,
    "sensitiveFields": [],
    "safeFields": [],
    "storeCrashReports": None,  # inherit the organisation's setting
    "relayPiiConfig": "",
}

# Relay's rule types and redaction methods that a scrubbing rule may use.
PiiRuleType = Literal[
    "password", "creditcard", "ip", "email", "imei", "mac", "uuid", "iban", "userpath", "pemkey",
    "url_auth", "us_ssn", "bearer", "cookies", "anything", "pattern",
]
Redaction = Literal["mask", "remove", "hash", "replace"]


def pii_rule(rule_type: str, method: str, *, pattern: str | None = None,
             replacement: str | None = None) -> dict[str, Any]:
    """One rule of a ``relayPiiConfig``: what to look for and how to redact it."""
    redaction: dict[str, Any] = {"method": method}
    if replacement is not None:
        redaction["text"] = replacement
    rule: dict[str, Any] = {"type": rule_type, "redaction": redaction}
    if pattern is not None:
        rule["pattern"] = pattern
    return rule


def pii_config(rules: Sequence[tuple[str, dict[str, Any], Sequence[str]]]) -> str:
    """The ``relayPiiConfig`` text Sentry stores for (rule id, rule, selectors) triples."""
    by_id: dict[str, Any] = {}
    applications: dict[str, list[str]] = {}
    for rule_id, rule, selectors in rules:
        by_id[rule_id] = rule
        for selector in selectors:
            applications.setdefault(selector, []).append(rule_id)
    return json.dumps({"rules": by_id, "applications": applications}, sort_keys=True)


def single_rule_config(rule: Mapping[str, Any]) -> str:
    """A ``relayPiiConfig`` text that applies one rule everywhere, to check the rule alone."""
    return json.dumps({"rules": {"rule": rule}, "applications": {"**": ["rule"]}})
