"""The fake answers as Sentry does (SENTRY_API.md sections 3-5 and 8)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest

from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN

ORG = "/api/0/organizations/dbca/"
PROJECT = "/api/0/projects/dbca/web/"
PERFORMANCE = PROJECT + "performance-issues/configure/"


@pytest.fixture
def http(fake_sentry: FakeSentry) -> Iterator[httpx.Client]:
    """A plain HTTP client (no retries, no error mapping) to see the fake's raw answers."""
    fake_sentry.org.add_project("web", environments={"production": False, "test": True})
    with httpx.Client(
        base_url=fake_sentry.url, headers={"Authorization": f"Bearer {FAKE_TOKEN}"}
    ) as client:
        yield client


def test_missing_token_is_401(fake_sentry: FakeSentry) -> None:
    response = httpx.get(fake_sentry.url + ORG.lstrip("/"))
    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_unknown_org_and_project_are_404(http: httpx.Client) -> None:
    for path in ("/api/0/organizations/acme/", "/api/0/projects/dbca/nope/", "/api/0/nowhere/"):
        response = http.get(path)
        assert response.status_code == 404
        assert response.json() == {"detail": "The requested resource does not exist"}


def test_unsupported_method_is_405(http: httpx.Client) -> None:
    response = http.post(ORG, json={})
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "POST" not allowed.'}


def test_org_privacy_round_trip(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    body = {
        "dataScrubber": True,
        "dataScrubberDefaults": True,
        "sensitiveFields": ["iban"],
        "safeFields": ["order_id"],
        "scrubIPAddresses": True,
        "storeCrashReports": -1,
    }
    response = http.put(ORG, json=body)
    assert response.status_code == 200
    assert {key: response.json()[key] for key in body} == body
    assert {key: fake_sentry.org.settings[key] for key in body} == body


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"sensitiveFields": ["a", ""]}, {"sensitiveFields": ["Empty values are not allowed."]}),
        ({"safeFields": ["  "]}, {"safeFields": ["Empty values are not allowed."]}),
        (
            {"sensitiveFields": ["x" * 2001, "y" * 2000]},
            {"sensitiveFields": ["List of sensitive fields is too long."]},
        ),
        (
            {"storeCrashReports": -2},
            {"storeCrashReports": ["Ensure this value is greater than or equal to -1."]},
        ),
        ({"storeCrashReports": "many"}, {"storeCrashReports": ["A valid integer is required."]}),
        ({"scrubIPAddresses": "maybe"}, {"scrubIPAddresses": ["Must be a valid boolean."]}),
        (
            {"sensitiveFields": "password"},
            {"sensitiveFields": ['Expected a list of items but got type "str".']},
        ),
    ],
)
def test_org_privacy_validation(
    fake_sentry: FakeSentry, http: httpx.Client, body: dict[str, object], errors: object
) -> None:
    response = http.put(ORG, json=body)
    assert response.status_code == 400
    assert response.json() == errors
    assert fake_sentry.org.settings["sensitiveFields"] == []


def test_sensitive_fields_at_the_limit_are_accepted(http: httpx.Client) -> None:
    assert http.put(ORG, json={"sensitiveFields": ["x" * 2000, "y" * 2000]}).status_code == 200


def test_project_settings_round_trip(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    pii = json.dumps(
        {
            "rules": {"0": {"type": "password", "redaction": {"method": "replace", "text": "***"}}},
            "applications": {"$string": ["0"]},
        }
    )
    rules = (
        "# database errors share one issue\n"
        "error.type:DatabaseError -> database-connection-error\n"
        'logger:"django.request" !level:info -> {{ default }}, http title="Django request"\n'
        "tags.server_name:web-* -> web-{{ tags.server_name }}\n"
    )
    body = {
        "relayPiiConfig": pii,
        "fingerprintingRules": rules,
        "resolveAge": 720,
        "digestsMinDelay": 60,
        "digestsMaxDelay": 3600,
        "storeCrashReports": None,
    }
    response = http.put(PROJECT, json=body)
    assert response.status_code == 200, response.text
    # fingerprintingRules is a DRF CharField: Sentry trims the text (trim_whitespace)
    stored = {**body, "fingerprintingRules": rules.strip()}
    assert {key: response.json()[key] for key in body} == stored
    assert fake_sentry.org.projects["web"].settings["fingerprintingRules"] == rules.strip()


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        (
            {"relayPiiConfig": '{"rules": {'},
            {
                "relayPiiConfig": [
                    "EOF while parsing an object at line 1 column 11"
                ]
            },
        ),
        (
            {"relayPiiConfig": "[1]"},
            {"relayPiiConfig": ["invalid type: integer `1`, expected a map at line 1 column 2"]},
        ),
        (
            {"safeFields": ["extra.user_id", "$$$"]},
            {"safeFields": ['invalid syntax near "$$$" (line 2)']},
        ),
        (
            {"fingerprintingRules": "error.type:A -> a\nerror.type:B\n"},
            # parsed after the CharField trimmed the trailing newline
            {"fingerprintingRules": ['Invalid syntax near "error.type:B" (line 2, column 1)']},
        ),
        (
            {"fingerprintingRules": "colour:red -> red"},
            {"fingerprintingRules": ["Unknown matcher 'colour'"]},
        ),
        (
            {"fingerprintingRules": 'message:x -> x colour="red"'},
            {"fingerprintingRules": ["Unknown attribute 'colour'"]},
        ),
        (
            {"fingerprintingRules": "message:x ->"},
            {"fingerprintingRules": ['Invalid syntax near "message:x ->" (line 1, column 1)']},
        ),
        (
            {"digestsMinDelay": 59, "digestsMaxDelay": 3601},
            {
                "digestsMinDelay": ["Ensure this value is greater than or equal to 60."],
                "digestsMaxDelay": ["Ensure this value is less than or equal to 3600."],
            },
        ),
        (
            {"digestsMinDelay": 2000},  # stored max is 1800
            {"digestsMinDelay": "The minimum delay on digests must be lower than the maximum."},
        ),
        ({"resolveAge": "soon"}, {"resolveAge": ["A valid integer is required."]}),
        (
            {"allowedDomains": [""]},
            {
                "allowedDomains": [
                    "Empty value will block all requests, use * to accept from all domains"
                ]
            },
        ),
    ],
)
def test_project_settings_validation(
    http: httpx.Client, body: dict[str, object], errors: object
) -> None:
    response = http.put(PROJECT, json=body)
    assert response.status_code == 400
    assert response.json() == errors


def test_performance_settings_defaults_and_update(
    fake_sentry: FakeSentry, http: httpx.Client
) -> None:
    defaults = http.get(PERFORMANCE).json()
    assert defaults["n_plus_one_db_count"] == 5
    assert defaults["render_blocking_fcp_ratio"] == 0.33
    assert defaults["db_query_injection_detection_enabled"] is False

    response = http.put(
        PERFORMANCE, json={"n_plus_one_db_count": 20, "render_blocking_fcp_ratio": 0.5}
    )

    assert response.status_code == 200
    assert response.json()["n_plus_one_db_count"] == 20
    assert fake_sentry.org.projects["web"].performance == {
        "n_plus_one_db_count": 20,
        "render_blocking_fcp_ratio": 0.5,
    }


@pytest.mark.parametrize(
    ("body", "status", "answer"),
    [
        ({"n_plus_one_db_counts": 20}, 400, {"detail": "Invalid settings option"}),
        ({}, 400, {"detail": "Invalid settings option"}),
        (
            {"transaction_duration_regression_detection_enabled": False},
            403,
            {"detail": {"message": "Passed options are only modifiable internally",
                        "code": "superuser-required"}},
        ),
        (
            {"n_plus_one_db_count": 101},
            400,
            {"n_plus_one_db_count": ["Ensure this value is less than or equal to 100."]},
        ),
        (
            {"render_blocking_fcp_ratio": 0.1},
            400,
            {"render_blocking_fcp_ratio": ["Ensure this value is greater than or equal to 0.2."]},
        ),
        (
            {"large_http_payload_filtered_paths": "/x" * 501},
            400,
            {
                "large_http_payload_filtered_paths": [
                    "Ensure this field has no more than 1000 characters."
                ]
            },
        ),
        (
            # db_query_injection is off by default; turning it on in the same PUT does not help,
            # Sentry checks the settings stored before the request
            {"db_query_injection_detection_enabled": True,
             "sql_injection_query_value_length_threshold": 5},
            403,
            {"detail": "Disabled options can not be modified"},
        ),
    ],
)
def test_performance_settings_validation(
    fake_sentry: FakeSentry, http: httpx.Client, body: object, status: int, answer: object
) -> None:
    response = http.put(PERFORMANCE, json=body)
    assert (response.status_code, response.json()) == (status, answer)
    assert fake_sentry.org.projects["web"].performance == {}


def test_performance_settings_delete_resets_thresholds_only(
    fake_sentry: FakeSentry, http: httpx.Client
) -> None:
    http.put(PERFORMANCE, json={"n_plus_one_db_count": 20, "web_vitals_detection_enabled": False})

    response = http.delete(PERFORMANCE)

    assert response.status_code == 204 and response.content == b""
    assert http.get(PERFORMANCE).json()["n_plus_one_db_count"] == 5
    assert fake_sentry.org.projects["web"].performance == {"web_vitals_detection_enabled": False}


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("", ["production"]),
        ("?visibility=hidden", ["test"]),
        ("?visibility=all", ["production", "test"]),
    ],
)
def test_environment_visibility_filter(http: httpx.Client, query: str, names: list[str]) -> None:
    response = http.get(PROJECT + "environments/" + query)
    assert [env["name"] for env in response.json()] == names


def test_environment_visibility_must_be_known(http: httpx.Client) -> None:
    response = http.get(PROJECT + "environments/?visibility=some")
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "Invalid value for 'visibility'."},
    )


def test_environment_hide_needs_is_hidden(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    missing = http.put(PROJECT + "environments/production/", json={})
    hidden = http.put(PROJECT + "environments/production/", json={"isHidden": True})

    assert (missing.status_code, missing.json()) == (400, {"isHidden": ["This field is required."]})
    assert hidden.json()["isHidden"] is True
    assert fake_sentry.org.projects["web"].environments["production"].is_hidden is True


def test_rate_limit_fault_answers_like_sentry(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    fake_sentry.rate_limit(
        "GET", "/api/0/organizations/*", limit=470, times=1, reset_at=1_900_000_000.2
    )

    limited = http.get(ORG)
    after = http.get(ORG)

    assert limited.status_code == 429
    assert limited.json() == {
        "detail": "You are attempting to use this endpoint too frequently. "
        "Limit is 470 requests in 1 seconds"
    }
    assert limited.headers["X-Sentry-Rate-Limit-Limit"] == "470"
    assert limited.headers["X-Sentry-Rate-Limit-Remaining"] == "0"
    assert limited.headers["X-Sentry-Rate-Limit-Reset"] == "1900000001"
    assert "Retry-After" not in limited.headers
    assert after.status_code == 200


def test_exchanges_are_recorded(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    http.put(PROJECT, json={"resolveAge": 5}, params={"x": "1"})

    (exchange,) = fake_sentry.requests("PUT", PROJECT)
    assert exchange.query == {"x": ["1"]}
    assert exchange.body == {"resolveAge": 5}
    assert exchange.status == 200 and exchange.response["resolveAge"] == 5
    assert exchange.route == "/api/0/projects/{organization_id_or_slug}/{project_id_or_slug}/"
    assert exchange.applied
