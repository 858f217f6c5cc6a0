"""Key casing as Sentry's ``CamelSnakeSerializer`` does it (SENTRY_ALERTS_API.md section 2.1).

Requests may use camelCase or snake_case at any depth; the validators see snake_case, and
answers and error keys are camelCase.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.fake_sentry.validation import Invalid

_HUMP = re.compile(r"(((?<=[a-z])[A-Z])|([A-Z](?![A-Z]|$)))")


def snake(key: str) -> str:
    return _HUMP.sub(r"_\1", key).strip("_").lower()


def camel(key: str) -> str:
    if "_" not in key:
        return key  # already camelCase (or one word): converting twice must change nothing
    words = key.strip("_").split("_")
    return words[0].lower() + "".join(word.capitalize() for word in words[1:])


def snake_keys(value: Any) -> Any:
    """Every dict key in ``value`` turned to snake_case; both spellings of one key is a 400."""
    if isinstance(value, list):
        return [snake_keys(item) for item in value]
    if not isinstance(value, dict):
        return value
    converted: dict[str, Any] = {}
    for key, item in value.items():
        new_key = snake(key) if isinstance(key, str) else key
        if new_key != key and new_key in value:
            raise Invalid({key: f"{key} collides with {new_key}, please pass only one value"})
        converted[new_key] = snake_keys(item)
    return converted


def camel_keys(value: Any) -> Any:
    if isinstance(value, list):
        return [camel_keys(item) for item in value]
    if not isinstance(value, dict):
        return value
    return {camel(key) if isinstance(key, str) else key: camel_keys(v) for key, v in value.items()}


@contextmanager
def camel_errors() -> Iterator[None]:
    """Re-raise validation errors with camelCase keys, as Sentry's serializers answer."""
    try:
        yield
    except Invalid as exc:
        raise Invalid(camel_keys(exc.errors)) from None
