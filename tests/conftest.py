"""Fixtures shared by the test modules: the example project's offline plans, computed once per
session and handed to each test as its own copy, so no test can change what another sees."""

from __future__ import annotations

import copy

import pytest

from sentry_iac.offline.engine import Plan, run_offline
from tests.helpers import PROJECT_ROOT


@pytest.fixture(scope="session")
def _production_plan() -> Plan:
    return run_offline(PROJECT_ROOT, "production")


@pytest.fixture(scope="session")
def _staging_plan() -> Plan:
    return run_offline(PROJECT_ROOT, "staging")


@pytest.fixture
def production(_production_plan: Plan) -> Plan:
    """The example config's production (owner) stack."""
    return copy.deepcopy(_production_plan)


@pytest.fixture
def staging(_staging_plan: Plan) -> Plan:
    """The example config's staging stack."""
    return copy.deepcopy(_staging_plan)
