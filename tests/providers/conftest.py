"""Fixtures for the REST client and provider tests: a running fake Sentry and a client for it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sentry_iac.providers import SentryClient
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN, RecordingSleep
from tests.fake_sentry.fixtures import fake_sentry as fake_sentry
from tests.fake_sentry.fixtures import recorded_sleep as recorded_sleep
from tests.providers.scaffold import example_fake


@pytest.fixture
def client(fake_sentry: FakeSentry, recorded_sleep: RecordingSleep) -> Iterator[SentryClient]:
    """A client for the fake that records its waits instead of sleeping."""
    with SentryClient(
        FAKE_TOKEN,
        base_url=fake_sentry.url,
        timeout=2.0,
        max_retries=2,
        sleep=recorded_sleep,
        jitter=lambda: 0.5,
    ) as sentry:
        yield sentry


@pytest.fixture
def fake() -> Iterator[FakeSentry]:
    """The fake with the example organisation's teams, projects and integrations (a module may
    define its own ``fake`` for another organisation)."""
    with example_fake() as server:
        yield server
