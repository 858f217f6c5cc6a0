"""Successful answers of the wrong shape are worded errors, not KeyError or TypeError."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from sentry_iac.providers import SentryApiError, SentryClient, SentryUnexpectedResponseError
from sentry_iac.providers.responses import describe_json
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN

DASHBOARDS = "/api/0/organizations/dbca/dashboards/"
PROJECT = "/api/0/projects/dbca/spms-backend/"
PROJECTS = "/api/0/organizations/dbca/projects/"
TEAMS = "/api/0/organizations/dbca/teams/"
CHECK = "check Sentry before running again"


def test_create_returns_the_created_object(fake_sentry: FakeSentry, client: SentryClient) -> None:
    created = client.create(DASHBOARDS, {"title": "Errors", "widgets": []})

    assert created["title"] == "Errors"
    assert created["id"] == fake_sentry.requests("POST", DASHBOARDS)[0].response["id"]


@pytest.mark.parametrize(
    ("status", "body", "said"),
    [
        (201, {"slug": "backend", "name": "Backend"}, "201 without an id"),
        (201, {"id": "", "slug": "backend"}, "201 without an id"),
        (201, {"id": None}, "201 without an id"),
        (200, {"id": ["7"]}, "200 with an id that is a list of 1 item"),
        (201, [{"id": "7"}], "201 with a list of 1 item where the created object was expected"),
        (201, "created", "201 with the string 'created' where the created object was expected"),
        (204, None, "204 with an empty body where the created object was expected"),
        (200, 7, "200 with the number 7 where the created object was expected"),
    ],
)
def test_create_refuses_an_answer_without_an_object_and_id(
    fake_sentry: FakeSentry, client: SentryClient, status: int, body: Any, said: str
) -> None:
    fake_sentry.fail("POST", TEAMS, status=status, body=body)

    with pytest.raises(SentryUnexpectedResponseError) as caught:
        client.create(TEAMS, {"slug": "backend"})

    assert str(caught.value) == (
        f"Sentry answered {said}; the object may have been created: {CHECK} "
        "(POST /api/0/organizations/dbca/teams/)"
    )
    assert caught.value.status == status
    assert isinstance(caught.value, SentryApiError)
    assert len(fake_sentry.requests("POST", TEAMS)) == 1  # not sent again


def test_get_object_returns_an_object(fake_sentry: FakeSentry, client: SentryClient) -> None:
    fake_sentry.org.add_project("spms-backend")

    assert client.get_object(PROJECT)["slug"] == "spms-backend"


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ([], "a list of 0 items"),
        ([{"slug": "a"}, {"slug": "b"}], "a list of 2 items"),
        ("ok", "the string 'ok'"),
        (True, "true"),
    ],
)
def test_get_object_refuses_other_shapes(
    fake_sentry: FakeSentry, client: SentryClient, body: Any, said: str
) -> None:
    fake_sentry.fail("GET", PROJECT, status=200, body=body)

    with pytest.raises(SentryUnexpectedResponseError) as caught:
        client.get_object(PROJECT)

    assert str(caught.value) == (
        f"Sentry answered 200 with {said} where an object was expected "
        "(GET /api/0/projects/dbca/spms-backend/)"
    )


def test_paginate_refuses_an_item_that_is_not_an_object(
    fake_sentry: FakeSentry, client: SentryClient
) -> None:
    fake_sentry.fail("GET", PROJECTS, status=200, body=[{"id": "1"}, "spms-backend", None])

    with pytest.raises(SentryUnexpectedResponseError) as caught:
        list(client.paginate(PROJECTS))

    assert str(caught.value) == (
        "Sentry answered 200 with a list whose item 1 on page 1 is the string 'spms-backend' "
        "where an object was expected (GET /api/0/organizations/dbca/projects/)"
    )


def test_paginate_refuses_a_page_that_is_not_a_list(
    fake_sentry: FakeSentry, client: SentryClient
) -> None:
    fake_sentry.fail("GET", PROJECTS, status=200, body={"detail": "ok"})

    with pytest.raises(SentryUnexpectedResponseError) as caught:
        list(client.paginate(PROJECTS))

    assert str(caught.value) == (
        "Sentry answered 200 with an object with keys detail where a paginated list was "
        "expected (GET /api/0/organizations/dbca/projects/)"
    )


def test_the_token_is_not_echoed_from_an_unexpected_answer(
    fake_sentry: FakeSentry, client: SentryClient
) -> None:
    fake_sentry.fail("GET", PROJECT, status=200, body=FAKE_TOKEN)

    with pytest.raises(SentryUnexpectedResponseError) as caught:
        client.get_object(PROJECT)

    assert FAKE_TOKEN not in str(caught.value)
    assert "[redacted]" in str(caught.value)


def test_unexpected_response_errors_survive_pickling() -> None:
    error = SentryUnexpectedResponseError(
        "Sentry answered 201 without an id", method="POST", path="/api/0/x/", status=201
    )

    copy = pickle.loads(pickle.dumps(error))

    assert (str(copy), copy.status) == ("Sentry answered 201 without an id (POST /api/0/x/)", 201)


def test_describe_json() -> None:
    assert describe_json(None) == "null"
    assert describe_json(False) == "false"
    assert describe_json(1.5) == "the number 1.5"
    assert describe_json({}) == "an empty object"
    assert describe_json({"a": 1, "b": 2}) == "an object with keys a, b"
    assert describe_json("x" * 70) == f"the string '{'x' * 60}...'"
    assert describe_json(None, empty_body=True) == "an empty body"
