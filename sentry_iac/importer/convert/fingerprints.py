"""Sentry's fingerprinting rule text -> ``fingerprinting:`` rules (the inverse of
``rules_text``).

One rule per line: ``[!]matcher:value ... -> value, {{ variable }} ... [title="..."]``; ``#``
starts a comment. Values may be quoted (``\\"`` and ``\\\\`` escape) or bare.
"""

from __future__ import annotations

import re
from typing import Any

from sentry_iac.importer.convert.problems import NotExpressible

_QUOTED = r'"(?:[^"\\]|\\.)*"'
_MATCHER = re.compile(rf'\s*(!?[a-zA-Z0-9_.]+):({_QUOTED}|[^\s"]\S*)')
_ARROW = re.compile(r"\s*->")
_ATTRIBUTE = re.compile(rf"\s*([a-zA-Z0-9_.]+)=({_QUOTED})")
_VARIABLE = re.compile(r"\s*(\{\{\s*[^\s}]+\s*\}\})")
_VALUE = re.compile(rf'\s*({_QUOTED}|[^\s,"={{]+)')
_COMMA = re.compile(r"\s*,")


def _unquote(text: str) -> str:
    if text.startswith('"'):
        return re.sub(r"\\(.)", r"\1", text[1:-1])
    return text


def parse_rule(line: str) -> dict[str, Any]:
    """One rule line as ``{match, group, title?}``."""
    match: dict[str, str] = {}
    pos = 0
    while (found := _MATCHER.match(line, pos)) and not _ARROW.match(line, pos):
        key = found.group(1)
        if key in match:
            raise NotExpressible(f"the rule '{line}' names {key} twice")
        match[key] = _unquote(found.group(2))
        pos = found.end()
    arrow = _ARROW.match(line, pos)
    if not match or arrow is None:
        raise NotExpressible(f"the rule '{line}' does not parse")
    pos = arrow.end()
    group: list[str] = []
    rule: dict[str, Any] = {"match": match}
    while pos < len(line.rstrip()):
        if attribute := _ATTRIBUTE.match(line, pos):
            if attribute.group(1) != "title" or "title" in rule:
                raise NotExpressible(f"the rule '{line}' sets '{attribute.group(1)}'; "
                                     "sentry-iac writes title only")
            rule["title"] = _unquote(attribute.group(2))
            pos = attribute.end()
        elif variable := _VARIABLE.match(line, pos):
            group.append(variable.group(1))
            pos = variable.end()
        elif value := _VALUE.match(line, pos):
            group.append(_unquote(value.group(1)))
            pos = value.end()
        else:
            raise NotExpressible(f"the rule '{line}' does not parse near '{line[pos:]}'")
        if comma := _COMMA.match(line, pos):
            pos = comma.end()
    if not group:
        raise NotExpressible(f"the rule '{line}' groups under nothing")
    rule["group"] = group
    return {"match": rule["match"], "group": rule["group"],
            **({"title": rule["title"]} if "title" in rule else {})}


def parse_rules(text: str) -> tuple[list[dict[str, Any]], bool]:
    """The rules, and whether the text had comments (which the YAML does not keep)."""
    rules, comments = [], False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("#"):
            comments = True
            continue
        rules.append(parse_rule(line))
    return rules, comments
