"""The base of every config model: immutable, no unknown keys."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict

from sentry_iac.config.errors import InvalidValue

# The largest number a count, threshold or duration may hold. Pulumi carries every number as a
# 64-bit float, so a much larger whole number would arrive changed, and one past 1.8e308 (or
# .inf) not at all, after other resources had been sent; nothing Sentry counts comes near it
# (its integer columns end here).
MAX_NUMBER = 2_147_483_647
# Sentry slugs: lowercase letters, digits, '-' and '_', and not only digits (those read as ids).
# Without look-arounds, which neither the Rust engine nor every JSON Schema reader has.
SLUG_PATTERN = r"^[a-z0-9_-]*[a-z_-][a-z0-9_-]*$"


class Strict(BaseModel):
    """Immutable and without unknown keys. Numbers and booleans use strict types so quoted text
    such as "10" or "yes" is an error, not a silent conversion."""

    # Rust's regex engine: its `$` ends the text, where Python's also matches before a final
    # line break, and so took 'api\n' (a `|` block scalar) as a slug. The string literal after
    # each field is its description in the JSON Schema (schema/*.json: editors' hover help);
    # config.field_docs reads it from the source for the schema only (reading it as every
    # model is made was a fifth of importing them), and it changes no validation or message.
    # defer_build: a model's validator is made when it is first used, not when its class is:
    # validating org.yaml builds the schemas of every model it holds at once, and the models
    # nothing validates on its own never build one (importing the models: 0.35 s -> 0.22 s).
    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, regex_engine="rust-regex",
                              defer_build=True)


def _not_a_boolean(value: Any) -> Any:
    # Python's True == 1, so a Literal[1] would take `version: true`.
    if isinstance(value, bool):
        raise InvalidValue(f"the boolean {str(value).lower()} is not allowed; use one of: 1",
                           "schema/choice")
    return value


# A file's format version: exactly the number 1.
FormatVersion = Annotated[Literal[1], BeforeValidator(_not_a_boolean)]
