"""Field checks the fake applies to PUT bodies, with the texts Sentry (DRF) returns.

Where each rule lives in Sentry (getsentry/sentry; Django REST framework underneath):

- ``boolean``: DRF ``fields.BooleanField.to_internal_value`` (TRUE_VALUES / FALSE_VALUES).
- ``drf_int``, ``integer``: DRF ``fields.IntegerField.to_internal_value`` (``re_decimal``) and
  its min/max validators.
- ``drf_float``: DRF ``fields.FloatField.to_internal_value``.
- ``string``: DRF ``fields.CharField`` (``trim_whitespace``, ``allow_blank``, ``max_length``).
- project fields: ``src/sentry/core/endpoints/project_details.py`` ``ProjectAdminSerializer``
  (field list and texts from SENTRY_API.md 3.1).
- organization fields: ``src/sentry/core/endpoints/organization_details.py``
  ``OrganizationSerializer`` (field list and texts from SENTRY_API.md 3.2).
- ``relay_pii_config``, ``safe_fields``: ``src/sentry/relay/datascrubbing.py``, which calls
  Relay's ``validate_pii_config`` / ``validate_pii_selector`` (so does the fake).
- ``fingerprinting_rules``: ``ProjectAdminSerializer.validate_fingerprintingRules`` ->
  ``src/sentry/grouping/fingerprinting`` ``FingerprintingConfig.from_config_string``.
- ``require2FA``: ``organization_details.py`` ``OrganizationSerializer.validate_require2FA``.
- ``trusted_relays``: ``src/sentry/api/serializers/models/organization.py``
  ``TrustedRelaySerializer.to_internal_value``; duplicates: ``organization_details.py``
  ``OrganizationSerializer.validate_trustedRelays``.

Unknown keys: Sentry's serializers are plain DRF ``Serializer``s, which drop keys they do not
declare without a word (``Serializer.to_internal_value`` only reads declared fields); ``clean``
does the same.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from sentry_relay.auth import PublicKey
from sentry_relay.exceptions import RelayError

from sentry_iac.config.privacy import validate_pii_config, validate_pii_selector
from tests.fake_sentry.fingerprinting import check_fingerprinting_rules

# MAX_SENSITIVE_FIELD_CHARS of project_details.py and organization_details.py (SENTRY_API.md 3.1).
MAX_SENSITIVE_FIELD_CHARS = 4000
# source not found: value from SENTRY_API.md 3.1 (the UI's and schema's highest value); Sentry's
# constant of the same name is in src/sentry/constants.py.
STORE_CRASH_REPORTS_MAX = 100
REQUIRED = "This field is required."

FieldErrors = dict[str, Any]  # Sentry mostly sends lists of messages, sometimes a bare string
Checker = Callable[[Any], tuple[Any, list[str]]]


class Invalid(Exception):
    """A 400 answer with Sentry's ``{field: [messages]}`` body."""

    def __init__(self, errors: FieldErrors) -> None:
        super().__init__(errors)
        self.errors = errors


# DRF fields.BooleanField.TRUE_VALUES / FALSE_VALUES (1.0 and 0.0 hash like 1 and 0).
_TRUE = ("t", "T", "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON", "1")
_FALSE = ("f", "F", "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF",
          "0")


def boolean(value: Any) -> tuple[Any, list[str]]:
    """DRF ``BooleanField.to_internal_value``: its true/false spellings, else "Must be a valid
    boolean." (``null`` too, as none of these fields allow null)."""
    if isinstance(value, bool):
        return value, []
    if value in _TRUE or (isinstance(value, (int, float)) and value == 1):
        return True, []
    if value in _FALSE or (isinstance(value, (int, float)) and value == 0):
        return False, []
    return None, ["Must be a valid boolean."]


_DRF_DECIMAL = re.compile(r"\.0*\s*$")


def drf_int(value: Any) -> int | None:
    """What DRF's ``IntegerField.to_internal_value`` makes of ``value``, or None where it
    fails with "A valid integer is required.": it strips a trailing ``.0`` from ``str(data)``
    and calls ``int()`` (rest_framework/fields.py, ``re_decimal``), so ``60``, ``60.0`` and
    ``"60"`` are 60, and ``60.5``, ``True`` and ``"sixty"`` fail."""
    try:
        return int(_DRF_DECIMAL.sub("", str(value)))
    except (TypeError, ValueError):
        return None


def drf_float(value: Any) -> float | None:
    """What DRF's ``FloatField.to_internal_value`` makes of ``value`` (``float(data)``), or None
    where it fails with "A valid number is required.": ``"0.5"`` and ``True`` pass, as in DRF."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if number != number or number in (float("inf"), float("-inf")) else number


def integer(
    minimum: int | None = None, maximum: int | None = None, *, nullable: bool = False
) -> Checker:
    """DRF's ``IntegerField(min_value, max_value, allow_null)``."""

    def check(value: Any) -> tuple[Any, list[str]]:
        if value is None:
            return (None, []) if nullable else (None, ["This field may not be null."])
        number = drf_int(value)
        if number is None:
            return None, ["A valid integer is required."]
        if minimum is not None and number < minimum:
            return None, [f"Ensure this value is greater than or equal to {minimum}."]
        if maximum is not None and number > maximum:
            return None, [f"Ensure this value is less than or equal to {maximum}."]
        return number, []

    return check


def string(
    max_length: int | None = None, *, nullable: bool = False, allow_blank: bool = True
) -> Checker:
    """DRF's ``CharField``: numbers become text, other non-strings are "Not a valid string.",
    surrounding whitespace is trimmed (``trim_whitespace``) before the blank and length checks
    (``CharField.run_validation`` / ``to_internal_value``). ``allow_blank`` defaults to True
    here because most callers model ``allow_blank=True`` fields; pass False for DRF's default."""

    def check(value: Any) -> tuple[Any, list[str]]:
        if value is None:
            return (None, []) if nullable else (None, ["This field may not be null."])
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return None, ["Not a valid string."]
        text = str(value).strip()
        if not text and not allow_blank:
            return None, ["This field may not be blank."]
        if max_length is not None and len(text) > max_length:
            return None, [f"Ensure this field has no more than {max_length} characters."]
        return text, []

    return check


def string_list(*, allow_empty_entries: bool, max_total_chars: int | None = None) -> Checker:
    """DRF ``ListField(child=CharField())``; "Empty values are not allowed." is the organization
    serializer's ``validate_sensitiveFields`` / ``validate_safeFields``, "List of sensitive fields
    is too long." both serializers' ``MAX_SENSITIVE_FIELD_CHARS`` check (SENTRY_API.md 3.1-3.2)."""

    def check(value: Any) -> tuple[Any, list[str]]:
        if value is None:
            return None, ["This field may not be null."]
        if not isinstance(value, list):
            return None, [f'Expected a list of items but got type "{type(value).__name__}".']
        if not all(isinstance(item, str) for item in value):
            return None, ["Not a valid string."]
        if not allow_empty_entries and any(not item.strip() for item in value):
            return None, ["Empty values are not allowed."]
        if max_total_chars is not None and sum(map(len, value)) > max_total_chars:
            return None, ["List of sensitive fields is too long."]
        return value, []

    return check


def relay_pii_config(value: Any) -> tuple[Any, list[str]]:
    """A JSON string (or empty/null to clear); Sentry passes it to Relay's validator."""
    if value is None or value == "":
        return None, []
    if not isinstance(value, str):
        return None, ["Not a valid string."]
    try:
        validate_pii_config(value)  # Relay's own check, as Sentry runs it
    except ValueError as exc:
        return None, [str(exc)]
    return value, []


def safe_fields(value: Any) -> tuple[Any, list[str]]:
    """A list of data selectors, each checked by Relay: "<relay message> (line N)"."""
    fields, errors = string_list(allow_empty_entries=False)(value)
    if errors:
        return None, errors
    for line, selector in enumerate(fields, start=1):
        try:
            validate_pii_selector(selector)
        except ValueError as exc:
            return None, [f"{exc} (line {line})"]
    return fields, []


def fingerprinting_rules(value: Any) -> tuple[Any, list[str]]:
    text, errors = string(nullable=True)(value)
    if errors:
        return None, errors
    error = check_fingerprinting_rules(text or "")
    return (text or "", []) if error is None else (None, [error])


def allowed_domains(value: Any) -> tuple[Any, list[str]]:
    """``ProjectAdminSerializer.validate_allowedDomains`` (``project_details.py``)."""
    domains, errors = string_list(allow_empty_entries=True)(value)
    if errors:
        return None, errors
    kept = [domain for domain in domains if domain]
    if not kept:
        return None, ["Empty value will block all requests, use * to accept from all domains"]
    return kept, []


ORG_ROLES = ("member", "admin", "manager", "owner")
ERR_NO_2FA = "Cannot require two-factor authentication without personal two-factor enabled."
ERR_SSO_ENABLED = "Cannot require two-factor authentication with SSO enabled"


def role(value: Any) -> tuple[Any, list[str]]:
    """attachmentsRole / debugFilesRole: any organisation role (``organization_details.py``
    ``OrganizationSerializer.validate_attachmentsRole`` / ``validate_debugFilesRole``,
    ``roles.get``)."""
    if not isinstance(value, str):
        return None, ["Not a valid string."]
    return (value, []) if value in ORG_ROLES else (None, ["Invalid role"])


def choice(choices: tuple[str, ...]) -> Checker:
    """DRF ``ChoiceField.to_internal_value``: '"x" is not a valid choice.'."""

    def check(value: Any) -> tuple[Any, list[str]]:
        if value in choices:
            return value, []
        return None, [f'"{value}" is not a valid choice.']

    return check


def _relay(item: Any) -> tuple[dict[str, Any] | None, str | None]:
    """One relay as Sentry's ``TrustedRelaySerializer.to_internal_value`` reads it
    (``src/sentry/api/serializers/models/organization.py``), with its error texts."""
    if not isinstance(item, dict):
        return None, "Bad structure received for Trusted Relays"
    name, key = item.get("name"), item.get("publicKey") or ""
    if name is None:
        return None, "Relay key info with missing name in Trusted Relays"
    name = str(name).strip()
    if not name:
        return None, "Relay key info with empty name in Trusted Relays"
    if not key:
        return None, f"Missing public key for relay key info with name:'{name}' in Trusted Relays"
    try:
        PublicKey.parse(key)  # type: ignore[no-untyped-call]
    except RelayError:
        return None, f"Invalid public key for relay key info with name:'{name}' in Trusted Relays"
    relay = {"name": name, "publicKey": key}
    if item.get("description") is not None:
        relay["description"] = item["description"]
    return relay, None


def trusted_relays(value: Any) -> tuple[Any, list[str]]:
    if not isinstance(value, list):
        return None, [f'Expected a list of items but got type "{type(value).__name__}".']
    relays = []
    for item in value:
        relay, error = _relay(item)
        if error:
            return None, [error]
        relays.append(relay)
    seen: set[str] = set()
    for relay in relays:
        key = relay["publicKey"] if relay else ""
        if key in seen:
            return None, [f"Duplicated key in Trusted Relays: '{key}'"]
        seen.add(key)
    return relays, []


ORGANIZATION_FIELDS: dict[str, Checker] = {
    "name": string(64),
    "dataScrubber": boolean,
    "dataScrubberDefaults": boolean,
    "scrubIPAddresses": boolean,
    "sensitiveFields": string_list(
        allow_empty_entries=False, max_total_chars=MAX_SENSITIVE_FIELD_CHARS
    ),
    "safeFields": safe_fields,
    "storeCrashReports": integer(-1, STORE_CRASH_REPORTS_MAX),
    "relayPiiConfig": relay_pii_config,
    "openMembership": boolean,
    "allowSharedIssues": boolean,
    "enhancedPrivacy": boolean,
    "allowJoinRequests": boolean,
    "eventsMemberAdmin": boolean,
    "alertsMemberWrite": boolean,
    "scrapeJavaScript": boolean,
    "require2FA": boolean,
    "hideAiFeatures": boolean,
    "attachmentsRole": role,
    "debugFilesRole": role,
    "defaultRole": choice(ORG_ROLES),
    "trustedRelays": trusted_relays,
}

PROJECT_FIELDS: dict[str, Checker] = {
    "name": string(200),
    "subjectPrefix": string(200),
    "subjectTemplate": string(200),
    "dataScrubber": boolean,
    "dataScrubberDefaults": boolean,
    "scrubIPAddresses": boolean,
    "sensitiveFields": string_list(
        allow_empty_entries=True, max_total_chars=MAX_SENSITIVE_FIELD_CHARS
    ),
    "safeFields": safe_fields,
    "storeCrashReports": integer(-1, STORE_CRASH_REPORTS_MAX, nullable=True),
    "relayPiiConfig": relay_pii_config,
    "fingerprintingRules": fingerprinting_rules,
    "groupingEnhancements": string(nullable=True),
    "resolveAge": integer(0, nullable=True),
    "digestsMinDelay": integer(60, 3600),
    "digestsMaxDelay": integer(60, 3600),
    "allowedDomains": allowed_domains,
    "scrapeJavaScript": boolean,
    "highlightTags": string_list(allow_empty_entries=False),
    "defaultEnvironment": string(64, nullable=True),
}


def clean(body: Mapping[str, Any], fields: Mapping[str, Checker]) -> dict[str, Any]:
    """Validated values of the known fields in ``body``; unknown fields are ignored, as in DRF."""
    values: dict[str, Any] = {}
    errors: FieldErrors = {}
    for name, checker in fields.items():
        if name in body:
            value, messages = checker(body[name])
            if messages:
                errors[name] = messages
            else:
                values[name] = value
    if errors:
        raise Invalid(errors)
    return values


def clean_project_update(body: Mapping[str, Any], current: Mapping[str, Any]) -> dict[str, Any]:
    values = clean(body, PROJECT_FIELDS)
    if "resolveAge" in values and values["resolveAge"] is None:
        values["resolveAge"] = 0  # ProjectDetailsEndpoint.put stores "off" as 0
    low = values.get("digestsMinDelay", current["digestsMinDelay"])
    high = values.get("digestsMaxDelay", current["digestsMaxDelay"])
    if low > high:
        # ProjectAdminSerializer.validate (project_details.py) compares with the stored value
        # when only one is sent; Sentry sends this one as a bare string, not a list.
        raise Invalid(
            {"digestsMinDelay": "The minimum delay on digests must be lower than the maximum."}
        )
    return values


def clean_organization_update(
    body: Mapping[str, Any], *, has_2fa: bool = True, sso_enabled: bool = False
) -> dict[str, Any]:
    """``has_2fa``: whether the token's user has two-factor authentication."""
    errors: FieldErrors = {}
    try:
        values = clean(body, ORGANIZATION_FIELDS)
    except Invalid as exc:
        errors, values = dict(exc.errors), {}
    # A field validator in Sentry, so it is reported with the other fields' errors.
    if boolean(body.get("require2FA"))[0] is True and (not has_2fa or sso_enabled):
        errors["require2FA"] = [ERR_SSO_ENABLED if has_2fa else ERR_NO_2FA]
    if errors:
        raise Invalid(errors)
    return values
