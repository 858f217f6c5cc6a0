"""Sentry's pagination ``Link`` header."""

from __future__ import annotations

import re
from dataclasses import dataclass

_LINK = re.compile(r'<(?P<url>[^>]*)>(?P<params>(?:\s*;\s*[A-Za-z_-]+\s*=\s*"[^"]*")*)')
_PARAM = re.compile(r'([A-Za-z_-]+)\s*=\s*"([^"]*)"')


@dataclass(frozen=True)
class PageLink:
    url: str
    rel: str
    results: bool
    cursor: str | None


def parse_link_header(value: str) -> dict[str, PageLink]:
    """Map rel (``previous``/``next``) to its link.

    Sentry writes ``<url>; rel="next"; results="true"; cursor="0:100:0"``, one link per rel.
    """
    links: dict[str, PageLink] = {}
    for match in _LINK.finditer(value):
        params = {key.lower(): val for key, val in _PARAM.findall(match.group("params"))}
        rel = params.get("rel")
        if rel is None:
            continue
        links[rel] = PageLink(
            url=match.group("url"),
            rel=rel,
            results=params.get("results", "false").lower() == "true",
            cursor=params.get("cursor"),
        )
    return links


def next_cursor(value: str | None) -> str | None:
    """The cursor of the next page, or None when Sentry says there are no more results."""
    if not value:
        return None
    link = parse_link_header(value).get("next")
    if link is None or not link.results or not link.cursor:
        return None
    return link.cursor
