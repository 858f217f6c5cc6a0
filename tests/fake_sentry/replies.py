"""What a fake endpoint answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

NOT_FOUND = {"detail": "The requested resource does not exist"}
NO_PERMISSION = {"detail": "You do not have permission to perform this action."}


@dataclass
class Reply:
    status: int
    body: Any = None  # JSON; None with 204 means no body
    headers: dict[str, str] = field(default_factory=dict)


class HttpError(Exception):
    """Raised by a handler to answer with an error status."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(status, body)
        self.reply = Reply(status, body)


def not_found() -> HttpError:
    return HttpError(404, NOT_FOUND)
