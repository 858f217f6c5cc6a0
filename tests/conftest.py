"""Fixtures shared by the test modules: the example project's offline plans, computed once."""

from __future__ import annotations

import pytest

from sentry_iac.offline.engine import Plan, run_offline
from tests.helpers import PROJECT_ROOT


@pytest.fixture(scope="session")
def production() -> Plan:
    """The example config's production (owner) stack. Read it, never change it."""
    return run_offline(PROJECT_ROOT, "production")


@pytest.fixture(scope="session")
def staging() -> Plan:
    """The example config's staging stack. Read it, never change it."""
    return run_offline(PROJECT_ROOT, "staging")
