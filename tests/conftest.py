"""Fixtures shared by the test modules: the fixture organisation's offline plans, computed once per
session and handed to each test as its own copy, so no test can change what another sees; the
``slow`` mark on the modules that start processes or deploy whole organisations; and, for every
program the offline engine runs in a test, the same program declared in place
(``offline.declarations``, what ``plan`` and ``validate`` use) and compared with it."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from sentry_iac.offline import engine
from sentry_iac.offline.declarations import declare_spec
from sentry_iac.offline.engine import Plan, run_offline
from sentry_iac.offline.runner import ProgramRun
from sentry_iac.providers.runtime import forget_shared
from tests.helpers import EXAMPLE, PROJECT_ROOT

# Modules whose tests start Pulumi's provider host, deploy a generated or realistic
# organisation, run the benchmark, or run mypy and zizmor: about two thirds of the suite's
# time. The default run, and so CI, runs them; `-m "not slow"` leaves them out while iterating.
SLOW = ("engine/", "test_benchmarks.py", "test_import.py", "test_quality.py",
        "test_workflows.py", "test_shared_folder.py")


_run_through_the_engine = engine.run_program


def _declared_too(root: Any, stack: str, project: str, spec: Any, *,
                  young_collections: bool = False) -> ProgramRun:
    """``engine.run_program``, then the same program declared in place: every resource (URN,
    type, name, parent, inputs, options), lookup and output must be the same. The engine is
    the oracle; a program that fails is compared no further (its error is the engine's)."""
    run = _run_through_the_engine(root, stack, project, spec,
                                  young_collections=young_collections)
    if spec is None:
        return run

    declared = declare_spec(root, stack, spec)

    def shown(r: Any) -> tuple[Any, ...]:
        return r.type, r.name, r.parent, r.custom, r.inputs, r.options

    expected = {r.urn: shown(r) for r in run.monitor.registered}
    got = {r.urn: shown(r) for r in declared.registered}
    assert sorted(got) == sorted(expected), f"{stack}: declared other resources than the engine"
    for urn, registered in expected.items():
        assert got[urn] == registered, f"{stack}: {urn} declared otherwise than registered"
    assert declared.outputs == run.outputs, f"{stack}: other outputs declared"
    assert sorted(map(repr, declared.lookups)) == sorted(map(repr, run.mocks.lookups))
    return run


engine.run_program = _declared_too


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
