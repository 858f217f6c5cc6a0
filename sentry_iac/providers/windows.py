"""What the threads sharing one client know of Sentry's rate-limit windows.

Sentry counts requests in fixed windows (src/sentry/ratelimits/redis.py) and says on every
answer how many the window has left (``X-Sentry-Rate-Limit-Remaining``) and when the next one
starts (``X-Sentry-Rate-Limit-Reset``, the server's epoch seconds). The provider host sends
from several threads through one client, so without this each thread finds the limit on its
own, with a 429, and waits from then on its own. ``RateWindows`` lets them share it:

* once an answer says a window has nothing left, or a request was refused with 429, every
  thread waits for the next window before sending another request of that method (Sentry
  keys the default limits by caller and HTTP method: ``get_rate_limit_key``,
  src/sentry/ratelimits/utils.py), instead of collecting a 429 each;
* the server's clock is estimated from every ``Date`` header: a Date has whole seconds, so the
  server's time is at least the Date and less than a second later; the latest lower bound
  over many answers (the smallest ``local clock - Date``) is within a small part of a second,
  and never ahead of the server, so a wait measured with it is never too short, and not the
  up-to-a-second too long a single Date gives.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from sentry_iac.providers.ratelimit import RateLimit


class _Honoured(threading.local):
    """The pause (by method) the current thread has already waited for."""

    def __init__(self) -> None:
        self.until: dict[str, float] = {}


@dataclass
class RateWindows:
    max_wait: float
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _local_ahead: float | None = None  # the smallest local clock minus Date seen
    _resume_at: dict[str, float] = field(default_factory=dict)  # method -> local clock
    _honoured: _Honoured = field(default_factory=_Honoured)

    def server_now(self, local_now: float) -> float | None:
        """A lower bound of the server's clock now, or None before any Date was seen."""
        with self._lock:
            ahead = self._local_ahead
        return None if ahead is None else local_now - ahead

    def observe(self, method: str, status: int, rate_limit: RateLimit, local_now: float
                ) -> float:
        """Learn from one answer; the seconds until its window resets (0 when unknown or
        not used up)."""
        if rate_limit.server_time is not None:
            ahead = local_now - rate_limit.server_time
            with self._lock:
                if self._local_ahead is None or ahead < self._local_ahead:
                    self._local_ahead = ahead
        if status != 429 and rate_limit.remaining != 0:
            return 0.0
        if status != 429 and rate_limit.reset is None:
            return 0.0  # "nothing left" without saying until when: let the 429 tell
        wait = rate_limit.seconds_until_reset(local_now, self.max_wait,
                                              server_now=self.server_now(local_now))
        with self._lock:
            resume = local_now + wait
            if resume > self._resume_at.get(method, 0.0):
                self._resume_at[method] = resume
        return wait

    def wait_before(self, method: str, local_now: float) -> float:
        """How long the current thread waits before sending a request of ``method`` (each
        pause is waited for once by a thread: a clock that does not move, as in tests, does
        not make it wait again)."""
        with self._lock:
            resume = self._resume_at.get(method, 0.0)
        if resume <= self._honoured.until.get(method, 0.0):
            return 0.0
        self._honoured.until[method] = resume
        return max(0.0, resume - local_now)

    def honour(self, method: str) -> None:
        """The current thread has waited for the pause there is now (after its own 429)."""
        with self._lock:
            resume = self._resume_at.get(method, 0.0)
        self._honoured.until[method] = resume
