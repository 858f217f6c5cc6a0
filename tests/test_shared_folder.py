"""A test that needs ``../shared`` skips with the reason in a user's clone, and fails in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import shared_missing

MISSING = Path("/nowhere/shared/sentry-api/openapi.json")


def test_without_the_shared_folder_a_user_sees_a_skip_with_the_reason(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="not found at /nowhere/shared"):
        shared_missing("Sentry's OpenAPI schema", MISSING, "SENTRY_OPENAPI")


def test_in_ci_the_missing_shared_folder_fails_the_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must have it"):
        shared_missing("Sentry's OpenAPI schema", MISSING, "SENTRY_OPENAPI")


def test_the_contract_tests_fail_in_ci_without_the_schema(
    monkeypatch: pytest.MonkeyPatch, pytester: pytest.Pytester
) -> None:
    """Through pytest itself: a contract test module run with the schema variable pointing
    nowhere is a failure under CI=true, not 7 skipped tests and a green run."""
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("SENTRY_OPENAPI", str(MISSING))
    result = pytester.runpytest_inprocess(
        str(Path(__file__).parent / "providers" / "test_contract.py"),
        "-k", "provider_traffic_matches_the_schema", "-p", "no:cacheprovider")
    outcomes = result.parseoutcomes()
    assert outcomes.get("errors", 0) + outcomes.get("failed", 0) >= 1, outcomes
    assert "skipped" not in outcomes
