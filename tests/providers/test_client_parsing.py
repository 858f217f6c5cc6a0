"""Header and error-body parsing, scope and object naming, without a server."""

from __future__ import annotations

import pytest

from sentry_iac.providers.links import next_cursor, parse_link_header
from sentry_iac.providers.objects import describe_missing
from sentry_iac.providers.paths import path_segments
from sentry_iac.providers.ratelimit import RateLimit
from sentry_iac.providers.responses import parse_error_body
from sentry_iac.providers.scopes import describe_scopes, required_scopes

LINK = (
    '<https://sentry.io/api/0/organizations/dbca/projects/?&cursor=0:0:1>; rel="previous"; '
    'results="false"; cursor="0:0:1", '
    '<https://sentry.io/api/0/organizations/dbca/projects/?&cursor=0:100:0>; rel="next"; '
    'results="true"; cursor="0:100:0"'
)


def test_link_header_next_cursor() -> None:
    links = parse_link_header(LINK)
    assert links["previous"].results is False
    assert links["next"].url.endswith("cursor=0:100:0")
    assert next_cursor(LINK) == "0:100:0"


def test_link_header_without_more_results() -> None:
    assert next_cursor(LINK.replace('results="true"', 'results="false"')) is None
    assert next_cursor(None) is None
    assert next_cursor("") is None


def test_rate_limit_headers_and_wait() -> None:
    headers = {
        "X-Sentry-Rate-Limit-Limit": "40",
        "X-Sentry-Rate-Limit-Remaining": "0",
        "X-Sentry-Rate-Limit-Reset": "1700000003",
    }
    rate_limit = RateLimit.from_headers(headers)
    assert rate_limit == RateLimit(limit=40, remaining=0, reset=1700000003.0)
    assert rate_limit.seconds_until_reset(now=1700000001.5, max_wait=60) == 1.5
    assert rate_limit.seconds_until_reset(now=1700000001.5, max_wait=1) == 1
    assert rate_limit.seconds_until_reset(now=1700000010, max_wait=60) == 0
    assert RateLimit().seconds_until_reset(now=0, max_wait=60) == 1.0


def test_rate_limit_wait_is_measured_from_the_date_header() -> None:
    headers = {
        "X-Sentry-Rate-Limit-Reset": "1700000003",
        "Date": "Tue, 14 Nov 2023 22:13:21 GMT",  # 1700000001
    }
    rate_limit = RateLimit.from_headers(headers)
    assert rate_limit.server_time == 1700000001.0
    # The local clock (1.5 s ahead, or an hour behind) does not matter while there is a Date.
    assert rate_limit.seconds_until_reset(now=1700000002.5, max_wait=60) == 2.0
    assert rate_limit.seconds_until_reset(now=1699996401.0, max_wait=60) == 2.0


@pytest.mark.parametrize(
    ("retry_after", "expected"),
    [
        ("7", 7.0),
        (" 0 ", 0.0),
        ("Tue, 14 Nov 2023 22:13:25 GMT", 4.0),  # an HTTP-date, 4 s after the Date
        ("Tue, 14 Nov 2023 22:13:11 GMT", 0.0),  # already past
        ("-3", 2.0),  # invalid: the reset header decides
        ("soon", 2.0),
    ],
)
def test_retry_after_wins_over_the_reset_header(retry_after: str, expected: float) -> None:
    headers = {
        "X-Sentry-Rate-Limit-Reset": "1700000003",
        "Date": "Tue, 14 Nov 2023 22:13:21 GMT",
        "Retry-After": retry_after,
    }
    assert RateLimit.from_headers(headers).seconds_until_reset(now=0, max_wait=60) == expected


def test_retry_after_date_without_a_date_header_uses_the_local_clock() -> None:
    rate_limit = RateLimit.from_headers({"Retry-After": "Tue, 14 Nov 2023 22:13:25 GMT"})
    assert rate_limit.retry_at == 1700000005.0
    assert rate_limit.seconds_until_reset(now=1700000000.0, max_wait=60) == 5.0
    assert rate_limit.seconds_until_reset(now=1700000000.0, max_wait=3) == 3.0


def test_unreadable_dates_and_numbers_are_ignored() -> None:
    headers = {"Date": "yesterday", "X-Sentry-Rate-Limit-Reset": "nan"}
    rate_limit = RateLimit.from_headers(headers)
    assert (rate_limit.server_time, rate_limit.reset) == (None, None)
    assert rate_limit.seconds_until_reset(now=0, max_wait=60) == 1.0


def test_error_body_with_nested_and_bare_string_fields() -> None:
    detail, fields = parse_error_body(
        {
            "digestsMinDelay": "The minimum delay on digests must be lower than the maximum.",
            "triggers": [{"label": ["This label is already in use for this alert rule"]}, {}],
            "nonFieldErrors": ["Must include at least one trigger"],
        }
    )
    assert detail == "Must include at least one trigger"
    assert fields == {
        "digestsMinDelay": ["The minimum delay on digests must be lower than the maximum."],
        "triggers.0.label": ["This label is already in use for this alert rule"],
    }


def test_error_body_with_detail() -> None:
    assert parse_error_body({"detail": "Invalid settings option"}) == (
        "Invalid settings option",
        {},
    )
    assert parse_error_body({"detail": {"code": "x", "message": "Nope"}}) == ("Nope", {})


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("PUT", "/api/0/projects/dbca/web/", "project:write (or project:admin)"),
        ("DELETE", "/api/0/projects/dbca/web/", "project:admin"),
        ("GET", "/api/0/projects/dbca/web/environments/", "project:read"),
        ("PUT", "/api/0/organizations/dbca/", "org:write (or org:admin)"),
        ("GET", "/api/0/organizations/dbca/teams/", "org:read"),
        ("POST", "/api/0/organizations/dbca/teams/", "team:write (or team:admin)"),
        ("PUT", "/api/0/teams/dbca/backend/", "team:write (or team:admin)"),
        ("POST", "/api/0/teams/dbca/backend/projects/", "project:write (or project:admin)"),
        ("PUT", "/api/0/organizations/dbca/members/42/", "member:write (or member:admin)"),
        (
            "POST",
            "/api/0/organizations/dbca/members/42/teams/backend/",
            "team:write (or team:admin)",
        ),
        ("POST", "/api/0/organizations/dbca/workflows/", "alerts:write (or alerts:admin)"),
        ("GET", "/api/0/organizations/dbca/detectors/7/", "alerts:read"),
        ("PUT", "/api/0/projects/dbca/web/rules/3/", "alerts:write (or alerts:admin)"),
    ],
)
def test_required_scopes(method: str, path: str, expected: str) -> None:
    assert describe_scopes(required_scopes(method, path_segments(path))) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "/api/0/organizations/dbca/",
            "organization 'dbca' not found (or the token cannot see it)",
        ),
        (
            "/api/0/projects/dbca/spms-backend/",
            "project 'spms-backend' not found in organization 'dbca'",
        ),
        (
            "/api/0/projects/dbca/web/environments/Staging%20EU/",
            "environment 'Staging EU' not found in project 'web' of organization 'dbca'",
        ),
        (
            "/api/0/projects/dbca/web/performance-issues/configure/",
            "project 'web' not found in organization 'dbca'",
        ),
        ("/api/0/teams/dbca/backend/", "team 'backend' not found in organization 'dbca'"),
        ("/api/0/organizations/dbca/workflows/12/", "alert '12' not found in organization 'dbca'"),
        (
            "/api/0/organizations/dbca/projects/web/detectors/",
            "project 'web' not found in organization 'dbca'",
        ),
    ],
)
def test_missing_object_is_named(path: str, expected: str) -> None:
    assert describe_missing(path_segments(path)) == expected
