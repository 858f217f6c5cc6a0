"""Fixtures shared by the test modules: the fixture organisation's offline plans, computed once per
session and handed to each test as its own copy, so no test can change what another sees; and
the ``slow`` mark on the modules that start processes or deploy whole organisations."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest

from sentry_iac.offline.engine import Plan, run_offline
from sentry_iac.providers.runtime import forget_shared
from tests.helpers import EXAMPLE, PROJECT_ROOT

# Modules whose tests start Pulumi's provider host, deploy a generated or realistic
# organisation, run the benchmark, or run mypy and zizmor: about two thirds of the suite's
# time. The default run, and so CI, runs them; `-m "not slow"` leaves them out while iterating.
SLOW = ("engine/", "test_benchmarks.py", "test_import.py", "test_quality.py",
        "test_workflows.py", "test_shared_folder.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    tests = PROJECT_ROOT / "tests"
    for item in items:
        where = item.path.relative_to(tests).as_posix()
        if where.startswith(SLOW):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _providers_share_nothing_across_tests() -> Iterator[None]:
    """Providers of one process share a client and answers per token and API root (as in a
    provider host); a test's fake Sentry, and what it answered, ends with the test."""
    yield
    forget_shared()


@pytest.fixture(scope="session")
def _production_plan() -> Plan:
    return run_offline(EXAMPLE, "production")


@pytest.fixture(scope="session")
def _staging_plan() -> Plan:
    return run_offline(EXAMPLE, "staging")


@pytest.fixture
def production(_production_plan: Plan) -> Plan:
    """The fixture organisation's production (owner) stack."""
    return copy.deepcopy(_production_plan)


@pytest.fixture
def staging(_staging_plan: Plan) -> Plan:
    """The fixture organisation's staging stack."""
    return copy.deepcopy(_staging_plan)
