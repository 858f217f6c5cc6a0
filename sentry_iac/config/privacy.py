"""Data scrubbing (PII) settings, for the organisation and per project.

Fields left out are not managed: Sentry keeps whatever it has. Selectors and advanced scrubbing
rules are checked with ``sentry-relay``, the same validator Sentry runs on save.
"""

from __future__ import annotations

import functools
import json
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    field_validator,
    model_validator,
)
from sentry_relay import processing as relay

from sentry_iac.config.base import Strict
from sentry_iac.config.errors import InvalidValue

# Sentry refuses a sensitive-field list longer than this in total (MAX_SENSITIVE_FIELD_CHARS).
MAX_SENSITIVE_FIELD_CHARS = 4000
# The choices Sentry's UI offers for stored crash reports per issue (-1 = unlimited, 0 = off).
CRASH_REPORT_CHOICES = (-1, 0, 1, 5, 10, 20, 50, 100)

# Our key -> Sentry's field, for every privacy setting.
API_NAMES = {
    "data_scrubber": "dataScrubber",
    "data_scrubber_defaults": "dataScrubberDefaults",
    "scrub_ip_addresses": "scrubIPAddresses",
    "sensitive_fields": "sensitiveFields",
    "safe_fields": "safeFields",
    "store_crash_reports": "storeCrashReports",
    "scrubbing_rules": "relayPiiConfig",
}

FieldName = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]

RuleType = Literal[
    "password", "creditcard", "ip", "email", "imei", "mac", "uuid", "iban", "userpath", "pemkey",
    "url_auth", "us_ssn", "bearer", "cookies", "anything", "pattern",
]


# Relay's checks are pure functions of the text and cost a call into Rust each; large
# organisations repeat the same rules and selectors on many projects, so accepted texts are
# remembered (a refused one raises, and is checked again the next time).
@functools.lru_cache(maxsize=4096)
def validate_pii_config(text: str) -> None:
    """Relay's own check of a ``relayPiiConfig`` (raises ValueError with Relay's message)."""
    relay.validate_pii_config(text)  # type: ignore[no-untyped-call]


@functools.lru_cache(maxsize=4096)
def validate_pii_selector(text: str) -> None:
    relay.validate_pii_selector(text)  # type: ignore[no-untyped-call]


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def _check_selector(value: str) -> str:
    try:
        validate_pii_selector(value)
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a valid data selector ({_one_line(exc)}); "
                         "examples: $http.cookies, $http.headers.x-api-key, extra.password, **"
                         ) from None
    return value


# A data selector such as ``$http.headers.authorization``, checked as Sentry checks it.
Selector = Annotated[str, AfterValidator(_check_selector)]


class ScrubbingRule(Strict):
    """An advanced scrubbing rule: what to look for, how to redact it, and where."""

    type: RuleType
    pattern: str | None = Field(default=None, description="regular expression (type: pattern)")
    method: Literal["mask", "remove", "hash", "replace"] = "mask"
    replacement: str | None = Field(default=None, description="text to put in (method: replace)")
    fields: tuple[Selector, ...] = Field(min_length=1,
                                         description="data selectors, e.g. $http.cookies")

    @model_validator(mode="after")
    def _consistent(self) -> ScrubbingRule:
        if (self.type == "pattern") != (self.pattern is not None):
            raise ValueError("'pattern' is required with type: pattern and not allowed otherwise")
        if (self.method == "replace") != (self.replacement is not None):
            raise ValueError("'replacement' is required with method: replace and not allowed "
                             "otherwise")
        config = {"rules": {"rule": self.relay_rule()}, "applications": {"**": ["rule"]}}
        try:
            validate_pii_config(json.dumps(config))
        except ValueError as exc:
            raise ValueError(f"Sentry would reject this rule: {_one_line(exc)}") from None
        return self

    def relay_rule(self) -> dict[str, Any]:
        redaction: dict[str, Any] = {"method": self.method}
        if self.replacement is not None:
            redaction["text"] = self.replacement
        rule: dict[str, Any] = {"type": self.type, "redaction": redaction}
        if self.pattern is not None:
            rule["pattern"] = self.pattern
        return rule


class Privacy(Strict):
    """Organisation-wide data scrubbing (Settings > Security & Privacy)."""

    data_scrubber: StrictBool | None = None
    data_scrubber_defaults: StrictBool | None = None
    scrub_ip_addresses: StrictBool | None = None
    sensitive_fields: tuple[FieldName, ...] | None = None
    safe_fields: tuple[Selector, ...] | None = None
    store_crash_reports: StrictInt | None = None

    @field_validator("sensitive_fields")
    @classmethod
    def _not_too_long(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None and sum(len(v) for v in value) > MAX_SENSITIVE_FIELD_CHARS:
            raise ValueError(f"the fields add up to more than {MAX_SENSITIVE_FIELD_CHARS} "
                             "characters, Sentry's limit")
        return value

    @field_validator("store_crash_reports")
    @classmethod
    def _crash_choice(cls, value: int | None) -> int | None:
        if value is not None and value not in CRASH_REPORT_CHOICES:
            choices = ", ".join(str(c) for c in CRASH_REPORT_CHOICES)
            raise InvalidValue(f"{value} is not one of Sentry's choices: {choices} "
                               "(-1 = unlimited, 0 = off)", "schema/choice")
        return value

    def api_fields(self) -> dict[str, Any]:
        """Sentry's field names for the settings that are declared (the managed ones)."""
        out: dict[str, Any] = {}
        for field, api in API_NAMES.items():
            if field not in type(self).model_fields:
                continue
            value = getattr(self, field)
            if value is not None and field != "scrubbing_rules":
                out[api] = list(value) if isinstance(value, tuple) else value
        return out


class ProjectPrivacy(Privacy):
    """A project's data scrubbing, plus advanced rules (Sentry's ``relayPiiConfig``)."""

    scrubbing_rules: tuple[ScrubbingRule, ...] | None = None

    @model_validator(mode="after")
    def _relay_accepts(self) -> ProjectPrivacy:
        config = self.relay_pii_config()
        if config:
            try:
                validate_pii_config(config)
            except ValueError as exc:
                raise ValueError("Sentry would reject these scrubbing rules: "
                                 f"{_one_line(exc)}") from None
        return self

    def relay_pii_config(self) -> str | None:
        """The rules as the JSON text Sentry stores; None when not managed."""
        if self.scrubbing_rules is None:
            return None
        if not self.scrubbing_rules:
            return ""
        rules: dict[str, Any] = {}
        applications: dict[str, list[str]] = {}
        for index, rule in enumerate(self.scrubbing_rules):
            rule_id = f"sentry-iac-{index}"
            rules[rule_id] = rule.relay_rule()
            for selector in rule.fields:
                applications.setdefault(selector, []).append(rule_id)
        return json.dumps({"rules": rules, "applications": applications}, sort_keys=True)

    def api_fields(self) -> dict[str, Any]:
        out = super().api_fields()
        config = self.relay_pii_config()
        if config is not None:
            out["relayPiiConfig"] = config
        return out
