"""A monitor's search query (``query`` of its data source) applied to one event or span, the
subset of Sentry's search grammar (``src/sentry/api/event_search.py``) the presets and simple
``search:`` texts use: terms joined by spaces (all must hold), ``key:value``, ``!key:value``,
``key:"quoted value"``, ``key:[a, b]``, ``*`` wildcards, ``has:key`` and ``!has:key``.

Anything else (``OR``, parentheses, free text, ``>``/``<`` comparisons) raises
``UnsupportedQuery`` instead of guessing; the test then fails and says so."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Mapping

_TERM = re.compile(r'(!?)([\w.\-\[\]:]+?):("(?:[^"\\]|\\.)*"|\[[^\]]*\]|\S+)')


class UnsupportedQuery(ValueError):
    """The query uses search syntax the rule-test evaluator does not model."""


def _values(raw: str) -> list[str]:
    if raw.startswith('"'):
        return [raw[1:-1].replace('\\"', '"')]
    if raw.startswith("["):
        return [v.strip().strip('"') for v in raw[1:-1].split(",") if v.strip()]
    return [raw]


def _matches(actual: str | None, wanted: list[str]) -> bool:
    if actual is None:
        return False
    return any(fnmatch.fnmatchcase(actual, w) if "*" in w else actual == w for w in wanted)


def matches(query: str, attributes: Mapping[str, str]) -> bool:
    """Whether an item with ``attributes`` (tags and fields, as text) passes ``query``."""
    terms = list(_TERM.finditer(query))
    rest = _TERM.sub(" ", query).strip()
    if rest:
        raise UnsupportedQuery(f"'{rest}' in the query '{query}' (only key:value terms joined "
                               "by spaces are modelled)")
    for term in terms:
        negated, key, raw = term.group(1) == "!", term.group(2), term.group(3)
        if raw.startswith((">", "<")):
            raise UnsupportedQuery(f"comparison '{term.group(0)}' in the query '{query}'")
        found = raw in attributes if key == "has" else _matches(attributes.get(key),
                                                                 _values(raw))
        if found == negated:
            return False
    return True
