"""The first `up` after `sentry-iac import`, through Pulumi's provider host: an organisation with
cron monitors and their alerts, dashboards and security settings made in Sentry's UI
(``tests.import_seed``) is imported, and both stacks of the written directory are deployed with
an empty state. Everything the YAML says exactly is taken over in place: not one write reaches
Sentry, and no object is made twice. A second `up` changes nothing."""

from __future__ import annotations

import copy
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sentry_iac.importer.convert.stacks import EnvMap
from sentry_iac.importer.read.progress import Progress
from sentry_iac.importer.run import run_import
from sentry_iac.providers import SentryClient
from tests.engine.engine import Deployment, Resource, StackEngine
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN
from tests.import_seed import Seeded, seed

STACKS = ("production", "staging")
OBSERVED = ("CronMonitor", "CronAlert", "Dashboard", "OrganizationSecurity")


@dataclass
class Adopted:
    fake: FakeSentry
    seeded: Seeded
    out: Path
    before: tuple[set[str], set[str], set[str], set[str]]  # monitors, detectors, alerts, dashboards
    first: dict[str, Deployment]
    second: dict[str, Deployment]
    states: dict[str, list[Resource]]  # each stack's state after the first up


def _objects(fake: FakeSentry) -> tuple[set[str], set[str], set[str], set[str]]:
    org = fake.org
    return ({m.id for m in org.monitors.values()}, set(org.detectors), set(org.workflows),
            set(org.dashboards))


@pytest.fixture(scope="module")
def adopted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Adopted]:
    out = tmp_path_factory.mktemp("adopt") / "dbca-sentry"
    with FakeSentry(token=FAKE_TOKEN, org_slug="dbca") as fake:
        seeded = seed(fake)
        with SentryClient(FAKE_TOKEN, fake.url) as client:
            run_import(client, "dbca", out, EnvMap.parse(STACKS, []), base_url=fake.url,
                       progress=Progress(io.StringIO(), tty=False))
        before = _objects(fake)
        engines = {stack: StackEngine(out, stack, fake, token=FAKE_TOKEN) for stack in STACKS}
        first = {stack: engines[stack].up() for stack in STACKS}  # the owner stack first
        states = {stack: [copy.copy(r) for r in engines[stack].state.values()]
                  for stack in STACKS}
        second = {stack: engines[stack].up() for stack in STACKS}
        yield Adopted(fake, seeded, out, before, first, second, states)
    assert not fake.internal_errors, "\n".join(fake.internal_errors)


def test_both_stacks_deploy(adopted: Adopted) -> None:
    failed = {f"{n}:{s}": d.explain() for n, phase in (("first", adopted.first),
                                                         ("second", adopted.second))
              for s, d in phase.items() if not d.ok}
    assert not failed, failed


def test_the_first_up_makes_no_write(adopted: Adopted) -> None:
    for stack, deployment in adopted.first.items():
        assert deployment.exchanges, f"{stack}: the up read nothing?"
        writes = [(e.method, e.path) for e in deployment.writes]
        assert writes == [], f"{stack}: {writes}"
    assert _objects(adopted.fake) == adopted.before


def test_every_exact_object_is_taken_over_in_place(adopted: Adopted) -> None:
    """The stacks' state holds Sentry's own ids: the objects were adopted, not made anew."""
    held = {r.id: r.kind for stack in STACKS for r in adopted.states[stack]
            if r.kind in OBSERVED}
    for sentry_id, what in adopted.seeded.exact.items():
        assert sentry_id in held, f"{what} ({sentry_id}) was not adopted"
    assert set(held.values()) == set(OBSERVED)
    assert not set(adopted.seeded.not_expressible) & set(held)
    created = [s.kind for d in adopted.first.values() for s in d.ops("create")]
    assert created.count("Dashboard") == 3 and created.count("CronMonitor") == 3


def test_the_second_up_changes_nothing(adopted: Adopted) -> None:
    for stack, deployment in adopted.second.items():
        changed = [(s.op, s.name) for s in deployment.steps if s.op != "same"]
        assert changed == [], stack
        assert deployment.steps and deployment.writes == []
