"""Filters, search queries and counted pages shared by the monitor and alert lists.

SENTRY_ALERTS_API.md sections 1.4 and 1.5: ``project`` (id or slug, ``-1`` = all), ``id``,
``query`` (``key:value``, ``!key:value``, ``key:[a,b]``, quoted values, free text), ``sortBy``,
and an ``X-Hits`` header beside the usual ``Link`` cursors.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from tests.fake_sentry.pagination import link_header, page_of, paginated
from tests.fake_sentry.replies import NO_PERMISSION, HttpError, Reply
from tests.fake_sentry.state import FakeOrganization
from tests.fake_sentry.validation import Invalid

_TERM = re.compile(r'(!?)([\w.]+):("[^"]*"|\[[^\]]*\]|\S+)|"([^"]*)"|(\S+)')


@dataclass(frozen=True)
class Term:
    key: str | None  # None: free text
    values: tuple[str, ...]
    negated: bool = False

    def matches(self, actual: str | None) -> bool:
        hit = actual is not None and actual.lower() in (v.lower() for v in self.values)
        return hit != self.negated


def parse_query(text: str) -> list[Term]:
    terms: list[Term] = []
    for bang, key, value, quoted, word in _TERM.findall(text):
        if key:
            if value.startswith("["):
                values = tuple(v.strip().strip('"') for v in value[1:-1].split(","))
            else:
                values = (value.strip('"'),)
            terms.append(Term(key, values, negated=bool(bang)))
        else:
            terms.append(Term(None, (quoted or word,)))
    return terms


def contains(term: Term, *texts: str | None) -> bool:
    needle = term.values[0].lower()
    return any(needle in (text or "").lower() for text in texts)


ALL_PROJECTS = "-1"  # ALL_ACCESS_PROJECT_ID
NOT_NUMBERS = "Invalid project parameter. Values must be numbers."


def project_ids(org: FakeOrganization, query: dict[str, list[str]], *names: str) -> set[str] | None:
    """Project ids the ``project``-style parameters name (None: no filter, or ``-1``).

    Sentry: ``OrganizationEndpoint.get_projects`` (src/sentry/api/bases/organization.py).
    ``-1`` is every project the caller can access; a project asked for that is missing or not
    accessible is a 403 (``_validate_fetched_projects``). How values are read depends on the
    version (``org.project_slugs_in_queries``):

    * since getsentry/sentry#117446 (2026-06), ``parse_id_or_slug_params``
      (src/sentry/api/helpers/projects.py): all-digit values and ``-1`` are ids, anything else
      is a slug;
    * before it, ``get_requested_project_ids_unchecked`` did ``set(map(int, ...))`` and
      answered 400 "Invalid project parameter. Values must be numbers." to anything else, as
      self-hosted releases of that time still do.
    """
    values = [(name, value) for name in names for value in query.get(name, []) if value]
    if not values or any(value == ALL_PROJECTS for _, value in values):
        return None
    found = set()
    for name, value in values:
        is_id = name != "projectSlug" and value.isdigit()  # projectSlug: slugs on every version
        if not is_id and name != "projectSlug" and not org.project_slugs_in_queries:
            raise HttpError(400, {"detail": NOT_NUMBERS})
        project = org.find_project_by_id(value) if is_id else org.projects.get(value)
        if project is None:
            raise HttpError(403, NO_PERMISSION)
        found.add(project.id)
    return found


def requested_ids(query: dict[str, list[str]]) -> list[str] | None:
    values = query.get("id")
    if values is None:
        return None
    if not all(value.isdigit() for value in values):
        raise Invalid({"id": ["Invalid ID format"]})
    return [str(int(value)) for value in values]


def sort(
    items: list[Any], query: dict[str, list[str]], keys: dict[str, Callable[[Any], Any]]
) -> None:
    """Sort in place by ``sortBy`` (default ``id``; a ``-`` prefix reverses)."""
    field = query.get("sortBy", ["id"])[0]
    name = field.removeprefix("-")
    if name not in keys:
        raise Invalid({"sortBy": ["Invalid sort field"]})
    items.sort(key=lambda item: (keys[name](item), int(item.id)), reverse=field.startswith("-"))


def counted(
    items: Sequence[Any], call_query: dict[str, list[str]], page_size: int, url: str
) -> Reply:
    """A page with ``Link`` cursors and the total in ``X-Hits`` (OffsetPaginator, count_hits)."""
    reply = paginated(items, call_query, page_size, url)
    reply.headers["X-Hits"] = str(len(items))
    return reply


T = TypeVar("T")


def counted_page(
    found: Sequence[T], call_query: dict[str, list[str]], page_size: int, url: str,
    body: Callable[[T], Any],
) -> Reply:
    """``counted``, serializing only the page asked for (Sentry's paginator serializes the
    page's results, ``on_results``; an organisation-wide list holds thousands)."""
    page, offset, size = page_of(found, call_query, page_size)
    headers = {"Link": link_header(url, offset, size, len(found)), "X-Hits": str(len(found))}
    return Reply(200, [body(item) for item in page], headers)
