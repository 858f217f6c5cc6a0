"""Fast YAML reading for large projects: libyaml's parser, and data built from its events.

``source.parse_yaml`` composes a node graph and walks it; for 10,000 rules that graph is 320,000
nodes built, walked and freed again. A file without anchors, aliases, merge keys, explicit tags,
non-text keys or duplicate keys (every file sentry-iac writes, and nearly every one a person
does) can be read straight from the parser's events instead, about 40% faster. For anything
else, and for every malformed file, ``read_plain`` returns None and the node path runs: it stays
the one that decides what a file means and what its errors say.

Neither path recurses without bound: a file nested deeper than ``MAX_DEPTH`` levels goes to the
node path, which refuses it before composing (``source.check_structure``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

import yaml
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    Event,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)

STR = "tag:yaml.org,2002:str"
# Lists and mappings nest at most this deep. Configuration needs a dozen levels; building the
# data of a file nested 10,000 levels deep would exhaust Python's recursion limit.
MAX_DEPTH = 64


class FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser when PyYAML was built with it: about ten times faster than the
    pure-Python one. Its error texts differ, so a document it refuses is parsed again by the
    pure-Python parser (``source``), whose messages the bad-input corpus pins.

    Implicit tags are resolved in Python, one regular-expression search per scalar; the safe
    loader has no path-dependent resolvers, so the answer depends only on the text and is
    remembered (the same keys and values recur thousands of times in a large project)."""

    _tags: ClassVar[dict[tuple[Any, str, Any], str]] = {}

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is not yaml.ScalarNode:
            return super().resolve(kind, value, implicit)  # type: ignore[no-any-return]
        key = (kind, value, implicit)
        tag = self._tags.get(key)
        if tag is None:
            tag = remember(self._tags, key, super().resolve(kind, value, implicit))
        return tag


# A plain scalar's tag, by its text: the safe loader resolves it by regular expressions on the
# text alone (no path resolvers), and the same keys and values recur thousands of times.
_PLAIN_TAGS: dict[str, str] = {}
# The value of a plain number, true/false or null, by its text (immutable, so shared).
_PLAIN_VALUES: dict[str, Any] = {}
_IMMUTABLE = (int, float, bool)
_NOT_YET = object()
# Each memo starts again past this many texts, so a long-lived process stays bounded.
REMEMBERED = 200_000


def remember(memo: dict[Any, Any], key: Any, answer: Any) -> Any:
    """``answer``, kept in ``memo`` under ``key``."""
    if len(memo) >= REMEMBERED:
        memo.clear()
    memo[key] = answer
    return answer


class _Unusual(Exception):
    """Something only the node path handles (or reports)."""


def read_plain(text: str, positions: dict[Any, Any]) -> tuple[Any, Any] | None:
    """``(data, root mark)`` of a plain one-document file, filling ``positions`` (key path ->
    the mark of the key or item, as ``source.SourceMap`` keeps them); None when the file needs
    the node path."""
    parser = FastLoader(text)
    try:
        return _document(parser, positions)
    except (_Unusual, yaml.YAMLError):
        return None
    finally:
        parser.dispose()


def _document(parser: Any, positions: dict[Any, Any]) -> tuple[Any, Any]:
    get: Callable[[], Event] = parser.get_event
    if get().__class__ is not StreamStartEvent or get().__class__ is not DocumentStartEvent:
        raise _Unusual  # an empty file
    first = get()
    data = _reader(parser, positions)(first, ())
    if get().__class__ is not DocumentEndEvent or get().__class__ is not StreamEndEvent:
        raise _Unusual  # several documents
    return data, first.start_mark


def _reader(parser: Any, positions: dict[Any, Any]) -> Callable[[Any, tuple[Any, ...]], Any]:
    # Closures over locals: this runs for every event of every file.
    get = parser.get_event
    resolve = super(FastLoader, parser).resolve  # this reader keeps its own memo
    construct = yaml.constructor.SafeConstructor().construct_object
    scalar_node = yaml.ScalarNode

    tags = _PLAIN_TAGS  # plain text -> its tag; the safe loader's answer depends on nothing else
    plain_tag = tags.get
    values = _PLAIN_VALUES
    plain_value = values.get

    def node(event: Any, path: tuple[Any, ...]) -> Any:
        kind = event.__class__
        if event.anchor is not None or event.tag is not None:
            raise _Unusual
        if kind is ScalarEvent:
            value = event.value
            if not event.implicit[0]:
                return value  # quoted or a block (| >): text, whatever it spells
            tag = plain_tag(value)
            if tag is None:
                tag = remember(tags, value, resolve(scalar_node, value, event.implicit))
            if tag == STR:
                return value
            known = plain_value(value, _NOT_YET)
            if known is not _NOT_YET:
                return known
            try:
                made = construct(scalar_node(tag, value, event.start_mark, event.end_mark,
                                             event.style))
            except (ValueError, OverflowError):
                raise _Unusual from None  # e.g. the date 2024-02-30: the node path says so
            if made is None or made.__class__ in _IMMUTABLE:
                remember(values, value, made)
            return made
        if len(path) >= MAX_DEPTH:
            raise _Unusual  # too deep: the node path says so
        if kind is MappingStartEvent:
            result: dict[str, Any] = {}
            while True:
                key = get()
                if key.__class__ is MappingEndEvent:
                    return result
                if key.__class__ is not ScalarEvent or key.anchor is not None or (
                        key.tag is not None):
                    raise _Unusual
                text = key.value
                if text in result:
                    raise _Unusual  # a duplicate key: the node path reports it
                if key.implicit[0]:
                    tag = plain_tag(text)
                    if tag is None:
                        tag = remember(tags, text, resolve(scalar_node, text, key.implicit))
                    if tag != STR:
                        raise _Unusual  # merge (<<) or non-text keys
                at = (*path, text)
                positions[at] = key.start_mark
                result[text] = node(get(), at)
        if kind is SequenceStartEvent:
            items: list[Any] = []
            while True:
                item = get()
                if item.__class__ is SequenceEndEvent:
                    return items
                at = (*path, len(items))
                positions[at] = item.start_mark
                items.append(node(item, at))
        raise _Unusual  # an alias

    return node
