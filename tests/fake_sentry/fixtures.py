"""pytest fixtures for tests that talk to the fake Sentry.

Import them into a ``conftest.py``: ``from tests.fake_sentry.fixtures import fake_sentry as
fake_sentry`` (the ``as`` form marks a deliberate re-export).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fake_sentry.server import FakeSentry

# Distinctive, so a test can prove it never shows up in logs, reprs or messages.
FAKE_TOKEN = "sntrys_fake-secret-token-7f3a9c0e"


class RecordingSleep:
    """Stands in for ``time.sleep``: records each wait and returns at once."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def fake_sentry() -> Iterator[FakeSentry]:
    """A running fake with organisation ``dbca`` accepting ``FAKE_TOKEN``; seed it per test."""
    with FakeSentry(token=FAKE_TOKEN, org_slug="dbca") as fake:
        yield fake
    assert not fake.internal_errors, "\n".join(fake.internal_errors)


@pytest.fixture
def recorded_sleep() -> RecordingSleep:
    return RecordingSleep()


@pytest.fixture
def backtest_sentry(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSentry]:
    """The example's two projects on a fake, and the environment `backtest` and `diff
    --backtest` read it through: the read-only token (and a deploy token that must not be
    used) and the fake's URL."""
    with FakeSentry(token=FAKE_TOKEN, org_slug="dbca") as server:
        for slug in ("spms-backend", "spms-frontend"):
            server.org.add_project(slug, environments=["production", "staging", "test"])
        monkeypatch.setenv("SENTRY_IAC_READ_ONLY_TOKEN", FAKE_TOKEN)
        monkeypatch.setenv("SENTRY_AUTH_TOKEN", "not-the-read-only-token")
        monkeypatch.setenv("SENTRY_BASE_URL", server.url)
        yield server
    assert not server.internal_errors, "\n".join(server.internal_errors)
