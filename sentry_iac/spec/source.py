"""YAML loading that remembers where every value came from.

Pydantic reports problems by key path (``("projects", 1, "teams", 0)``); people fix files by line.
Loading through PyYAML's node graph keeps both, so every message can say ``org.yaml:12:5``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sentry_iac.spec.errors import SpecError, SpecErrors

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True)
class Location:
    """A 1-based line and column in one file, as editors show them."""

    file: str
    line: int
    column: int


@dataclass
class SourceMap:
    """Key path -> location of the key (in a mapping) or the item (in a sequence)."""

    file: str
    locations: dict[KeyPath, Location] = field(default_factory=dict)

    def locate(self, path: Sequence[str | int]) -> Location:
        """The location of ``path``, or of its nearest ancestor that the file spells out."""
        key = tuple(path)
        while key:
            if key in self.locations:
                return self.locations[key]
            key = key[:-1]
        return self.locations.get((), Location(self.file, 1, 1))

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


def _mark(file: str, mark: yaml.Mark | None) -> Location:
    if mark is None:
        return Location(file, 1, 1)
    return Location(file, mark.line + 1, mark.column + 1)


class _Builder:
    """Turns a composed node graph into plain data, recording locations and duplicate keys."""

    def __init__(self, file: str) -> None:
        self.source = SourceMap(file)
        self.errors: list[SpecError] = []
        self._scalars = yaml.constructor.SafeConstructor()

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            items = []
            for index, item in enumerate(node.value):
                self.source.locations[(*path, index)] = _mark(self.source.file, item.start_mark)
                items.append(self.build(item, (*path, index)))
            return items
        return self._scalars.construct_object(node, deep=True)

    def _mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict[str, Any]:
        self._scalars.flatten_mapping(node)  # resolves YAML merge keys (<<)
        result: dict[str, Any] = {}
        seen: dict[str, Location] = {}
        for key_node, value_node in node.value:
            loc = _mark(self.source.file, key_node.start_mark)
            raw_key = self.build(key_node, path)
            if not isinstance(raw_key, str | int | float | bool):
                self.errors.append(
                    SpecError(loc.file, loc.line, loc.column, format_path(path),
                              "mapping keys must be plain text")
                )
                continue
            key = str(raw_key)
            if key in seen:
                first = seen[key]
                self.errors.append(
                    SpecError(loc.file, loc.line, loc.column, format_path((*path, key)),
                              f"duplicate key '{key}' (first defined at line {first.line})")
                )
                continue
            seen[key] = loc
            self.source.locations[(*path, key)] = loc
            result[key] = self.build(value_node, (*path, key))
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
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
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
    if len(nodes) > 1:
        loc = _mark(display_name, nodes[1].start_mark)
        raise SpecErrors([SpecError(display_name, loc.line, loc.column, "",
                                    "expected one YAML document, found several ('---')")])
    builder = _Builder(display_name)
    if not nodes:
        return LoadedYaml(None, builder.source)
    builder.source.locations[()] = _mark(display_name, nodes[0].start_mark)
    data = builder.build(nodes[0], ())
    if builder.errors:
        raise SpecErrors(builder.errors)
    return LoadedYaml(data, builder.source)
