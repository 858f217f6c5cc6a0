"""What a dynamic provider receives from Pulumi's engine, turned into what Sentry takes.

Pulumi's wire has only doubles (pulumi/pulumi#13830): a ``60`` the program registers reaches
the provider as ``60.0``. Sentry's serializers care: DRF's ``IntegerField`` takes ``60.0`` but
refuses ``60.5``, a dashboard widget's ``LayoutField`` refuses anything but an ``int``, and
the workflow engine's condition schemas declare integers. And the Python provider host drops
every null inside an object (``rpc.deserialize_properties``), so a field the program set to
``None`` arrives absent.

So each dynamic kind declares, once, the type Sentry gives every number it sends (``WireTypes``)
and the fields Sentry must receive as null when they are absent. Every provider goes through it
on every call (``runtime.SentryApiProvider``): ``problems`` refuses, in ``Check``, a value no
field accepts (a fraction where Sentry wants a whole number, text for a number, a number nobody
declared) before anything is sent; ``to_sentry`` makes the values Sentry's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi.output import Unknown

Segment = str | int


@dataclass(frozen=True)
class NumberType:
    """How Sentry reads a number field."""

    name: str  # "a whole number" or "a number": what a failure says is allowed
    whole: bool

    def convert(self, value: Any) -> tuple[Any, str | None]:
        """The value as Sentry takes it, and what is wrong with it (None if nothing)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return value, self.name
        if not self.whole:
            return value, None
        if isinstance(value, float) and not value.is_integer():
            return value, self.name
        return int(value), None


WHOLE = NumberType("a whole number", whole=True)
NUMBER = NumberType("a number", whole=False)


def _segments(pattern: str) -> tuple[str, ...]:
    """``widgets[].layout.x`` -> ("widgets", "[]", "layout", "x")."""
    return tuple(part for piece in pattern.split(".") for part in
                 ([piece[:-2], "[]"] if piece.endswith("[]") else [piece]))


def _matches(pattern: Sequence[str], path: Sequence[Segment]) -> bool:
    if not pattern:
        return not path
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_matches(rest, path[i:]) for i in range(len(path) + 1))
    if not path:
        return False
    segment = path[0]
    if head == "[]":
        ok = isinstance(segment, int)
    else:
        ok = not isinstance(segment, int) and head in ("*", segment)
    return ok and _matches(rest, path[1:])


def dotted(path: Sequence[Segment]) -> str:
    """("widgets", 0, "layout", "x") -> ``widgets[0].layout.x``."""
    text = ""
    for segment in path:
        text += f"[{segment}]" if isinstance(segment, int) else (
            f".{segment}" if text else segment)
    return text


@dataclass(frozen=True)
class WireProblem:
    path: tuple[Segment, ...]
    message: str

    @property
    def top(self) -> str:
        """The input a Pulumi check failure names."""
        return str(self.path[0]) if self.path else ""


@dataclass(frozen=True)
class WireTypes:
    """The numbers one dynamic kind sends, by path (``*`` any key, ``[]`` any element, ``**``
    any depth), and the paths Sentry must receive as null when they are absent."""

    numbers: Mapping[str, NumberType] = field(default_factory=dict)
    nulls: tuple[str, ...] = ()
    # Refuse numbers at paths not declared above. Off for settings, whose own validation
    # knows every setting's type and says it at the YAML key.
    strict: bool = True

    def _type_of(self, path: Sequence[Segment]) -> tuple[NumberType, bool] | None:
        """The type of the number at ``path``, and whether the path names one field (which
        must then hold a number) rather than a subtree (whose numbers have that type)."""
        for pattern, kind in self.numbers.items():
            segments = _segments(pattern)
            if _matches(segments, path):
                return kind, "**" not in segments
        return None

    def problems(self, props: Mapping[str, Any]) -> list[WireProblem]:
        """Every value that no field of this kind accepts (checked inputs only), each at its
        YAML key where the resource's ``sources`` names it."""
        sources = props.get("sources")
        out = []
        for path, value in _leaves(props, ()):
            found = self._type_of(path)
            if found is not None and (found[1] or _is_number(value)):
                _, problem = found[0].convert(value)
                if problem:
                    out.append(WireProblem(path, f"{_where(sources, path)}{dotted(path)} must "
                                                 f"be {problem}, not {value!r}"))
            elif found is None and self.strict and _is_number(value):
                out.append(WireProblem(path, f"{_where(sources, path)}{dotted(path)} is not a "
                                             f"number field Sentry takes, so {value!r} cannot "
                                             "be sent"))
        return out

    def to_sentry(self, props: Mapping[str, Any]) -> dict[str, Any]:
        """``props`` with numbers in Sentry's types and the declared nulls put back. Values of
        the wrong shape are left as they are (``problems`` reported them in Check)."""
        converted = _convert(dict(props), (), self)
        for pattern in self.nulls:
            _put_null(converted, _segments(pattern))
        return dict(converted)


def _where(sources: Any, path: Sequence[Segment]) -> str:
    """``org.yaml:12:5: `` when ``sources`` maps the field (by its path below the input, with
    or without list indices), else nothing."""
    if not isinstance(sources, Mapping) or len(path) < 2:
        return ""
    below = path[1:]
    for key in (dotted(below), ".".join(str(s) for s in below if not isinstance(s, int)),
                ".".join(str(s) for s in below)):
        if isinstance(sources.get(key), str):
            return f"{sources[key]}: "
    return ""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _leaves(value: Any, path: tuple[Segment, ...]) -> Iterator[tuple[tuple[Segment, ...], Any]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    elif not isinstance(value, Unknown):  # a preview's unknown has no shape yet
        yield path, value


def _convert(value: Any, path: tuple[Segment, ...], types: WireTypes) -> Any:
    if isinstance(value, Mapping):
        return {key: _convert(item, (*path, key), types) for key, item in value.items()}
    if isinstance(value, list):
        return [_convert(item, (*path, i), types) for i, item in enumerate(value)]
    if _is_number(value):
        found = types._type_of(path)
        if found is not None:
            converted, problem = found[0].convert(value)
            return value if problem else converted
    return value


def _put_null(value: Any, pattern: Sequence[str]) -> None:
    """Set the last key of ``pattern`` to None where its parent exists and lacks it."""
    if not pattern:
        return
    head, rest = pattern[0], pattern[1:]
    if isinstance(value, dict):
        if not rest:
            value.setdefault(head, None)
        elif head == "*":
            for item in value.values():
                _put_null(item, rest)
        elif head in value:
            _put_null(value[head], rest)
    elif isinstance(value, list) and head == "[]":
        for item in value:
            _put_null(item, rest)
