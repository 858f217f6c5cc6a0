"""Server-side fingerprinting rules in YAML, rendered to Sentry's rule text and checked offline.

Sentry's grammar (``src/sentry/grouping/fingerprinting``): one rule per line,
``matcher:"value" [matcher:"value" ...] -> fingerprint[, fingerprint...] [title="..."]``.
"""

from __future__ import annotations

import re

from pydantic import Field, field_validator

from sentry_iac.config.base import Strict
from sentry_iac.config.errors import InvalidValue

# Matchers Sentry knows, with their short aliases.
MATCHERS = frozenset({
    "error.type", "type", "error.value", "value", "message", "logger", "level",
    "stack.module", "module", "stack.abs_path", "path", "stack.package", "package",
    "stack.function", "function", "family", "app", "sdk", "release",
})
# Variables a fingerprint may use, written {{ name }}.
VARIABLES = frozenset({
    "default", "transaction", "error.type", "type", "error.value", "value", "message", "logger",
    "level", "stack.function", "function", "stack.module", "module", "stack.abs_path", "path",
    "stack.filename", "stack.package", "package",
})
_VARIABLE = re.compile(r"^\{\{\s*(\S+)\s*\}\}$")
_KEY = re.compile(r"^[a-zA-Z0-9_.-]+$")


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class FingerprintRule(Strict):
    """Events that match every matcher are grouped under ``group`` (a list of values and
    ``{{ variables }}``), optionally with a fixed issue ``title``."""

    match: dict[str, str] = Field(min_length=1, examples=[
        {"error.type": "OperationalError"}, {"error.type": "ValidationError",
                                            "error.value": "*Invalid file type*"}])
    """Matcher -> value, all of which an event must match: error.type, error.value, message,
    logger, level, stack.module, stack.function, tags.<name>, ...; a '!' before the matcher
    negates it. Values may use * wildcards."""
    group: tuple[str, ...] = Field(min_length=1, examples=[
        ["database-connection-error"], ["file-upload-validation", "{{ tags.file_type }}"]])
    """The fingerprint: fixed values and variables written alone as '{{ name }}' (e.g.
    {{ default }}, {{ transaction }}, {{ tags.<name> }})."""
    title: str | None = Field(default=None, min_length=1, examples=["Database connection error"])
    """A fixed title for the issues this rule groups (optional)."""

    @field_validator("match")
    @classmethod
    def _known_matchers(cls, value: dict[str, str]) -> dict[str, str]:
        for key, argument in value.items():
            name = key.removeprefix("!")
            if not (name in MATCHERS or (name.startswith("tags.") and _KEY.match(name[5:]))):
                raise InvalidValue(f"unknown matcher '{key}' (known: {', '.join(sorted(MATCHERS))},"
                                   " tags.<name>; prefix '!' to negate)", "schema/unknown-name")
            if "\n" in argument or "\r" in argument:
                raise ValueError(f"the value of '{key}' must be on one line")
        return value

    @field_validator("group")
    @classmethod
    def _known_variables(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for item in value:
            if not item.strip():
                raise ValueError("a fingerprint value must not be empty")
            variable = _VARIABLE.match(item)
            if variable:
                name = variable.group(1)
                if not (name in VARIABLES or (name.startswith("tags.") and _KEY.match(name[5:]))):
                    raise InvalidValue(f"unknown variable '{{{{ {name} }}}}' (known: "
                                       f"{', '.join(sorted(VARIABLES))}, tags.<name>)",
                                       "schema/unknown-name")
            elif "{{" in item or "}}" in item:
                raise ValueError(f"'{item}': write a variable alone, as '{{{{ name }}}}'")
        return value

    def rule_text(self) -> str:
        """The rule as one line of Sentry's fingerprinting syntax."""
        matchers = " ".join(f"{key}:{_quote(arg)}" for key, arg in self.match.items())
        values = ", ".join(item if _VARIABLE.match(item) else _quote(item) for item in self.group)
        title = f" title={_quote(self.title)}" if self.title else ""
        return f"{matchers} -> {values}{title}"


def rules_text(rules: tuple[FingerprintRule, ...]) -> str:
    """All rules as Sentry's ``fingerprintingRules`` text."""
    return "\n".join(rule.rule_text() for rule in rules)
