"""Key casing as Sentry's ``CamelSnakeSerializer`` does it (SENTRY_ALERTS_API.md section 2.1).

Source: ``src/sentry/api/serializers/rest_framework/base.py``: ``CamelSnakeSerializer.__init__``
runs ``convert_dict_key_case(data, camel_to_snake_case)`` over the whole body before DRF sees
it, and its ``errors`` property converts the error keys back with ``snake_to_camel_case``.

- Requests may use camelCase or snake_case at any depth; the validators see snake_case.
- Sending both spellings of one key is refused by ``convert_dict_key_case`` with
  "{key} collides with {converted_key}, please pass only one value". That error is raised in
  the serializer's constructor, outside ``errors``, so its key is the one sent, unconverted.
- Keys nested under ``additional_fields`` / ``additionalFields`` are kept as sent
  (``_OPAQUE_DICT_KEYS``: third-party identifiers such as Jira's ``fixVersions``); only the
  container key itself is converted.
- Answers and error keys are camelCase.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.fake_sentry.validation import Invalid

# django.utils.text.re_camel_case, which camel_to_snake_case uses.
_HUMP = re.compile(r"(((?<=[a-z])[A-Z])|([A-Z](?![A-Z]|$)))")
# base.py _OPAQUE_DICT_KEYS: containers whose own keys are never converted.
OPAQUE_KEYS = frozenset({"additional_fields", "additionalFields"})


class Collision(Invalid):
    """The "collides with" 400, raised before any field is validated."""


def snake(key: str) -> str:
    """base.py ``camel_to_snake_case``."""
    return _HUMP.sub(r"_\1", key).strip("_").lower()


def camel(key: str) -> str:
    """base.py ``snake_to_camel_case``, except that a key without ``_`` is kept as it is.

    Sentry lower-cases the first word (``"fooBar"`` would become ``"foobar"``); it only ever
    converts snake_case field names, and the fake also runs answers through this, where keys may
    already be camelCase: converting twice must change nothing.
    """
    if "_" not in key:
        return key
    words = key.strip("_").split("_")
    return words[0].lower() + "".join(word.capitalize() for word in words[1:])


def snake_keys(value: Any) -> Any:
    """Every dict key in ``value`` turned to snake_case (``convert_dict_key_case``)."""
    if isinstance(value, list):
        return [snake_keys(item) for item in value]
    if not isinstance(value, dict):
        return value
    converted: dict[str, Any] = {}
    for key, item in value.items():
        new_key = snake(key) if isinstance(key, str) else key
        if new_key != key and new_key in value:
            raise Collision({key: f"{key} collides with {new_key}, please pass only one value"})
        opaque = key in OPAQUE_KEYS and isinstance(item, dict)
        converted[new_key] = item if opaque else snake_keys(item)
    return converted


def camel_keys(value: Any) -> Any:
    """Every dict key turned to camelCase, containers in ``OPAQUE_KEYS`` left as they are."""
    if isinstance(value, list):
        return [camel_keys(item) for item in value]
    if not isinstance(value, dict):
        return value
    return {
        camel(key) if isinstance(key, str) else key: (
            v if key in OPAQUE_KEYS and isinstance(v, dict) else camel_keys(v)
        )
        for key, v in value.items()
    }


@contextmanager
def camel_errors() -> Iterator[None]:
    """Re-raise validation errors with camelCase keys, as ``CamelSnakeSerializer.errors`` does.

    A "collides with" error passes through unchanged: its key is one the client sent.
    """
    try:
        yield
    except Collision:
        raise
    except Invalid as exc:
        raise Invalid(camel_keys(exc.errors)) from None
