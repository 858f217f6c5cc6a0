"""A fake Sentry API server for tests: real HTTP on 127.0.0.1, Sentry's shapes and errors."""

from tests.fake_sentry.faults import Fault
from tests.fake_sentry.recording import Exchange
from tests.fake_sentry.server import ALL_SCOPES, FakeSentry
from tests.fake_sentry.state import (
    FakeDetector,
    FakeEnvironment,
    FakeIntegration,
    FakeKey,
    FakeLegacyRule,
    FakeMember,
    FakeOrganization,
    FakeProject,
    FakeTeam,
    FakeWorkflow,
)

__all__ = [
    "ALL_SCOPES",
    "Exchange",
    "FakeDetector",
    "FakeEnvironment",
    "FakeIntegration",
    "FakeKey",
    "FakeLegacyRule",
    "FakeMember",
    "FakeOrganization",
    "FakeProject",
    "FakeSentry",
    "FakeTeam",
    "FakeWorkflow",
    "Fault",
]
