"""Names for the YAML: slugs for rule ids and channels, made unique."""

from __future__ import annotations

import re

_NOT_ALLOWED = re.compile(r"[^a-z0-9_-]+")


def slugify(text: str, *, fallback: str, max_length: int = 64) -> str:
    """``"High error rate (prod)"`` -> ``"high-error-rate-prod"``: our names' alphabet."""
    slug = _NOT_ALLOWED.sub("-", text.lower()).strip("-_")
    slug = re.sub(r"-{2,}", "-", slug)[:max_length].rstrip("-_")
    return slug or fallback


class UniqueNames:
    """Hands out each name once: a name already taken gets ``-2``, ``-3``, ..."""

    def __init__(self, max_length: int = 64) -> None:
        self.max_length = max_length
        self.taken: set[str] = set()

    def take(self, wanted: str) -> str:
        name, number = wanted, 1
        while name in self.taken:
            number += 1
            suffix = f"-{number}"
            name = wanted[: self.max_length - len(suffix)] + suffix
        self.taken.add(name)
        return name
