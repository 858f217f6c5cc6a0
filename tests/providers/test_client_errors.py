"""Errors a person can act on, and the token staying secret."""

from __future__ import annotations

import copy
import logging
import pickle
from collections.abc import Callable

import pytest

from sentry_iac.providers import (
    SentryApiError,
    SentryAuthenticationError,
    SentryClient,
    SentryGoneError,
    SentryNotFoundError,
    SentryPermissionError,
    SentryServerError,
    SentryValidationError,
)
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN, RecordingSleep

ORG = "/api/0/organizations/dbca/"
PROJECT = "/api/0/projects/dbca/spms-backend/"


def test_401_says_the_token_is_bad(fake_sentry: FakeSentry) -> None:
    with (
        SentryClient("sntrys_wrong", base_url=fake_sentry.url) as sentry,
        pytest.raises(SentryAuthenticationError) as caught,
    ):
        sentry.get(ORG)

    assert str(caught.value) == (
        "authentication failed: the token is missing, expired or revoked "
        "(GET /api/0/organizations/dbca/ answered 401: Invalid token)"
    )
    assert caught.value.status == 401


def test_403_names_the_missing_scope(fake_sentry: FakeSentry) -> None:
    fake_sentry.scopes = frozenset({"org:read", "project:read"})
    fake_sentry.org.add_project("spms-backend")
    with SentryClient(FAKE_TOKEN, base_url=fake_sentry.url) as sentry:
        assert sentry.get(PROJECT)["slug"] == "spms-backend"
        with pytest.raises(SentryPermissionError) as project_error:
            sentry.put(PROJECT, {"scrubIPAddresses": True})
        with pytest.raises(SentryPermissionError) as org_error:
            sentry.put(ORG, {"scrubIPAddresses": True})

    assert str(project_error.value) == (
        "permission denied: the token needs the project:write (or project:admin) scope "
        "(PUT /api/0/projects/dbca/spms-backend/ answered 403: "
        "You do not have permission to perform this action.)"
    )
    assert project_error.value.scopes == ("project:write", "project:admin")
    assert str(org_error.value).startswith(
        "permission denied: the token needs the org:write (or org:admin) scope (PUT "
    )


def test_404_names_the_project(fake_sentry: FakeSentry, client: SentryClient) -> None:
    with pytest.raises(SentryNotFoundError) as caught:
        client.get(PROJECT)

    assert str(caught.value) == (
        "project 'spms-backend' not found in organization 'dbca' "
        "(GET /api/0/projects/dbca/spms-backend/ answered 404: "
        "The requested resource does not exist)"
    )
    assert caught.value.detail == "The requested resource does not exist"


def test_404_names_the_environment(fake_sentry: FakeSentry, client: SentryClient) -> None:
    fake_sentry.org.add_project("spms-backend", environments=["production"])

    with pytest.raises(SentryNotFoundError, match=r"^environment 'qa' not found in project "):
        client.put(PROJECT + "environments/qa/", {"isHidden": True})


def test_404_names_the_organization(fake_sentry: FakeSentry, client: SentryClient) -> None:
    with pytest.raises(SentryNotFoundError, match=r"^organization 'acme' not found"):
        client.get("organizations/acme/")


def test_410_says_the_endpoint_was_retired(fake_sentry: FakeSentry, client: SentryClient) -> None:
    fake_sentry.gone("GET", PROJECT + "rules/")

    with pytest.raises(SentryGoneError) as caught:
        client.get(PROJECT + "rules/")

    assert str(caught.value) == (
        "Sentry has retired this endpoint (410 Gone); its replacement API must be used "
        "(GET /api/0/projects/dbca/spms-backend/rules/ answered 410: "
        "This endpoint has been removed.)"
    )
    assert len(fake_sentry.requests("GET", PROJECT + "rules/")) == 1  # 410 is not retried


LOCATIONS = {
    "sensitiveFields": "org.yaml:40:5 privacy.sensitive_fields",
    "storeCrashReports": "org.yaml:44:5 privacy.store_crash_reports",
}


def test_400_field_errors_name_the_yaml_location(
    fake_sentry: FakeSentry, client: SentryClient
) -> None:
    body = {"sensitiveFields": ["password", " "], "storeCrashReports": 500, "safeFields": [""]}

    with pytest.raises(SentryValidationError) as caught:
        client.put(ORG, body, field_locations=LOCATIONS)

    assert str(caught.value) == (
        "Sentry rejected the request (PUT /api/0/organizations/dbca/ answered 400):\n"
        "  - org.yaml:40:5 privacy.sensitive_fields (sensitiveFields): "
        "Empty values are not allowed.\n"
        "  - safeFields: Empty values are not allowed.\n"
        "  - org.yaml:44:5 privacy.store_crash_reports (storeCrashReports): "
        "Ensure this value is less than or equal to 100."
    )
    assert caught.value.field_errors == {
        "sensitiveFields": ["Empty values are not allowed."],
        "safeFields": ["Empty values are not allowed."],
        "storeCrashReports": ["Ensure this value is less than or equal to 100."],
    }
    assert fake_sentry.applied("PUT", ORG) == []


def test_400_locations_can_be_added_after_the_call(
    fake_sentry: FakeSentry, client: SentryClient
) -> None:
    fake_sentry.org.add_project("spms-backend")

    with pytest.raises(SentryValidationError) as caught:
        client.put(PROJECT, {"digestsMinDelay": 2000, "digestsMaxDelay": 1000})
    located = caught.value.with_locations({"digestsMinDelay": "org.yaml:12:9 digests.min_delay"})

    assert str(located).endswith(
        "\n  - org.yaml:12:9 digests.min_delay (digestsMinDelay): "
        "The minimum delay on digests must be lower than the maximum."
    )
    assert "org.yaml" not in str(caught.value)


def test_400_detail_only(fake_sentry: FakeSentry, client: SentryClient) -> None:
    fake_sentry.org.add_project("spms-backend")

    with pytest.raises(SentryValidationError) as caught:
        client.put(PROJECT + "performance-issues/configure/", {"n_plus_one_db_treshold": 100})

    assert str(caught.value) == (
        "Sentry rejected the request (PUT /api/0/projects/dbca/spms-backend/"
        "performance-issues/configure/ answered 400: Invalid settings option)"
    )
    assert caught.value.field_errors == {}


def test_token_stays_out_of_repr_errors_and_logs(
    fake_sentry: FakeSentry, recorded_sleep: RecordingSleep, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_sentry.org.add_project("spms-backend")
    fake_sentry.fail("GET", ORG, status=500, body={"detail": f"proxy echo: {FAKE_TOKEN}"}, times=9)
    fake_sentry.rate_limit("GET", PROJECT, reset_in=0.1)
    fake_sentry.drop("PUT", PROJECT)
    errors: list[SentryApiError] = []
    with SentryClient(
        FAKE_TOKEN, base_url=fake_sentry.url, max_retries=1, sleep=recorded_sleep
    ) as sentry:
        texts = [repr(sentry), repr(vars(sentry)["_http"].headers), str(sentry.__dict__.keys())]
        sentry.get(PROJECT)
        sentry.put(PROJECT, {"resolveAge": 3})
        calls: list[Callable[[], object]] = [
            lambda: sentry.get(ORG),
            lambda: sentry.get("projects/dbca/missing/"),
            lambda: sentry.put(ORG, {"sensitiveFields": [""]}),
        ]
        for call in calls:
            with pytest.raises(SentryApiError) as caught:
                call()
            errors.append(caught.value)

    assert isinstance(errors[0], SentryServerError)
    assert errors[0].detail == "proxy echo: [redacted]"
    texts += [str(e) for e in errors] + [repr(e) for e in errors]
    texts += [record.getMessage() for record in caplog.records]
    texts.append(caplog.text)
    assert len(caplog.records) >= 4  # the retries and waits were logged
    assert all(FAKE_TOKEN not in text for text in texts)


def test_client_refuses_pickling(client: SentryClient) -> None:
    with pytest.raises(TypeError, match="cannot be pickled: it holds the Sentry auth token"):
        pickle.dumps(client)
    with pytest.raises(TypeError, match="cannot be pickled"):
        copy.deepcopy(client)
    with pytest.raises(TypeError, match="cannot be pickled"):
        client.__getstate__()


def test_errors_survive_pickling(fake_sentry: FakeSentry, client: SentryClient) -> None:
    with pytest.raises(SentryValidationError) as caught:
        client.put(ORG, {"sensitiveFields": [""]}, field_locations=LOCATIONS)

    copy_ = pickle.loads(pickle.dumps(caught.value))

    assert type(copy_) is SentryValidationError
    assert str(copy_) == str(caught.value)
    assert copy_.field_errors == caught.value.field_errors
