"""Sentry environment names, one rule wherever the configuration gives one: a project's
``environments:`` values, ``hidden_environments``, an alert rule's or cron's per-stack
``environment`` and ``policies.paging_environments`` (whose names must also be in use:
``ref/unknown-environment``).

Sentry's own rule (``Environment.is_valid_name``, ``sentry.constants``): at most 64 characters,
none of newline, carriage return, form feed or '/'. Stricter here, because these names also go
into API paths (``.../environments/<name>/``) and are compared with what SDKs send: not empty,
not '.' or '..' (in a path they name the parent or the same page), no control character at all
and no space at either end (a ``|`` block scalar leaves a line break that no event carries).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, StringConstraints

# Portable between pydantic's Rust engine and JSON Schema (editors): no look-arounds.
ENVIRONMENT_PATTERN = r"^[^\s/\x00-\x1f\x7f](?:[^/\x00-\x1f\x7f]*[^\s/\x00-\x1f\x7f])?$"
ENVIRONMENT_MEANING = ("an environment name: no '/', no line breaks or other control "
                       "characters, and no spaces at either end")
MAX_ENVIRONMENT_LENGTH = 64


def _not_a_path_step(value: str) -> str:
    if value in (".", ".."):
        raise ValueError(f"'{value}' cannot be an environment name: Sentry's API takes "
                         f"environment names in URL paths, where '{value}' names another page")
    return value


EnvironmentName = Annotated[
    str,
    StringConstraints(pattern=ENVIRONMENT_PATTERN, min_length=1,
                      max_length=MAX_ENVIRONMENT_LENGTH),
    AfterValidator(_not_a_path_step),
]
