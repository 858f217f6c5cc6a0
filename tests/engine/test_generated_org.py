"""A generated organisation of about a hundred dynamic resources through Pulumi's provider host,
its steps many at a time as the engine runs them: every object made exactly once, an unchanged
stack makes no request, refresh reads without writing, destroy leaves nothing behind."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from benchmarks.generate import Shape, write_project
from tests.engine.engine import DYNAMIC, Deployment, StackEngine
from tests.engine.lifecycle import seed_integrations
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN

SHAPE = Shape(teams=2, projects_per_team=2)


@pytest.fixture(scope="module")
def program(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_project(tmp_path_factory.mktemp("generated") / "org", SHAPE)


@pytest.fixture(scope="module")
def fake(program: Path) -> Iterator[FakeSentry]:
    with FakeSentry(token=FAKE_TOKEN, org_slug="bench") as server:
        seed_integrations(server, program, "production")
        yield server
    assert not server.internal_errors, "\n".join(server.internal_errors)


@pytest.fixture(scope="module")
def phases(program: Path, fake: FakeSentry) -> dict[str, Deployment]:
    engine = StackEngine(program, "production", fake, token=FAKE_TOKEN)
    return {"up": engine.up(), "no-op": engine.up(), "refresh": engine.refresh(),
            "destroy": engine.destroy()}


def test_every_phase_succeeds(phases: dict[str, Deployment]) -> None:
    failed = {name: d.explain() for name, d in phases.items() if not d.ok}
    assert not failed, failed


def test_about_a_hundred_dynamic_resources_are_made_once_each_several_at_a_time(
    phases: dict[str, Deployment], fake: FakeSentry
) -> None:
    created = phases["up"].ops("create")
    assert 90 <= len(created) <= 130
    assert len({s.urn for s in created}) == len(created)
    assert phases["up"].most_at_once > 1  # steps overlapped, as under the engine
    # No object was asked for twice. Alerts of one rule share a name across its projects:
    # the monitors they connect to tell them apart.
    posts = Counter((e.path, str(e.body.get("name") or e.body.get("identifier")),
                     str(sorted(e.body.get("detectorIds", []))))
                    for e in phases["up"].exchanges if e.method == "POST")
    assert max(posts.values()) == 1
    kinds = Counter(s.kind for s in created)
    assert kinds["Monitor"] == sum(1 for e in phases["up"].exchanges
                                   if e.method == "POST" and e.path.endswith("/detectors/"))


def test_an_unchanged_stack_makes_no_request_but_the_token_check(
    phases: dict[str, Deployment]
) -> None:
    assert [(e.method, e.path) for e in phases["no-op"].exchanges] == [("GET", "/api/0/")]
    assert {s.op for s in phases["no-op"].steps if s.type.startswith(DYNAMIC)} == {"same"}


def test_refresh_reads_everything_and_writes_nothing(phases: dict[str, Deployment]) -> None:
    assert len(phases["refresh"].ops("read")) == len(phases["up"].ops("create"))
    assert phases["refresh"].writes == []


def test_destroy_leaves_no_monitor_or_alert(phases: dict[str, Deployment],
                                            fake: FakeSentry) -> None:
    created = phases["up"].ops("create")
    alerting = [s for s in created if s.kind in ("Monitor", "Alert")]
    assert len(phases["destroy"].ops("delete")) == len(alerting)
    # the rest (settings, Sentry's defaults, repositories) is released, not reset
    assert len(phases["destroy"].ops("release")) == len(created) - len(alerting)
    assert not [d for d in fake.org.detectors.values() if d.type == "metric_issue"]
    assert not fake.org.workflows
