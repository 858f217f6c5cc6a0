"""The models' field docstrings, read from their source when something needs them (the JSON
Schema, ``review.schema``), not each time the models are imported.

Pydantic's ``use_attribute_docstrings`` reads the source of every model as the class is made: a
fifth of importing the models, which every command that reads the configuration pays, for text
that only ``sentry-iac schema`` shows. ``document_fields`` does what that option does, once and
on demand: a field with no description takes the string literal below it in its class, and the
models are rebuilt so that their JSON Schema carries it.
"""

from __future__ import annotations

import inspect
import typing
from typing import Any

from pydantic import BaseModel
from pydantic._internal._docs_extraction import extract_docstrings_from_cls

from sentry_iac.config.base import Strict

_documented = False


def _models() -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    todo: list[type[BaseModel]] = [Strict]
    while todo:
        cls = todo.pop()
        if cls not in found:
            found.append(cls)
            todo += cls.__subclasses__()
    return found


def _nested(annotation: Any) -> list[type[BaseModel]]:
    """The models an annotation holds (``list[Team]``, ``Channel | None``...)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _nested(arg)]


def _inner_first(models: list[type[BaseModel]]) -> list[type[BaseModel]]:
    """Every model after the models its fields hold: a rebuilt model takes its fields' models'
    schemas as they are, so those are rebuilt first."""
    ordered: list[type[BaseModel]] = []

    def visit(cls: type[BaseModel], seen: set[type[BaseModel]]) -> None:
        if cls in ordered or cls in seen:
            return
        seen.add(cls)
        for field in cls.model_fields.values():
            for inner in _nested(field.annotation):
                visit(inner, seen)
        ordered.append(cls)

    for cls in models:
        visit(cls, set())
    return ordered


def document_fields() -> None:
    """Give every field of sentry-iac's models its docstring as its description."""
    global _documented
    if _documented:
        return
    models = _models()
    docs = {cls: extract_docstrings_from_cls(cls, use_inspect=True) for cls in models}
    for cls in models:
        for name, field in cls.model_fields.items():
            if field.description is not None:
                continue
            # The class that declares the field (a subclass's field is a copy of its base's).
            for owner in cls.__mro__:
                if name in inspect.get_annotations(owner):
                    if name in docs.get(owner, {}):
                        field.description = docs[owner][name]
                    break
    for cls in _inner_first(models):
        cls.model_rebuild(force=True)
    _documented = True
