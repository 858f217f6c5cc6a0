"""Sentry-style cursor pagination: ``cursor=<value>:<offset>:<is_prev>`` and a ``Link`` header."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from tests.fake_sentry.replies import HttpError, Reply

T = TypeVar("T")
MAX_PER_PAGE = 100


def _first(query: dict[str, list[str]], name: str) -> str | None:
    values = query.get(name)
    return values[0] if values else None


def page_of(
    items: Sequence[T], query: dict[str, list[str]], page_size: int
) -> tuple[Sequence[T], int, int]:
    """The slice the query asks for, its offset and the page size used."""
    per_page = _first(query, "per_page")
    if per_page is not None:
        # clamp_pagination_per_page (src/sentry/utils/pagination_factory.py): not a number
        # is "Invalid per_page parameter.", outside 1..100 (the default and the maximum)
        # "Invalid per_page value. Must be between 1 and 100."
        if not per_page.lstrip("-").isdigit():
            raise HttpError(400, {"detail": "Invalid per_page parameter."})
        if not 1 <= int(per_page) <= MAX_PER_PAGE:
            raise HttpError(400, {"detail": "Invalid per_page value. Must be between 1 and "
                                            f"{MAX_PER_PAGE}."})
        page_size = int(per_page)
    offset = 0
    cursor = _first(query, "cursor")
    if cursor is not None:
        parts = cursor.split(":")
        if len(parts) != 3 or not all(part.lstrip("-").isdigit() for part in parts):
            raise HttpError(400, {"detail": "Invalid cursor parameter."})
        offset = max(0, int(parts[1]))
    return items[offset : offset + page_size], offset, page_size


def link_header(url: str, offset: int, page_size: int, total: int) -> str:
    previous = f"0:{max(0, offset - page_size)}:1"
    following = f"0:{offset + page_size}:0"
    has_previous = "true" if offset > 0 else "false"
    has_next = "true" if offset + page_size < total else "false"
    return (
        f'<{url}?&cursor={previous}>; rel="previous"; results="{has_previous}"; '
        f'cursor="{previous}", '
        f'<{url}?&cursor={following}>; rel="next"; results="{has_next}"; cursor="{following}"'
    )


def paginated(items: Sequence[Any], query: dict[str, list[str]], page_size: int, url: str) -> Reply:
    page, offset, size = page_of(items, query, page_size)
    return Reply(200, list(page), {"Link": link_header(url, offset, size, len(items))})
