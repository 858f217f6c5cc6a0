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

from sentry_iac.spec.errors import SpecError, SpecErrors
from sentry_iac.spec.fast_yaml import STR, FastLoader, read_plain

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

    def error(self, path: Sequence[str | int], message: str) -> SpecError:
        loc = self.locate(path)
        return SpecError(loc.file, loc.line, loc.column, format_path(path), message)


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
            return self._scalars.construct_object(node, deep=True)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            positions = self.source.positions
            items = []
            for index, item in enumerate(node.value):
                at = (*path, index)
                positions[at] = item.start_mark
                items.append(self.build(item, at))
            return items
        return self._scalars.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        positions = self.source.positions
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            mark = key_node.start_mark
            if key_node.__class__ is yaml.ScalarNode and key_node.tag == STR:
                key = key_node.value
            elif key_node.tag in _SPECIAL_KEYS:
                # A merge key (<<): PyYAML rewrites the mapping without it; start again.
                self._scalars.flatten_mapping(node)
                return self._mapping(node, path)
            else:
                raw_key = self.build(key_node, path)
                if not isinstance(raw_key, str | int | float | bool):
                    self.errors.append(
                        SpecError(self.source.file, mark.line + 1, mark.column + 1,
                                  format_path(path), "mapping keys must be plain text")
                    )
                    continue
                key = str(raw_key)
            at = (*path, key)
            if key in result:
                first_line = positions[at].line + 1
                self.errors.append(
                    SpecError(self.source.file, mark.line + 1, mark.column + 1, format_path(at),
                              f"duplicate key '{key}' (first defined at line {first_line})")
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
        raise SpecErrors([SpecError(display_name, 0, 0, "", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SpecErrors([SpecError(display_name, 0, 0, "", f"cannot read file: {exc}")]) from None
    return parse_yaml(text, display_name)


def parse_yaml(text: str, display_name: str) -> LoadedYaml:
    source = SourceMap(display_name)
    plain = read_plain(text, source.positions)  # the common case, straight from events
    if plain is not None:
        source.positions[()] = plain[1]
        return LoadedYaml(plain[0], source)
    try:
        nodes = list(yaml.compose_all(text, Loader=FastLoader))
    except yaml.YAMLError:
        nodes = _compose_slowly(text, display_name)
    if len(nodes) > 1:
        loc = _mark(display_name, nodes[1].start_mark)
        raise SpecErrors([SpecError(display_name, loc.line, loc.column, "",
                                    "expected one YAML document, found several ('---')")])
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
                       f"malformed YAML: {problem}{context}")]
        ) from None
    except yaml.YAMLError as exc:
        raise SpecErrors([SpecError(display_name, 1, 1, "", f"malformed YAML: {exc}")]) from None
