"""Ownership rules and inbound filters -> Sentry's fields. Pulumi-free.

Only what the YAML declares appears: a key left out is not managed, and Sentry keeps its value.
"""

from __future__ import annotations

from typing import Any

from sentry_iac.config.filters import InboundFilters
from sentry_iac.config.ownership import Ownership
from sentry_iac.sentry import filters, ownership

# Sentry's ownership field -> the YAML key under `ownership:` that declares it.
OWNERSHIP_KEYS = {ownership.RAW: "rules", ownership.FALLTHROUGH: "fallthrough",
                  ownership.AUTO_ASSIGNMENT: "auto_assign",
                  ownership.CODEOWNERS_AUTO_SYNC: "sync_code_owners"}
# Sentry's filter id or option -> the YAML key under `inbound_filters:`.
FILTER_KEYS = filters.KEYS


def ownership_fields(declared: Ownership) -> dict[str, Any]:
    """Sentry's ownership fields: the rule text, then the switches."""
    out: dict[str, Any] = {}
    raw = declared.rules_text()
    if raw is not None:
        out[ownership.RAW] = raw
    if declared.fallthrough is not None:
        out[ownership.FALLTHROUGH] = declared.fallthrough
    if declared.auto_assign is not None:
        out[ownership.AUTO_ASSIGNMENT] = ownership.AUTO_ASSIGN[declared.auto_assign]
    if declared.sync_code_owners is not None:
        out[ownership.CODEOWNERS_AUTO_SYNC] = declared.sync_code_owners
    return out


def filter_fields(declared: InboundFilters) -> dict[str, Any]:
    """Sentry's filter ids and options, each as Sentry answers it: legacy browsers as true,
    false or the sorted subfilters, lists as text with an entry a line."""
    out: dict[str, Any] = {}
    for key, filter_id in filters.SWITCHES.items():
        value = getattr(declared, key)
        if isinstance(value, tuple):
            out[filter_id] = sorted(filters.LEGACY_BROWSERS[name] for name in value)
        elif value is not None:
            out[filter_id] = value
    for key, option in filters.OPTIONS.items():
        value = getattr(declared, key)
        if isinstance(value, tuple):
            out[option] = filters.option_text(value)
        elif value is not None:
            out[option] = value
    return out
