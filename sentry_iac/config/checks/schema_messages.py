"""Pydantic's validation errors, rewritten as messages that say what is allowed."""

from __future__ import annotations

import math
import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from sentry_iac.config.base import SLUG_PATTERN
from sentry_iac.config.environments import ENVIRONMENT_MEANING, ENVIRONMENT_PATTERN
from sentry_iac.config.errors import SpecError
from sentry_iac.config.yaml.source import SourceMap, format_path

# What a regular expression in the models means, for people.
_PATTERN_MEANING = {
    SLUG_PATTERN: "a slug: lowercase letters, digits, '-' and '_', not only digits",
    r"^[a-z0-9][a-z0-9_-]*$": "a name: lowercase letters, digits, '-' and '_'",
    ENVIRONMENT_PATTERN: ENVIRONMENT_MEANING,
    r"^[^@\s]+@[^@\s]+\.[^@\s]+$": "an email address",
    r"^[#@].+": "a Slack channel starting with '#' or a user starting with '@'",
    r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$": "a GitHub repository as owner/name",
}


def describe(value: Any) -> str:
    """How a YAML value reads to the person who wrote it."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        shown = number(value)
        return shown if shown.startswith("a number") else f"the number {shown}"
    if isinstance(value, str):
        return f"the text '{visible(value)}'"
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\f": "\\f"}


def visible(text: str, limit: int = 200) -> str:
    """``text`` on one line: control characters as escapes (a trailing line break from a ``|``
    block shows as ``\\n``), and a long text cut short."""
    if len(text) > limit:
        text = f"{text[:limit]}... ({len(text)} characters)"
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _ESCAPES.get(c, f"\\u{ord(c):04x}") for c in text)


def number(value: float) -> str:
    """A number as YAML spells it; one with more digits than anyone reads is not repeated."""
    if isinstance(value, float) and math.isnan(value):
        return ".nan (not a number)"
    if isinstance(value, float) and math.isinf(value):
        return f"{'-' if value < 0 else ''}.inf (infinity)"
    if isinstance(value, int) and not -10**20 < value < 10**20:
        return "a number of more than 20 digits"  # (str() refuses ints of over 4,300 digits)
    return str(value)


def _unwrap(annotation: Any) -> list[Any]:
    """The concrete types an annotation may hold (Optional/Annotated/unions unwrapped)."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _inside(candidate: Any, part: str | int) -> list[Any]:
    """The types that the item or key ``part`` of a ``candidate`` value may hold."""
    origin = typing.get_origin(candidate)
    args = typing.get_args(candidate)
    if isinstance(candidate, type) and issubclass(candidate, BaseModel):
        field = candidate.model_fields.get(str(part)) or next(
            (f for f in candidate.model_fields.values() if f.alias == part), None)
        return _unwrap(field.annotation) if field is not None else []
    if origin in (list, tuple) and isinstance(part, int) and args:
        return _unwrap(args[0])
    if origin is dict and isinstance(part, str) and len(args) == 2:
        return _unwrap(args[1])
    return []


def model_at(root: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model class that validates the object at ``loc`` (for listing its allowed keys)."""
    current: list[Any] = [root]
    for part in loc:
        current = [found for candidate in current for found in _inside(candidate, part)]
    models = [c for c in current if isinstance(c, type) and issubclass(c, BaseModel)]
    return models[0] if models else None


def _range_message(error: ErrorDetails) -> str:
    ctx = error.get("ctx", {})
    got = error.get("input")
    bounds = {
        "greater_than_equal": f"must be at least {ctx.get('ge')}",
        "less_than_equal": f"must be at most {ctx.get('le')}",
        "greater_than": f"must be greater than {ctx.get('gt')}",
        "less_than": f"must be less than {ctx.get('lt')}",
    }
    shown = number(got) if isinstance(got, int | float) and not isinstance(got, bool) else got
    return f"{bounds[error['type']]} (got {shown})"


# pydantic's error kinds -> the check id of the message (config.checks.registry)
_KIND_CHECKS = {
    "extra_forbidden": "schema/unknown-key", "missing": "schema/missing-key",
    "literal_error": "schema/choice", "enum": "schema/choice",
    "greater_than_equal": "schema/range", "less_than_equal": "schema/range",
    "greater_than": "schema/range", "less_than": "schema/range",
    "string_pattern_mismatch": "schema/pattern",
    "string_too_long": "schema/length", "string_too_short": "schema/length",
    "too_short": "schema/length", "too_long": "schema/length",
}


def check_of(error: ErrorDetails) -> str:
    """The check id of one pydantic error: by its kind, or the one a validator's
    ``InvalidValue`` names."""
    kind = error["type"]
    named = getattr(error.get("ctx", {}).get("error"), "check", None)
    if kind == "value_error" and isinstance(named, str):
        return named
    if kind.endswith(("_type", "_parsing")) or kind == "int_from_float":
        return "schema/type"
    return _KIND_CHECKS.get(kind, "schema/invalid")


def to_spec_errors(
    root: type[BaseModel], errors: Sequence[ErrorDetails], source: SourceMap
) -> list[SpecError]:
    """One ``SpecError`` per pydantic error, placed at the YAML key it concerns."""
    out: list[SpecError] = []
    for error in errors:
        loc = tuple(part for part in error["loc"])
        kind = error["type"]
        value = error.get("input")
        ctx = error.get("ctx", {})
        check = check_of(error)
        if kind == "extra_forbidden":
            parent, key = loc[:-1], loc[-1]
            model = model_at(root, parent)
            allowed = ", ".join(f.alias or n for n, f in model.model_fields.items()) if model \
                else "none"
            at = source.locate(loc)
            out.append(SpecError(at.file, at.line, at.column, format_path(parent),
                                 f"unknown key '{key}' (allowed: {allowed})", check))
            continue
        if kind == "missing":
            parent, key = loc[:-1], loc[-1]
            out.append(source.error(parent, f"missing required key '{key}'", check=check))
            continue
        message = _message(kind, value, ctx, error)
        # A validator of a whole object may name the key it is about: "@critical: ...".
        if kind == "value_error" and message.startswith("@") and ": " in message:
            where, message = message[1:].split(": ", 1)
            loc = (*loc, *where.split("."))
        out.append(source.error(loc, message, check=check))
    return out


def _edges(value: Any) -> str:
    """Why a text that looks right is not: a line break or space at an end."""
    if not isinstance(value, str) or value == value.strip() or not value.strip():
        return ""
    if value.rstrip(" \t") != value.rstrip():
        return (" (it ends in a line break, as a `|` or `>` block leaves one: write the value "
                "on the key's line, or use `|-`)")
    return " (it begins or ends with a space or tab)"


def _message(kind: str, value: Any, ctx: dict[str, Any], error: ErrorDetails) -> str:
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"{describe(value)} is not allowed; use one of: {expected}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return _range_message(error)
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern"))
        meaning = _PATTERN_MEANING.get(pattern, f"text matching {pattern}")
        return f"{describe(value)} is not {meaning}{_edges(value)}"
    if kind == "string_too_long":
        return f"{describe(value)} is longer than {ctx.get('max_length')} characters"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} item(s)"
    if kind in ("string_type", "str_type"):
        return f"expected text, got {describe(value)}"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return f"expected a whole number, got {describe(value)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {describe(value)}"
    if kind in ("list_type", "tuple_type"):
        return f"expected a list, got {describe(value)}"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"expected a mapping, got {describe(value)}"
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return str(error["msg"])
