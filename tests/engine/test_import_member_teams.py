"""The first `up` after `sentry-iac import`, through Pulumi's provider host, of an organisation
whose member list carries no teams (as Sentry's does not): every member keeps its teams, in the
order the member resource reads them, and its team roles, and nothing is written to a member
or a team role (``tests.member_teams`` seeds it)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from sentry_iac.importer.convert.stacks import EnvMap
from sentry_iac.importer.read.progress import Progress
from sentry_iac.importer.run import run_import
from sentry_iac.providers import SentryClient
from tests.engine.engine import Deployment, Resource, StackEngine
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN
from tests.member_teams import EXPECTED, STORED, seed_member_teams, yaml_teams


@dataclass
class Deployed:
    fake: FakeSentry
    org: dict[str, Any]
    before: dict[str, dict[str, str | None]]  # email -> team -> stored role, before the up
    up: Deployment
    state: list[Resource]


def _roles(fake: FakeSentry) -> dict[str, dict[str, str | None]]:
    return {m.email: dict(m.team_roles) for m in fake.org.members.values()}


@pytest.fixture(scope="module")
def deployed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployed]:
    out = tmp_path_factory.mktemp("member-teams") / "sentry"
    with FakeSentry(token=FAKE_TOKEN, org_slug="dbca", page_size=2) as fake:
        seed_member_teams(fake)
        with SentryClient(FAKE_TOKEN, fake.url) as client:
            result = run_import(client, "dbca", out, EnvMap(("production", "staging")),
                                base_url=fake.url, progress=Progress(io.StringIO(), tty=False))
        before = _roles(fake)
        engine = StackEngine(out, "production", fake, token=FAKE_TOKEN)
        up = engine.up()
        yield Deployed(fake, result.config.org, before, up, list(engine.state.values()))
        assert not fake.internal_errors, fake.internal_errors


def test_the_yaml_gives_each_member_its_teams_and_roles(deployed: Deployed) -> None:
    assert yaml_teams(deployed.org) == EXPECTED


def test_the_first_up_writes_nothing_to_members_or_team_roles(deployed: Deployed) -> None:
    assert deployed.up.ok, deployed.up.explain()
    writes = [(e.method, e.path) for e in deployed.up.writes if "/members/" in e.path]
    assert writes == []
    assert _roles(deployed.fake) == deployed.before
    roles = {(r.inputs["member"], r.inputs["team"]): r.outputs for r in deployed.state
             if r.type.endswith(":TeamRole")}
    assert set(roles) == STORED
    assert all(out["role"] == "admin" and out["written"] is False for out in roles.values())


def test_each_members_teams_are_in_the_order_sentry_answers_them(deployed: Deployed) -> None:
    """terraform-provider-sentry 0.11.2 reads `teams` from the member's GET and compares the
    list in order: any other order would update the member, which forgets its team roles."""
    members = {r.inputs["email"]: r.inputs.get("teams", []) for r in deployed.state
               if r.type.endswith("SentryOrganizationMember")}
    assert members == {m.email: list(m.team_roles) for m in deployed.fake.org.members.values()}
