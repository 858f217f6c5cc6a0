"""Sentry's rate-limit headers and how long to wait after a 429."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# Sentry sends no Retry-After on API 429s; without a reset header we back off this long.
FALLBACK_WAIT_SECONDS = 1.0


def _number(headers: Mapping[str, str], name: str) -> float | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _integer(headers: Mapping[str, str], name: str) -> int | None:
    value = _number(headers, name)
    return None if value is None else int(value)


@dataclass(frozen=True)
class RateLimit:
    """The ``X-Sentry-Rate-Limit-*`` headers of one response."""

    limit: int | None = None
    remaining: int | None = None
    reset: float | None = None  # epoch seconds when the current window ends
    concurrent_limit: int | None = None
    concurrent_remaining: int | None = None

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimit:
        """Read the headers; ``headers`` must look names up case-insensitively (httpx does)."""
        return cls(
            limit=_integer(headers, "X-Sentry-Rate-Limit-Limit"),
            remaining=_integer(headers, "X-Sentry-Rate-Limit-Remaining"),
            reset=_number(headers, "X-Sentry-Rate-Limit-Reset"),
            concurrent_limit=_integer(headers, "X-Sentry-Rate-Limit-ConcurrentLimit"),
            concurrent_remaining=_integer(headers, "X-Sentry-Rate-Limit-ConcurrentRemaining"),
        )

    def seconds_until_reset(self, now: float, max_wait: float) -> float:
        """How long to sleep before retrying: until the reset, at most ``max_wait``."""
        if self.reset is None:
            return min(FALLBACK_WAIT_SECONDS, max_wait)
        return max(0.0, min(self.reset - now, max_wait))

    def describe(self) -> str:
        if self.concurrent_limit is not None and self.concurrent_remaining == 0:
            return f"concurrency limit {self.concurrent_limit} requests"
        if self.limit is not None:
            return f"limit {self.limit} requests per window"
        return "limit not reported"
