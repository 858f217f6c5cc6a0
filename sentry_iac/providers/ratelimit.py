"""Sentry's rate-limit headers and how long to wait after a 429."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

# Sentry sends no Retry-After on API 429s; without a reset header we back off this long.
FALLBACK_WAIT_SECONDS = 1.0


def _number(headers: Mapping[str, str], name: str) -> float | None:
    value = headers.get(name)
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _integer(headers: Mapping[str, str], name: str) -> int | None:
    value = _number(headers, name)
    return None if value is None else int(value)


def http_date(value: str | None) -> float | None:
    """Epoch seconds of an RFC 7231 HTTP-date (``Sun, 06 Nov 1994 08:49:37 GMT``), else None."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if parsed.tzinfo is None:  # RFC 7231: an HTTP-date is always UTC
        return None
    return parsed.timestamp()


def _retry_after(value: str | None) -> tuple[float | None, float | None]:
    """``Retry-After`` as (delta seconds, epoch seconds of an HTTP-date); at most one is set."""
    if value is None:
        return None, None
    text = value.strip()
    try:
        delta = float(text)
    except ValueError:
        return None, http_date(text)
    if not math.isfinite(delta) or delta < 0:
        return None, None
    return delta, None


@dataclass(frozen=True)
class RateLimit:
    """The rate-limit headers of one response.

    ``reset`` is ``X-Sentry-Rate-Limit-Reset``: the *server's* epoch seconds when the current
    window ends (src/sentry/ratelimits/redis.py: the next time bucket's start). ``server_time``
    is the response's ``Date`` header, so the wait is measured on the server's clock and a
    client clock that is ahead or behind does not matter. ``retry_after`` / ``retry_at`` come
    from a ``Retry-After`` header (delta-seconds or HTTP-date), which Sentry's API does not send
    but a proxy in front of it may; when present it wins over the reset header.
    """

    limit: int | None = None
    remaining: int | None = None
    reset: float | None = None  # epoch seconds (server clock) when the current window ends
    concurrent_limit: int | None = None
    concurrent_remaining: int | None = None
    retry_after: float | None = None  # Retry-After: delta-seconds
    retry_at: float | None = None  # Retry-After: HTTP-date, as epoch seconds
    server_time: float | None = None  # Date header, as epoch seconds

    @classmethod
    def from_headers(cls, headers: Mapping[str, str]) -> RateLimit:
        """Read the headers; ``headers`` must look names up case-insensitively (httpx does)."""
        retry_after, retry_at = _retry_after(headers.get("Retry-After"))
        return cls(
            limit=_integer(headers, "X-Sentry-Rate-Limit-Limit"),
            remaining=_integer(headers, "X-Sentry-Rate-Limit-Remaining"),
            reset=_number(headers, "X-Sentry-Rate-Limit-Reset"),
            concurrent_limit=_integer(headers, "X-Sentry-Rate-Limit-ConcurrentLimit"),
            concurrent_remaining=_integer(headers, "X-Sentry-Rate-Limit-ConcurrentRemaining"),
            retry_after=retry_after,
            retry_at=retry_at,
            server_time=http_date(headers.get("Date")),
        )

    def seconds_until_reset(self, now: float, max_wait: float, *,
                            server_now: float | None = None) -> float:
        """How long to sleep before retrying, at most ``max_wait``, before any jitter.

        ``Retry-After`` first; else until ``X-Sentry-Rate-Limit-Reset``, measured from the
        server's ``Date`` (``now``, the local clock, only when the response has no Date);
        else :data:`FALLBACK_WAIT_SECONDS`. A Date has whole seconds, so a wait measured from
        it can be up to a second longer than needed, never shorter. ``server_now``, a better
        lower bound of the server's clock (``windows.RateWindows``), wins over a Date it is
        not behind.
        """
        if self.server_time is not None:
            server_now = self.server_time if server_now is None else max(server_now,
                                                                          self.server_time)
        elif server_now is None:
            server_now = now
        if self.retry_after is not None:
            wait = self.retry_after
        elif self.retry_at is not None:
            wait = self.retry_at - server_now
        elif self.reset is not None:
            wait = self.reset - server_now
        else:
            wait = FALLBACK_WAIT_SECONDS
        return max(0.0, min(wait, max_wait))

    def describe(self) -> str:
        if self.concurrent_limit is not None and self.concurrent_remaining == 0:
            return f"concurrency limit {self.concurrent_limit} requests"
        if self.limit is not None:
            return f"limit {self.limit} requests per window"
        if self.retry_after is not None or self.retry_at is not None:
            return "Retry-After given, limit not reported"
        return "limit not reported"
