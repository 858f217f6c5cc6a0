"""Values the engine may send that no Sentry field accepts: ``Check`` refuses them through
Pulumi's provider host, names the field and what is allowed, and nothing reaches Sentry. And
what a user meets from ``pulumi import`` on a dynamic resource."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from sentry_iac.offline.engine import Plan
from sentry_iac.providers.alerting import AlertProvider, MonitorProvider
from sentry_iac.providers.crons import CronMonitorProvider
from sentry_iac.providers.dashboards import DashboardProvider
from sentry_iac.providers.dynamic import serialized_provider
from sentry_iac.providers.kinds import PROJECT_PERFORMANCE_ISSUES
from sentry_iac.providers.runtime import SentryApiProvider
from sentry_iac.providers.settings import SettingsProvider
from tests.engine.host import PROVIDER_KEY, HostError, ProviderHost, provider_host, secret
from tests.engine.sentry import empty_organization
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN
from tests.helpers import EXAMPLE

URN = "urn:pulumi:production::sentry-iac::pulumi-python:dynamic/sentry-iac:{kind}::{name}"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSentry]:
    with empty_organization() as server:
        yield server


@pytest.fixture(scope="module")
def host(fake: FakeSentry) -> Iterator[ProviderHost]:
    config = {"sentry:token": secret(FAKE_TOKEN), "sentry:baseUrl": fake.url}
    with provider_host(EXAMPLE, config) as started:
        yield started


# The resource of each kind the cases edit (registration order is not fixed: the SDK
# registers from many threads at once).
FIRST = {"Monitor": "high-error-rate/spms-backend", "Alert": "high-error-rate/spms-backend",
         "CronMonitor": "spms-backend/nightly-import", "Dashboard": "weekly-report/spms-backend",
         "ProjectPerformanceIssues": "spms-backend"}


def _registered(plan: Plan, kind: str, provider: SentryApiProvider) -> tuple[str, dict[str, Any]]:
    resource = next(r for r in plan.of_type(kind) if r.name == FIRST[kind])
    inputs = copy.deepcopy(resource.inputs)
    inputs[PROVIDER_KEY] = serialized_provider(provider)
    return URN.format(kind=kind, name=resource.name), inputs


def _set(inputs: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    target: Any = inputs
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


CASES = [
    ("Monitor", MonitorProvider, ("detector", "dataSources", 0, "timeWindow"), 60.5,
     "detector.dataSources[0].timeWindow must be a whole number, not 60.5"),
    ("Monitor", MonitorProvider, ("detector", "dataSources", 0, "timeWindow"), "60",
     "detector.dataSources[0].timeWindow must be a whole number, not '60'"),
    ("Monitor", MonitorProvider, ("detector", "conditionGroup", "conditions", 0, "comparison"),
     "ten", "detector.conditionGroup.conditions[0].comparison must be a number, not 'ten'"),
    ("Alert", AlertProvider, ("workflow", "config", "frequency"), 12.5,
     "workflow.config.frequency must be a whole number, not 12.5"),
    ("CronMonitor", CronMonitorProvider, ("monitor", "config", "checkin_margin"), 15.5,
     "org.yaml:61:9: projects[0].crons[0].checkin_margin: monitor.config.checkin_margin must "
     "be a whole number, not 15.5"),
    ("Dashboard", DashboardProvider, ("widgets", 0, "layout", "x"), 0.5,
     "widgets[0].layout.x must be a whole number, not 0.5"),
    ("Dashboard", DashboardProvider, ("dashboard", "period"), 7.0,
     "org.yaml:172:5: dashboards[0].period: dashboard.period is not a number field Sentry "
     "takes, so 7.0 cannot be sent"),
    ("ProjectPerformanceIssues", lambda: SettingsProvider(PROJECT_PERFORMANCE_ISSUES),
     ("settings", "slow_db_query_duration_threshold"), 1000.5,
     "org.yaml:49:7: projects[0].performance_issues.slow_db_query_ms: "
     "settings.slow_db_query_duration_threshold must be a whole number, not 1000.5"),
]


@pytest.mark.parametrize(("kind", "make", "path", "value", "reason"), CASES,
                         ids=[f"{c[0]}-{c[3]!r}" for c in CASES])
def test_check_refuses_a_value_no_sentry_field_takes_and_sends_nothing(
    host: ProviderHost, fake: FakeSentry, production: Plan, kind: str, make: Any,
    path: tuple[str | int, ...], value: Any, reason: str,
) -> None:
    urn, inputs = _registered(production, kind, make())
    assert host.check(urn, {}, inputs, preview=False).failures == []
    _set(inputs, path, value)
    fake.clear_exchanges()
    failures = host.check(urn, {}, inputs, preview=False).failures
    assert failures == [(str(path[0]), reason)]
    assert fake.exchanges == []


def test_whole_doubles_are_what_the_engine_sends_and_are_accepted(
    host: ProviderHost, production: Plan
) -> None:
    urn, inputs = _registered(production, "CronMonitor", CronMonitorProvider())
    assert inputs["monitor"]["config"]["checkin_margin"] == 15.0
    assert isinstance(inputs["monitor"]["config"]["checkin_margin"], float)
    assert host.check(urn, {}, inputs, preview=False).failures == []


def test_pulumi_import_of_a_dynamic_resource_fails_in_pulumis_host(host: ProviderHost) -> None:
    """``pulumi import`` sends Read with an id and nothing else (pulumi/pulumi#16175): the host
    cannot find the pickled provider, whatever the resource. The README says what to do
    instead (sentry-iac import's adoption file); this keeps its quote of the error true."""
    with pytest.raises(HostError) as raised:
        host.read("123", URN.format(kind="Monitor", name="high-error-rate/spms-backend"),
                  None, None)
    assert raised.value.summary == "KeyError: '__provider'"
