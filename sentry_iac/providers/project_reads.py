"""Reads of projects shared by every provider of one process (see ``shared_reads``).

A refresh reads each project's settings, its environments' visibility and whether it still
exists. The organisation's project list carries most of it for a hundred projects a page
(``sentry.project_options``): it is fetched once, with the options sentry-iac reads, and each
kind's Read of a project is answered from it. What the list cannot answer (an option it does
not carry, a project it does not hold, an answer without options) is read with the project's
own GET, itself shared by the kinds that read the same path.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import TYPE_CHECKING, Any

from sentry_iac.providers.paths import api_path
from sentry_iac.providers.shared_reads import SharedReads
from sentry_iac.sentry.project_options import LISTED_OPTIONS

if TYPE_CHECKING:  # the HTTP client is loaded where a provider runs, not where it is declared
    from sentry_iac.providers.client import SentryClient


def _list_key(organization: str) -> str:
    return f"projects of {organization}"


def listed_project(reads: SharedReads, client: SentryClient, organization: str, slug: str,
                   *, reader: str, item: Hashable) -> dict[str, Any] | None:
    """Project ``slug``'s item in the organisation's project list, for ``reader``'s Read of
    ``item`` (what it reads of the project), or None when the list does not hold it or no
    longer answers for it (this process wrote it since)."""
    def load() -> dict[str, dict[str, Any]]:
        path = api_path("organizations", organization, "projects")
        return {str(p.get("slug")): p for p in
                client.paginate(path, {"options": list(LISTED_OPTIONS)})}

    listed: dict[str, dict[str, Any]] | None = reads.answer(
        _list_key(organization), load, reader=reader, item=item)
    return None if listed is None else listed.get(slug)  # None: written by this process


def shared_get(reads: SharedReads, client: SentryClient, path: str, *, reader: str
               ) -> dict[str, Any]:
    """``GET path``, one request for every kind that reads it (a 404 is shared too)."""
    body: dict[str, Any] = reads.answer(f"GET {path}", lambda: client.get_object(path),
                                        reader=reader)
    return body


def wrote(reads: SharedReads, path: str, organization: str, item: Hashable) -> None:
    """This process wrote ``path``, which holds ``item`` of a project: neither its shared GET
    nor the project list answers for it any more."""
    reads.forget(f"GET {path}")
    reads.wrote(_list_key(organization), item)


def project_path(organization: str, slug: str) -> str:
    return api_path("projects", organization, slug)
