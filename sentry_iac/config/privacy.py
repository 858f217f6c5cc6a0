"""Data scrubbing (PII) settings, for the organisation and per project.

Fields left out are not managed: Sentry keeps whatever it has. Selectors and advanced scrubbing
rules are checked with ``sentry-relay``, the same validator Sentry runs on save.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

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
from sentry_iac.sentry.privacy import (
    CRASH_REPORT_CHOICES,
    MAX_SENSITIVE_FIELD_CHARS,
    PiiRuleType,
    Redaction,
    pii_config,
    pii_rule,
    single_rule_config,
)

FieldName = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]


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

    type: PiiRuleType
    """What to look for: password, creditcard, ip, email, imei, mac, uuid, iban, userpath,
    pemkey, url_auth, us_ssn, bearer, cookies, anything, or pattern (with `pattern:`)."""
    pattern: str | None = Field(default=None, examples=[r"api_key=\w+"])
    """The regular expression to look for; required with type: pattern, not allowed
    otherwise."""
    method: Redaction = "mask"
    """How to redact what is found: mask (default), remove, hash, or replace (with
    `replacement:`)."""
    replacement: str | None = Field(default=None, examples=["[key]"])
    """The text put in its place; required with method: replace, not allowed otherwise."""
    fields: tuple[Selector, ...] = Field(
        min_length=1, examples=[["$http.headers.x-api-key", "$http.cookies.sessionid"]])
    """Where to look: data selectors such as $http.cookies, $message or extra.password (at
    least one; checked by Relay)."""

    @model_validator(mode="after")
    def _consistent(self) -> ScrubbingRule:
        if (self.type == "pattern") != (self.pattern is not None):
            raise ValueError("'pattern' is required with type: pattern and not allowed otherwise")
        if (self.method == "replace") != (self.replacement is not None):
            raise ValueError("'replacement' is required with method: replace and not allowed "
                             "otherwise")
        try:
            validate_pii_config(single_rule_config(self.relay_rule()))
        except ValueError as exc:
            raise ValueError(f"Sentry would reject this rule: {_one_line(exc)}") from None
        return self

    def relay_rule(self) -> dict[str, Any]:
        """The rule in Relay's terms, which Relay checks here and Sentry stores."""
        return pii_rule(self.type, self.method, pattern=self.pattern,
                        replacement=self.replacement)


class Privacy(Strict):
    """Organisation-wide data scrubbing (Settings > Security & Privacy)."""

    data_scrubber: StrictBool | None = None
    """Scrub data that looks sensitive (passwords, credit card numbers, ...) from events."""
    data_scrubber_defaults: StrictBool | None = None
    """Also scrub the keys of Sentry's built-in list of sensitive keys (password, secret,
    ...)."""
    scrub_ip_addresses: StrictBool | None = None
    """Never store users' IP addresses."""
    sensitive_fields: tuple[FieldName, ...] | None = Field(
        default=None, examples=[["password", "token", "api_key"]])
    """More keys whose values are scrubbed; at most 4000 characters in all."""
    safe_fields: tuple[Selector, ...] | None = Field(default=None, examples=[["extra.user_id"]])
    """Data selectors never scrubbed (checked by Relay)."""
    store_crash_reports: StrictInt | None = Field(default=None, examples=[0])
    """How many native crash reports to keep per issue: -1 (unlimited), 0 (off), 1, 5, 10, 20,
    50 or 100."""

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


class ProjectPrivacy(Privacy):
    """A project's data scrubbing, plus advanced rules (Sentry's ``relayPiiConfig``)."""

    scrubbing_rules: tuple[ScrubbingRule, ...] | None = None
    """Advanced scrubbing rules (Sentry's relayPiiConfig, in plain words): what to look for,
    how to redact it and where. Left out: not managed; [] removes them all."""

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
        """The rules as the JSON text Sentry stores (Relay checks it on validation, and
        ``resources.payloads.settings`` sends it); None when not managed."""
        if self.scrubbing_rules is None:
            return None
        if not self.scrubbing_rules:
            return ""
        return pii_config([(f"sentry-iac-{index}", rule.relay_rule(), rule.fields)
                           for index, rule in enumerate(self.scrubbing_rules)])
