"""A windowed rate limit as Sentry's API applies it: N requests per fixed window.

Sentry's ``RatelimitMiddleware`` (src/sentry/middleware/ratelimit.py) asks the rate limiter
(src/sentry/ratelimits/redis.py, ``RedisRateLimiter.is_limited_with_value``) on every request:
the counter of the current time bucket (``int(now / window)``) is incremented (refused requests
count too), the request is limited when the count exceeds the limit, and the reset time is the
start of the next bucket, in whole epoch seconds of the *server's* clock. The middleware's
``process_response`` then puts ``X-Sentry-Rate-Limit-Limit``, ``-Remaining`` and ``-Reset`` on
the response, limited or not, and a limited request is answered 429 with "You are attempting
to use this endpoint too frequently. Limit is N requests in W seconds" and no ``Retry-After``.

The fake's limits use the fake's own ``clock`` (the real one unless a test sets it): a test
skews the *client's* clock, never the server's.
"""

from __future__ import annotations

import fnmatch
import threading
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Verdict:
    limited: bool
    headers: dict[str, str]
    detail: str


@dataclass
class WindowedRateLimit:
    """``limit`` requests per ``window`` seconds for requests matching method and path pattern."""

    method: str
    path: str
    limit: int
    window: int
    clock: Callable[[], float]
    allowed: int = 0  # requests let through, for assertions
    refused: int = 0  # requests answered 429
    _bucket: int = -1
    _count: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def matches(self, method: str, path: str) -> bool:
        return self.method in ("*", method) and fnmatch.fnmatchcase(path, self.path)

    def check(self) -> Verdict:
        now = self.clock()
        bucket = int(now // self.window)
        with self._lock:
            if bucket != self._bucket:
                self._bucket, self._count = bucket, 0
            self._count += 1
            count = self._count
            limited = count > self.limit
            if limited:
                self.refused += 1
            else:
                self.allowed += 1
        reset = (bucket + 1) * self.window
        headers = {
            "X-Sentry-Rate-Limit-Limit": str(self.limit),
            "X-Sentry-Rate-Limit-Remaining": str(max(self.limit - count, 0)),
            "X-Sentry-Rate-Limit-Reset": str(reset),
        }
        detail = (
            "You are attempting to use this endpoint too frequently. "
            f"Limit is {self.limit} requests in {self.window} seconds"
        )
        return Verdict(limited, headers, detail)
