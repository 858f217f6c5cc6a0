"""The ownership and inbound filter part of the contract scenario: every endpoint, with successes
and typical rejections, checked against Sentry's schema by ``test_contract``.

Where Sentry's code and its schema disagree, the code wins (``OWNERSHIP_ERRATA``): the ownership
PUT answers 200 (``Response(serialize(ownership, request.user))`` in
``issues/endpoints/project_ownership.py``), the schema 202; and a project that never saved
ownership answers null ``raw``, ``dateCreated`` and ``lastUpdated`` (``get_ownership`` builds an
unsaved row with ``date_created=None``), which the schema types as strings.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from sentry_iac.providers import SentryApiError, SentryClient, api_path
from tests.fake_sentry import FakeSentry

OWNERSHIP = "/api/0/projects/{organization_id_or_slug}/{project_id_or_slug}/ownership/"
NULLABLE = ("raw", "dateCreated", "lastUpdated")


def with_ownership_errata(document: dict[str, Any]) -> None:
    """Correct the ownership operations of the (JSON Schema) document in place."""
    operations = document["paths"][OWNERSHIP]
    answers = [operations["get"]["responses"]["200"], operations["put"]["responses"]["202"]]
    for answer in answers:
        schema = answer["content"]["application/json"]["schema"]
        for name in NULLABLE:
            schema["properties"][name] = {"anyOf": [schema["properties"][name],
                                                    {"type": "null"}]}
    operations["put"]["responses"]["200"] = copy.deepcopy(answers[1])


def run_triage_scenario(fake: FakeSentry, client: SentryClient) -> None:
    org = fake.org
    org.add_member("owner@example.org", teams=["backend"])
    ownership = api_path("projects", "dbca", "spms-backend", "ownership")
    client.get(ownership)  # never saved: nulls
    client.put(ownership, {"raw": "path:src/** #backend owner@example.org\nurl:*/admin/* #backend",
                           "fallthrough": False, "autoAssignment": "Auto Assign to Issue Owner",
                           "codeownersAutoSync": True})
    client.get(ownership)
    filters = api_path("projects", "dbca", "spms-backend", "filters")
    client.get(filters)
    client.put(api_path("projects", "dbca", "spms-backend", "filters", "localhost"),
               {"active": True})
    legacy = api_path("projects", "dbca", "spms-backend", "filters", "legacy-browsers")
    client.put(legacy, {"subfilters": ["ie", "safari"]})
    project = api_path("projects", "dbca", "spms-backend")
    client.put(project, {"options": {"filters:blacklisted_ips": "10.0.0.1",
                                     "filters:react-hydration-errors": False}})
    rejected: list[Callable[[], object]] = [
        lambda: client.put(ownership, {"raw": "path:src/** #frontend"}),  # no access
        lambda: client.put(ownership, {"raw": "path:src/**"}),  # no owner
        lambda: client.put(ownership, {"autoAssignment": "Always"}),
        lambda: client.put(legacy, {"subfilters": ["netscape"]}),
        lambda: client.put(api_path("projects", "dbca", "spms-backend", "filters", "cors"),
                           {"active": True}),
    ]
    for call in rejected:
        with pytest.raises(SentryApiError):
            call()
