"""The base of every config model: immutable, no unknown keys."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    """Immutable and without unknown keys. Numbers and booleans use strict types so quoted text
    such as "10" or "yes" is an error, not a silent conversion."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=False, regex_engine="python-re")
