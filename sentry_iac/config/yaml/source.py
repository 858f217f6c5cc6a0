"""YAML loading that remembers where every value came from.

Pydantic reports problems by key path (``("projects", 1, "teams", 0)``); people fix files by line.
Loading through PyYAML's node graph keeps both, so every message can say ``org.yaml:12:5``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from sentry_iac.config.errors import SpecError, SpecErrors
from sentry_iac.config.yaml.fast_yaml import MAX_DEPTH, STR, FastLoader, read_plain

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Location:
    """A 1-based line and column in one file, as editors show them."""

    file: str
    line: int
    column: int


class _Mark(Protocol):
    """A parser position: PyYAML's ``Mark`` or libyaml's (they share no base class)."""

    line: int
    column: int


@dataclass
class SourceMap:
    """Key path -> location of the key (in a mapping) or the item (in a sequence).

    Positions are kept as the parser's marks (0-based ``line`` and ``column``) and turned into
    ``Location`` only when asked for: a 10,000-rule project has hundreds of thousands of them
    and few are ever read.
    """

    file: str
    positions: dict[KeyPath, _Mark] = field(default_factory=dict)

    def locate(self, path: Sequence[str | int]) -> Location:
        """The location of ``path``, or of its nearest ancestor that the file spells out."""
        key = tuple(path)
        while key:
            found = self.positions.get(key)
            if found is not None:
                return Location(self.file, found.line + 1, found.column + 1)
            key = key[:-1]
        root = self.positions.get(())
        return _mark(self.file, root)

    def error(self, path: Sequence[str | int], message: str, *, check: str) -> SpecError:
        """A problem at ``path``, found by the check ``check`` (config.checks.registry)."""
        loc = self.locate(path)
        return SpecError(loc.file, loc.line, loc.column, format_path(path), message, check)


def format_path(path: Sequence[str | int]) -> str:
    """``("projects", 1, "teams", 0)`` -> ``projects[1].teams[0]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass(frozen=True)
class LoadedYaml:
    data: Any
    source: SourceMap


def _mark(file: str, mark: _Mark | None) -> Location:
    if mark is None:
        return Location(file, 1, 1)
    return Location(file, mark.line + 1, mark.column + 1)


# Keys that PyYAML's flatten_mapping rewrites: merge (<<) and value (=) keys.
_SPECIAL_KEYS = frozenset({"tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"})
_CORE = "tag:yaml.org,2002:"
SEQ, MAP = f"{_CORE}seq", f"{_CORE}map"
# The scalar tags plain YAML resolves to, and how a value that fails one reads to people.
_SCALAR_TAGS = {f"{_CORE}int": "a whole number", f"{_CORE}float": "a number",
                f"{_CORE}bool": "true or false", f"{_CORE}null": "null",
                f"{_CORE}timestamp": "a date (YYYY-MM-DD)"}
# Values that aliases (*name) and merge keys (<<: *name) may add to a file. Each alias repeats
# everything its anchor holds, aliases included, so 400 bytes can stand for billions of values
# ("billion laughs"); real files that share a few blocks add a few thousand.
MAX_ALIAS_VALUES = 100_000
_PLAIN_YAML = ("sentry-iac reads plain YAML: text, numbers, true/false, null, lists and "
               "mappings")


def _tag_name(tag: str) -> str:
    return _shorten("!!" + tag[len(_CORE):] if tag.startswith(_CORE) else tag)


def _shorten(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


class _Frame:
    """An open list or mapping while ``check_structure`` reads a file's events."""

    __slots__ = ("anchor", "index", "is_map", "key", "on_value", "start")

    def __init__(self, is_map: bool, anchor: str | None, start: int) -> None:
        self.is_map = is_map
        self.anchor = anchor
        self.start = start  # values produced before this one began
        self.index = 0  # a list: the next item's index
        self.on_value = False  # a mapping: whether the next node is a value (else a key)
        self.key: str | int = "?"  # a mapping: the key of the value being read

    def done(self, node: object) -> None:
        """A node directly inside this one ends (``node``: its event)."""
        if not self.is_map:
            self.index += 1
        elif self.on_value:
            self.on_value = False
        else:
            self.on_value = True
            self.key = node.value if isinstance(node, ScalarEvent) else "?"


def _path(frames: list[_Frame]) -> KeyPath:
    path: list[str | int] = []
    for frame in frames:
        if frame.is_map and not frame.on_value:
            break  # inside a key that is a list or mapping
        path.append(frame.key if frame.is_map else frame.index)
    return tuple(path)


def check_structure(text: str, display_name: str, loader: Any = FastLoader) -> SpecError | None:
    """The first thing in ``text`` that would make building its data unbounded: nesting deeper
    than ``MAX_DEPTH``, an alias inside the value it names, or aliases that add more than
    ``MAX_ALIAS_VALUES`` values. Read from the parser's events, before any node is composed;
    None as well for malformed YAML, which the composer reports."""
    parser = loader(text)
    try:
        return _scan(parser, display_name)
    except yaml.YAMLError:
        return None
    finally:
        parser.dispose()


def _scan(parser: Any, file: str) -> SpecError | None:
    get = parser.get_event
    frames: list[_Frame] = []
    sizes: dict[str, int] = {}  # anchor -> how many values an alias of it adds
    produced = 0  # values built so far, aliases expanded
    from_aliases = 0

    def fail(event: Any, path: KeyPath, message: str, check: str) -> SpecError:
        mark = event.start_mark
        return SpecError(file, mark.line + 1, mark.column + 1, format_path(path), message,
                         check)

    while True:
        event = get()
        kind = event.__class__
        if kind is ScalarEvent or kind is AliasEvent:
            if kind is ScalarEvent:
                produced += 1
                if event.anchor is not None:
                    sizes[event.anchor] = 1
            else:
                anchor = event.anchor
                if any(frame.anchor == anchor for frame in frames):
                    return fail(event, _path(frames),
                                f"the alias *{anchor} is inside the value &{anchor} it names, "
                                "so that value would contain itself without end; write the "
                                "value out instead", "yaml/recursive-alias")
                added = sizes.get(anchor, 1)  # an undefined alias: the composer reports it
                produced += added
                from_aliases += added
                if from_aliases > MAX_ALIAS_VALUES:
                    return fail(event, _path(frames),
                                f"the aliases of this file add more than "
                                f"{MAX_ALIAS_VALUES:,} values (each alias repeats everything "
                                "its anchor holds, aliases included); write the values out or "
                                "nest fewer aliases", "yaml/alias-bomb")
            if frames:
                frames[-1].done(event)
        elif kind is MappingStartEvent or kind is SequenceStartEvent:
            if len(frames) >= MAX_DEPTH:
                path = _path(frames)
                where = format_path(path[:3]) + ("..." if len(path) > 3 else "")
                mark = event.start_mark
                return SpecError(file, mark.line + 1, mark.column + 1, where,
                                 f"lists and mappings nest more than {MAX_DEPTH} levels deep "
                                 "here; sentry-iac's files need about ten, so this is not a "
                                 "configuration it can read", "yaml/too-deep")
            frames.append(_Frame(kind is MappingStartEvent, event.anchor, produced))
            produced += 1
        elif kind is MappingEndEvent or kind is SequenceEndEvent:
            frame = frames.pop()
            if frame.anchor is not None:
                sizes[frame.anchor] = produced - frame.start
            if frames:
                frames[-1].done(event)
        elif kind is DocumentStartEvent:
            sizes.clear()  # anchors belong to one document
        elif kind is StreamEndEvent:
            return None


class _Builder:
    """Turns a composed node graph into plain data, recording locations and duplicate keys.

    Files ``fast_yaml.read_plain`` cannot read come here: anchors, merge keys, explicit tags,
    duplicate keys. Plain strings skip PyYAML's constructor machinery all the same.
    """

    def __init__(self, file: str) -> None:
        self.source = SourceMap(file)
        self.errors: list[SpecError] = []
        self._scalars = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        kind = node.__class__
        if kind is yaml.ScalarNode:
            if node.tag == STR:
                return node.value
            if node.tag not in _SCALAR_TAGS:
                return self._unsupported(node, path)
            try:
                return self._scalars.construct_object(node, deep=True)
            except (ValueError, OverflowError, yaml.YAMLError):
                self._scalars.recursive_objects.clear()
                self._fail(node, path, f"'{_shorten(node.value)}' cannot be read as "
                           f"{_SCALAR_TAGS[node.tag]}; put it in quotes if it is text",
                           "yaml/unreadable-value")
                return None
        if isinstance(node, yaml.MappingNode):
            if node.tag != MAP:
                return self._unsupported(node, path)
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != SEQ:
                return self._unsupported(node, path)
            positions = self.source.positions
            items = []
            for index, item in enumerate(node.value):
                at = (*path, index)
                positions[at] = item.start_mark
                items.append(self.build(item, at))
            return items
        return self._unsupported(node, path)

    def _fail(self, node: yaml.Node, path: KeyPath, message: str, check: str) -> None:
        mark = node.start_mark
        self.errors.append(SpecError(self.source.file, mark.line + 1, mark.column + 1,
                                     format_path(path), message, check))

    def _unsupported(self, node: yaml.Node, path: KeyPath) -> None:
        """An explicit tag (``!Ref x``, ``!!binary``): no value means what it would elsewhere."""
        self._fail(node, path, f"the YAML tag '{_tag_name(node.tag)}' is not supported: "
                   f"{_PLAIN_YAML}; write the value itself", "yaml/tag")

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        positions = self.source.positions
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            if key_node.__class__ is yaml.ScalarNode and key_node.tag == STR:
                key = key_node.value
            elif key_node.tag in _SPECIAL_KEYS:
                # A merge key (<<): PyYAML rewrites the mapping without it; start again.
                try:
                    self._scalars.flatten_mapping(node)
                except yaml.YAMLError:
                    self._fail(key_node, (*path, key_node.value),
                               "a merge key takes a mapping, an alias of one or a list of "
                               "them, e.g. <<: *defaults", "yaml/merge-key")
                    return {}
                return self._mapping(node, path)
            else:
                reported = len(self.errors)
                raw_key = self.build(key_node, path)
                if len(self.errors) > reported:
                    continue  # a key with a tag it cannot have, already reported
                if not isinstance(raw_key, str | int | float | bool):
                    self.errors.append(
                        SpecError(self.source.file, mark.line + 1, mark.column + 1,
                                  format_path(path), "mapping keys must be plain text",
                                  "yaml/key-not-text")
                    )
                    continue
                key = str(raw_key)
            at = (*path, key)
            if key in result:
                first_line = positions[at].line + 1
                self.errors.append(
                    SpecError(self.source.file, mark.line + 1, mark.column + 1, format_path(at),
                              f"duplicate key '{key}' (first defined at line {first_line})",
                              "yaml/duplicate-key")
                )
                continue
            positions[at] = mark
            result[key] = self.build(value_node, at)
        return result


def load_yaml(path: Path, display_name: str) -> LoadedYaml:
    """Parse one YAML document, keeping the location of every key and item.

    Raises ``SpecErrors`` for a missing file, malformed YAML or duplicate keys.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecErrors([SpecError(display_name, 0, 0, "", "file not found",
                                    "file/unreadable")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecErrors([SpecError(display_name, 0, 0, "", f"cannot read file: {exc}",
                                    "file/unreadable")]) from None
    return parse_yaml(text, display_name)


def parse_yaml(text: str, display_name: str) -> LoadedYaml:
    source = SourceMap(display_name)
    plain = read_plain(text, source.positions)  # the common case, straight from events
    if plain is not None:
        source.positions[()] = plain[1]
        return LoadedYaml(plain[0], source)
    problem = check_structure(text, display_name)
    if problem is not None:
        raise SpecErrors([problem])
    try:
        nodes = list(yaml.compose_all(text, Loader=FastLoader))
    except yaml.YAMLError:
        nodes = _compose_slowly(text, display_name)
    if len(nodes) > 1:
        loc = _mark(display_name, nodes[1].start_mark)
        raise SpecErrors([SpecError(display_name, loc.line, loc.column, "",
                                    "expected one YAML document, found several ('---')",
                                    "yaml/several-documents")])
    builder = _Builder(display_name)
    if not nodes:
        return LoadedYaml(None, builder.source)
    builder.source.positions[()] = nodes[0].start_mark
    data = builder.build(nodes[0], ())
    if builder.errors:
        raise SpecErrors(builder.errors)
    return LoadedYaml(data, builder.source)


def _compose_slowly(text: str, display_name: str) -> list[yaml.Node]:
    """The pure-Python parser, for its error messages (or for what only it accepts)."""
    unbounded = check_structure(text, display_name, yaml.SafeLoader)  # it composes recursively
    if unbounded is not None:
        raise SpecErrors([unbounded])
    try:
        return list(yaml.compose_all(text, Loader=yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        loc = _mark(display_name, exc.problem_mark)
        problem = exc.problem or "malformed YAML"
        context = ""
        if exc.context:
            started = (f" that starts at line {exc.context_mark.line + 1}"
                       if exc.context_mark is not None else "")
            context = f" ({exc.context}{started})"
        raise SpecErrors(
            [SpecError(display_name, loc.line, loc.column, "",
                       f"malformed YAML: {problem}{context}", "yaml/malformed")]
        ) from None
    except yaml.YAMLError as exc:
        raise SpecErrors([SpecError(display_name, 1, 1, "", f"malformed YAML: {exc}",
                                    "yaml/malformed")]) from None
