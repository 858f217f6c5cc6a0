"""Faults a test arms on the fake, matched by method and path pattern, firing N times."""

from __future__ import annotations

import fnmatch
import threading
from dataclasses import dataclass, field
from typing import Any, Literal

FaultKind = Literal["rate_limit", "status", "slow", "drop", "trickle", "endless_pages"]


@dataclass
class Fault:
    """``path`` is an ``fnmatch`` pattern on the URL path (``*`` also matches ``/``)."""

    kind: FaultKind
    method: str
    path: str
    times: int = 1
    status: int = 500
    body: Any = None
    delay: float = 0.0  # slow: seconds before answering; trickle: between chunks; pages: each
    chunk: int = 1  # trickle: bytes per chunk of the body
    headers: dict[str, str] = field(default_factory=dict)  # status, rate_limit: extra headers
    limit: int = 40  # rate_limit: X-Sentry-Rate-Limit-Limit
    window: int = 1  # rate_limit: seconds per window, for the body text
    reset_in: float = 1.0  # rate_limit: Reset = now + reset_in, unless reset_at is given
    reset_at: float | None = None
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method)) and fnmatch.fnmatchcase(path, self.path)


class FaultBook:
    """Armed faults; the first armed match fires and uses up one of its ``times``."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def arm(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.fired < fault.times and fault.matches(method, path):
                    fault.fired += 1
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def faults(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)
