"""SentryClient against the fake: round trips, pagination, URL and path handling."""

from __future__ import annotations

import pytest

from sentry_iac.providers import SentryClient, api_path
from sentry_iac.providers.paths import canonical_path, normalise_base_url
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN


def test_get_put_round_trip(fake_sentry: FakeSentry, client: SentryClient) -> None:
    fake_sentry.org.add_project("spms-backend")
    path = api_path("projects", "dbca", "spms-backend")

    before = client.get(path)
    updated = client.put(path, {"scrubIPAddresses": True, "sensitiveFields": ["ssn"]})
    after = client.get(path)

    assert before["scrubIPAddresses"] is False
    assert updated["sensitiveFields"] == ["ssn"]
    assert after["scrubIPAddresses"] is True
    assert fake_sentry.org.projects["spms-backend"].settings["sensitiveFields"] == ["ssn"]
    put = fake_sentry.requests("PUT", path)
    assert [e.body for e in put] == [{"scrubIPAddresses": True, "sensitiveFields": ["ssn"]}]
    assert put[0].headers["authorization"] == f"Bearer {FAKE_TOKEN}"
    assert put[0].headers["content-type"] == "application/json"


def test_paginate_follows_link_cursors_over_several_pages(
    fake_sentry: FakeSentry, client: SentryClient
) -> None:
    fake_sentry.page_size = 2
    slugs = [f"service-{n}" for n in range(7)]
    for slug in slugs:
        fake_sentry.org.add_project(slug)

    items = list(client.paginate("organizations/dbca/projects/"))

    assert [item["slug"] for item in items] == slugs
    pages = fake_sentry.requests("GET", "/api/0/organizations/dbca/projects/")
    assert len(pages) == 4
    assert [e.query.get("cursor") for e in pages] == [None, ["0:2:0"], ["0:4:0"], ["0:6:0"]]
    assert 'results="false"' in pages[-1].response_headers["Link"].split(", ")[1]


def test_paginate_keeps_caller_params(fake_sentry: FakeSentry, client: SentryClient) -> None:
    for slug in ("a", "b", "c"):
        fake_sentry.org.add_team(slug)

    teams = list(client.paginate("organizations/dbca/teams/", {"per_page": 1}))

    assert [team["slug"] for team in teams] == ["a", "b", "c"]
    requests = fake_sentry.requests("GET", "/api/0/organizations/dbca/teams/")
    assert all(e.query["per_page"] == ["1"] for e in requests)
    assert len(requests) == 3


def test_environment_names_are_percent_encoded(
    fake_sentry: FakeSentry, client: SentryClient
) -> None:
    fake_sentry.org.add_project("web", environments=["Staging EU"])

    env = client.put(
        api_path("projects", "dbca", "web", "environments", "Staging EU"), {"isHidden": True}
    )

    assert env == {"id": env["id"], "name": "Staging EU", "isHidden": True}
    assert fake_sentry.org.projects["web"].environments["Staging EU"].is_hidden is True


def test_delete_returns_none_for_no_content(fake_sentry: FakeSentry, client: SentryClient) -> None:
    project = fake_sentry.org.add_project("web")
    project.performance["n_plus_one_db_count"] = 20
    project.performance["slow_db_queries_detection_enabled"] = False

    assert client.delete("projects/dbca/web/performance-issues/configure/") is None
    assert project.performance == {"slow_db_queries_detection_enabled": False}


def test_delete_missing_ok_treats_404_as_done(
    fake_sentry: FakeSentry, client: SentryClient
) -> None:
    assert (
        client.delete("projects/dbca/gone/performance-issues/configure/", missing_ok=True) is None
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://sentry.io/", "https://sentry.io/api/0/"),
        ("https://sentry.io", "https://sentry.io/api/0/"),
        ("https://us.sentry.io/api/", "https://us.sentry.io/api/0/"),
        ("https://de.sentry.io/api/0", "https://de.sentry.io/api/0/"),
        ("https://sentry.example.org/api/0/", "https://sentry.example.org/api/0/"),
        ("http://10.0.0.5:9000/sentry/", "http://10.0.0.5:9000/sentry/api/0/"),
        (" https://sentry.example.org/sentry/api/0/ ", "https://sentry.example.org/sentry/api/0/"),
    ],
)
def test_base_url_is_normalised(given: str, expected: str) -> None:
    assert normalise_base_url(given) == expected
    assert SentryClient("t", base_url=given).base_url == expected


@pytest.mark.parametrize("bad", ["sentry.io", "ftp://sentry.io/", "https://", "https://s.io/?a=1"])
def test_base_url_must_be_http(bad: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        normalise_base_url(bad)


def test_base_url_with_credentials_is_refused_without_echoing_them() -> None:
    with pytest.raises(ValueError) as caught:
        normalise_base_url("https://user:hunter2@sentry.io/")
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("organizations/dbca", "/api/0/organizations/dbca/"),
        ("/organizations/dbca/", "/api/0/organizations/dbca/"),
        ("/api/0/organizations/dbca/", "/api/0/organizations/dbca/"),
        ("api/0/projects/dbca/web/keys", "/api/0/projects/dbca/web/keys/"),
    ],
)
def test_paths_are_canonical(given: str, expected: str) -> None:
    assert canonical_path(given) == expected


def test_query_strings_belong_in_params() -> None:
    with pytest.raises(ValueError, match="query parameters"):
        canonical_path("projects/dbca/web/environments/?visibility=all")


def test_api_path_encodes_each_segment() -> None:
    assert api_path("projects", "dbca", "web", "environments", "a b#c") == (
        "/api/0/projects/dbca/web/environments/a%20b%23c/"
    )


def test_empty_token_is_refused() -> None:
    with pytest.raises(ValueError, match="token"):
        SentryClient("  ")
