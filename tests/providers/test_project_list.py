"""The organisation's project list as a refresh reads it: the fake answers ``?options=`` as
Sentry's source does, and the settings read from a list item are what the project's own GET
says, field by field, for defaults and for values set."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sentry_iac.providers import SentryClient, SentryNotFoundError
from sentry_iac.sentry.filters import STORED_OPTIONS, answered_options
from sentry_iac.sentry.project_options import (
    LISTED_OPTIONS,
    OPTION_EPOCH,
    PROJECT_OPTION_FIELDS,
    detail_fields,
    environment_hidden,
)
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN

LIST = "/api/0/organizations/dbca/projects/"
FIELDS = frozenset({"platform", *PROJECT_OPTION_FIELDS})
SET: dict[str, Any] = {
    "resolveAge": 720, "dataScrubber": False, "dataScrubberDefaults": False,
    "safeFields": ["order_id"], "sensitiveFields": ["x-api-key", "iban"],
    "scrubIPAddresses": True, "storeCrashReports": 5,
    "relayPiiConfig": json.dumps({"rules": {}, "applications": {}}),
    "fingerprintingRules": "error.type:DatabaseError -> database-error",
    "groupingEnhancements": "stack.function:log_* -app",
}


@pytest.fixture
def fake() -> Iterator[FakeSentry]:
    with FakeSentry(token=FAKE_TOKEN, org_slug="dbca") as server:
        org = server.org
        org.add_project("a-defaults", platform=None, environments={"production": False})
        org.add_project("b-set", platform="python-django",
                        environments={"production": False, "staging": True}, **SET)
        org.add_project("c-unlimited", storeCrashReports=-1)
        yield server
    assert not server.internal_errors, "\n".join(server.internal_errors)


def _listed(fake: FakeSentry, **query: Any) -> dict[str, dict[str, Any]]:
    with SentryClient(FAKE_TOKEN, fake.url) as client:
        return {p["slug"]: p for p in client.paginate(LIST, query)}


def _detail(fake: FakeSentry, slug: str) -> dict[str, Any]:
    with SentryClient(FAKE_TOKEN, fake.url) as client:
        return client.get_object(f"/api/0/projects/dbca/{slug}/")


@pytest.mark.parametrize("slug", ["a-defaults", "b-set", "c-unlimited"])
def test_settings_from_the_list_are_what_the_project_says(fake: FakeSentry, slug: str) -> None:
    item = _listed(fake, options=list(LISTED_OPTIONS))[slug]
    detail = _detail(fake, slug)
    assert detail_fields(item, FIELDS) == {name: detail[name] for name in FIELDS}


FILTER_KEYS = list(STORED_OPTIONS)
LIST_FILTERS = ["filters:blacklisted_ips", "filters:releases", "filters:error_messages"]
# Filter options as a client sends them (ProjectDetailsEndpoint.put stores them cleaned).
FILTER_PUTS: dict[str, dict[str, Any]] = {
    "all-set": {"filters:blacklisted_ips": " 10.0.0.1\n\n2001:DB8::1 ",
                "filters:releases": "App@1.*\n*-dev", "filters:error_messages": "  Timeout *",
                "filters:react-hydration-errors": False, "filters:chunk-load-error": False},
    "switches-on": {"filters:react-hydration-errors": True, "filters:chunk-load-error": 1},
    "emptied": {"filters:blacklisted_ips": "", "filters:releases": "\n",
                "filters:react-hydration-errors": 0, "filters:chunk-load-error": True},
}


@pytest.mark.parametrize("written", sorted(FILTER_PUTS))
def test_filter_options_from_the_list_are_what_the_project_says(fake: FakeSentry,
                                                                written: str) -> None:
    fake.org.features.add("custom-inbound-filters")
    with SentryClient(FAKE_TOKEN, fake.url) as client:
        client.put("/api/0/projects/dbca/b-set/", {"options": FILTER_PUTS[written]})
    rows = _listed(fake, options=list(LISTED_OPTIONS))["b-set"]["options"]
    detail = _detail(fake, "b-set")["options"]
    assert answered_options(rows, FILTER_KEYS) == {key: detail[key] for key in FILTER_KEYS}


@pytest.mark.parametrize("stored", [True, False, "1", "0"])
def test_a_hydration_switch_stored_as_a_boolean_reads_as_the_project_says(
        fake: FakeSentry, stored: Any) -> None:
    """An earlier release stored the React hydration switch as a boolean; format_options
    reads True and "1" as on."""
    fake.org.projects["b-set"].options["filters:react-hydration-errors"] = stored
    rows = _listed(fake, options=list(LISTED_OPTIONS))["b-set"]["options"]
    key = ["filters:react-hydration-errors"]
    assert answered_options(rows, key) == {
        key[0]: _detail(fake, "b-set")["options"][key[0]]}


def test_filter_options_without_rows(fake: FakeSentry) -> None:
    """No row: the lists are empty, as the detail says; a switch cannot be told (a Sentry
    older than it has no row either, and its detail has no key)."""
    rows = _listed(fake, options=list(LISTED_OPTIONS))["a-defaults"]["options"]
    detail = _detail(fake, "a-defaults")["options"]
    assert answered_options(rows, LIST_FILTERS) == {key: detail[key] for key in LIST_FILTERS}
    assert answered_options(rows, ["filters:chunk-load-error"]) is None
    fake.org.projects["a-defaults"].options["sentry:releases"] = "not a list"
    rows = _listed(fake, options=list(LISTED_OPTIONS))["a-defaults"]["options"]
    assert answered_options(rows, ["filters:releases"]) is None


def test_the_list_carries_only_the_rows_there_are_of_safe_keys(fake: FakeSentry) -> None:
    fake.org.projects["b-set"].options["filters:localhost"] = "1"  # a switch filter's row
    listed = _listed(fake, options=[*LISTED_OPTIONS, "sentry:not-a-safe-key",
                                    "sentry:performance_issue_settings"])
    assert set(listed["a-defaults"]["options"]) == {OPTION_EPOCH}  # every project has it
    assert listed["b-set"]["options"]["sentry:sensitive_fields"] == ["x-api-key", "iban"]
    for item in listed.values():
        assert "sentry:not-a-safe-key" not in item["options"]
        assert "sentry:performance_issue_settings" not in item["options"]
        assert "filters:localhost" not in item["options"]  # not in OPTION_KEYS


def test_without_options_asked_or_access_the_list_cannot_tell(fake: FakeSentry) -> None:
    plain = _listed(fake)["b-set"]
    assert "options" not in plain and detail_fields(plain, FIELDS) is None
    fake.org.project_access = False
    hidden = _listed(fake, options=list(LISTED_OPTIONS))["b-set"]
    assert hidden["hasAccess"] is False and detail_fields(hidden, FIELDS) is None


def test_a_field_the_list_does_not_carry_is_read_with_the_project(fake: FakeSentry) -> None:
    item = _listed(fake, options=list(LISTED_OPTIONS))["b-set"]
    assert detail_fields(item, frozenset({"resolveAge", "digestsMinDelay"})) is None


def test_hidden_environments_are_the_ones_the_list_leaves_out(fake: FakeSentry) -> None:
    item = _listed(fake)["b-set"]
    assert item["environments"] == ["production"]
    assert environment_hidden(item, "production") is False
    assert environment_hidden(item, "staging") is True
    staging = _detail_environment(fake, "b-set", "staging")
    assert staging["isHidden"] is True


def _detail_environment(fake: FakeSentry, slug: str, name: str) -> dict[str, Any]:
    response = httpx.get(f"{fake.url}api/0/projects/dbca/{slug}/environments/{name}/",
                         headers={"Authorization": f"Bearer {FAKE_TOKEN}"})
    body: dict[str, Any] = response.json()
    return body


def test_a_vanished_project_is_neither_listed_nor_found(fake: FakeSentry) -> None:
    fake.vanish("b-set")
    assert "b-set" not in _listed(fake)
    with SentryClient(FAKE_TOKEN, fake.url, max_retries=0) as client, pytest.raises(
            SentryNotFoundError):
        client.get_object("/api/0/projects/dbca/b-set/")
    fake.restore()
    assert "b-set" in _listed(fake)


def test_more_than_a_hundred_a_page_is_refused(fake: FakeSentry) -> None:
    """clamp_pagination_per_page (src/sentry/utils/pagination_factory.py)."""
    response = httpx.get(f"{fake.url}api/0/organizations/dbca/projects/",
                         params={"per_page": "101"},
                         headers={"Authorization": f"Bearer {FAKE_TOKEN}"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid per_page value. Must be between 1 and 100."}
