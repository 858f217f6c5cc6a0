"""The organisation's access settings (its details' fields, ``sentry.security``) -> ``security:``.

Every field the ``security:`` block manages is read; as for privacy, a value equal to Sentry's
default is left out (unmanaged: Sentry keeps it, nothing changes either way). Trusted relays are
read without the ``created`` and ``lastModified`` stamps Sentry adds.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from sentry_iac.config.security import Security
from sentry_iac.importer.read.snapshot import Json
from sentry_iac.importer.report import Report
from sentry_iac.providers.security import declared_relay
from sentry_iac.sentry.codes import inverse
from sentry_iac.sentry.security import (
    RELAY_FIELDS,
    SECURITY_DEFAULTS,
    SECURITY_FIELDS,
    TRUSTED_RELAYS,
)

RELAY_KEYS = inverse(RELAY_FIELDS)  # Sentry's relay field -> ours


def _ours(api: str, value: Any) -> Any:
    if api != TRUSTED_RELAYS:
        return value
    if not isinstance(value, list):
        return value  # refused by the model below, with its reason
    return [{RELAY_KEYS[k]: v for k, v in declared_relay(r).items()} if isinstance(r, dict)
            else r for r in value]


def security(org: Json, report: Report) -> tuple[Json | None, Json]:
    """The ``security:`` block (each field that differs from Sentry's default), and what the
    plan's ``OrganizationSecurity`` must then write: those fields as Sentry answered them."""
    out: Json = {}
    read: Json = {}
    for key, api in SECURITY_FIELDS.items():
        subject = f"security.{key}"
        if api not in org:
            report.not_read(subject, f"Sentry's organisation details have no {api} (an older "
                                     "Sentry, or a field the token may not see); left out")
            continue
        value = org[api]
        if value == SECURITY_DEFAULTS[api] or (api == TRUSTED_RELAYS and not value):
            continue
        ours = _ours(api, value)
        try:
            Security.model_validate({key: ours})
        except ValidationError as exc:
            report.skip(subject, f"sentry-iac would refuse it: {exc.errors()[0]['msg']}")
            continue
        out[key] = ours
        read[api] = [declared_relay(r) for r in value] if api == TRUSTED_RELAYS else value
    return (out or None), read
