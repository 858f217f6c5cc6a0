"""A small check of Sentry's server-side fingerprinting rule grammar.

One rule per line: ``matcher:value [matcher:value ...] -> fp_value[, fp_value ...] [title="..."]``
with ``#`` comments. Error texts follow Sentry's ``InvalidFingerprintingConfig`` messages. Like
Sentry's parser, a line that does not parse is reported at its start.

Source: ``src/sentry/grouping/fingerprinting/`` (``FingerprintingConfig.from_config_string``,
the parsimonious grammar and its ``InvalidFingerprintingConfig`` texts; ``MATCHERS`` in
``matchers.py``), as SENTRY_API.md §3.1 describes them; the grammar file itself was not
re-read, so the "near" column logic is the fake's reading of that section.
"""

from __future__ import annotations

import re

MATCHERS = frozenset(
    {
        "error.type", "type", "error.value", "value", "message", "logger", "level",
        "stack.module", "module", "stack.abs_path", "path", "stack.package", "package",
        "stack.function", "function", "family", "app", "sdk", "release",
    }
)  # fmt: skip
ATTRIBUTES = frozenset({"title"})

_WS = r"[ \t]*"
_QUOTED = r'"(?:[^"\\]|\\.)*"'
_MATCHER = re.compile(
    rf'{_WS}(?P<neg>!?)(?P<key>[a-zA-Z0-9_.]+|{_QUOTED}):(?P<value>{_QUOTED}|[^\s"]\S*)'
)
_ARROW = re.compile(rf"{_WS}->")
_ATTRIBUTE = re.compile(rf"{_WS}(?P<key>[a-zA-Z0-9_.]+)=(?P<value>{_QUOTED})")
_FP_VALUE = re.compile(rf"{_WS}(?:{_QUOTED}|(?:\{{\{{\s*[^\s}}]+\s*\}}\}}|[^\s{{,=]+)+){_WS},?")
_END = re.compile(rf"{_WS}$")


class _LineError(Exception):
    pass


def _parse_rule(line: str) -> str | None:
    """Return a semantic error message, or raise _LineError for a syntax error."""
    pos = 0
    keys: list[str] = []
    while match := _MATCHER.match(line, pos):
        keys.append(match.group("key").strip('"'))
        pos = match.end()
    arrow = _ARROW.match(line, pos)
    if not keys or arrow is None:
        raise _LineError
    pos = arrow.end()
    values = 0
    attributes: list[str] = []
    while not _END.match(line, pos):
        if attribute := _ATTRIBUTE.match(line, pos):
            attributes.append(attribute.group("key"))
            pos = attribute.end()
        elif value := _FP_VALUE.match(line, pos):
            values += 1
            pos = value.end()
        else:
            raise _LineError
    if values == 0:
        raise _LineError
    for key in keys:
        if key not in MATCHERS and not key.startswith("tags."):
            return f"Unknown matcher '{key}'"
    for key in attributes:
        if key not in ATTRIBUTES:
            return f"Unknown attribute '{key}'"
    return None


def check_fingerprinting_rules(text: str) -> str | None:
    """The error Sentry would report for ``text``, or None if it parses."""
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            try:
                error = _parse_rule(line)
            except _LineError:
                near = text[offset : offset + 32]
                return f'Invalid syntax near "{near}" (line {number}, column 1)'
            if error:
                return error
        offset += len(line) + 1
    return None
