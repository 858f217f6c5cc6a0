"""The refresh of the benchmark's 1k organisation (about 1,000 resources, 40 projects) through
Pulumi's provider host, counted: at most ``resources / 50 + 10`` requests for everything Sentry
lists in pages, plus one per project for the one setting Sentry lists nowhere in bulk (its
performance-issue settings: ``sentry.project_options``). A count, not a timing."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from benchmarks.generate import shape_for_resources, write_project
from tests.engine.engine import StackEngine
from tests.engine.lifecycle import seed_integrations
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN

PER_PROJECT = re.compile(r"^/api/0/projects/bench/[\w-]+/performance-issues/configure/$")
PER_MEMBER = re.compile(r"^/api/0/organizations/[^/]+/members/\d+/$")
TEAM_MEMBERS = re.compile(r"^/api/0/teams/[^/]+/[\w-]+/members/$")


def test_the_refresh_of_a_thousand_resources_reads_pages(tmp_path: Path) -> None:
    shape = shape_for_resources(1000)
    program = write_project(tmp_path / "org", shape)
    with FakeSentry(token=FAKE_TOKEN, org_slug="bench") as fake:
        seed_integrations(fake, program, "production")
        engine = StackEngine(program, "production", fake, token=FAKE_TOKEN)
        up = engine.up()
        assert up.ok, up.explain()
        resources = len(up.steps)
        assert resources == shape.owner_resources()
        refresh = engine.refresh()
        assert refresh.ok, refresh.explain()
        assert not fake.internal_errors
    assert len(refresh.ops("read")) == sum(1 for r in engine.state.values() if r.dynamic)
    per_project = [e for e in refresh.exchanges if PER_PROJECT.match(e.path)]
    # Team roles are read from each team's member listing, never one member at a time.
    per_member = [e for e in refresh.exchanges if PER_MEMBER.match(e.path)]
    roles = {r.outputs.get("team") for r in engine.state.values() if r.kind == "TeamRole"}
    team_listings = [e for e in refresh.exchanges if TEAM_MEMBERS.match(e.path)]
    listed = [e for e in refresh.exchanges if not PER_PROJECT.match(e.path)]
    assert len(per_project) == shape.projects  # one each, and nothing else per project
    assert roles and per_member == []
    assert len(team_listings) == len(roles)  # one page per team with a team role
    assert len(listed) <= resources / 50 + 10, Counter(e.path for e in listed)
    assert len(refresh.exchanges) <= shape.projects + resources / 50 + 10
    assert all(e.method == "GET" for e in refresh.exchanges)
