"""What the fake saw and answered, for assertions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Exchange:
    """One request and the fake's answer (``status`` None: the connection was dropped)."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # request headers, names lower-cased
    body: Any  # decoded JSON request body, None when there was none
    status: int | None
    response: Any  # decoded JSON response body
    response_headers: dict[str, str]
    route: str | None  # template of the matched endpoint, e.g. /api/0/organizations/{...}/
    fault: str | None  # kind of the fault that fired, if any

    @property
    def applied(self) -> bool:
        """The endpoint ran and succeeded (a slow answer still counts)."""
        return self.status is not None and 200 <= self.status < 300
