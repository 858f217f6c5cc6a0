"""Codes both ways: a mapping ours -> Sentry's is written once, its inverse is derived."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from typing import TypeVar

Ours = TypeVar("Ours", bound=Hashable)
Theirs = TypeVar("Theirs", bound=Hashable)


def inverse(mapping: Mapping[Ours, Theirs]) -> dict[Theirs, Ours]:
    """Sentry's -> ours for ``mapping`` (ours -> Sentry's), in the same order.

    Refuses (at import time, where the tables are built) a mapping that sends two of our words
    to one code: its inverse would silently keep only one of them."""
    out: dict[Theirs, Ours] = {}
    for ours, theirs in mapping.items():
        if theirs in out:
            raise ValueError(f"{out[theirs]!r} and {ours!r} both map to {theirs!r}, "
                             "so the mapping has no inverse")
        out[theirs] = ours
    return out
