"""`sentry-iac import` reads each member's teams and team roles where Sentry keeps them: the
member list has neither (``OrganizationMemberSerializer``), so they come from each team's
listing (``GET teams/{org}/{team}/members/``) and, where that cannot say them, the member's own
GET. Whatever cannot be read is reported, and the member left out rather than imported without
its teams."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest

from sentry_iac.importer.convert.stacks import EnvMap
from sentry_iac.importer.read.member_teams import TeamListings
from sentry_iac.importer.read.progress import Progress
from sentry_iac.importer.report import NOT_READ, SKIPPED
from sentry_iac.importer.run import ImportResult, run_import
from sentry_iac.providers import SentryClient
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN
from tests.member_teams import ASKED, EXPECTED, TEAMS, member_ids, seed_member_teams, yaml_teams

STACKS = ("production", "staging")
MEMBER = "/api/0/organizations/dbca/members/{}/"


@pytest.fixture
def fake() -> Iterator[FakeSentry]:
    with FakeSentry(token=FAKE_TOKEN, org_slug="dbca", page_size=2) as fake:
        seed_member_teams(fake)
        yield fake
        assert not fake.internal_errors, fake.internal_errors


def _import(fake: FakeSentry, out: Path) -> ImportResult:
    with SentryClient(FAKE_TOKEN, fake.url) as client:
        return run_import(client, "dbca", out, EnvMap(STACKS), base_url=fake.url,
                          progress=Progress(io.StringIO(), tty=False))


def _asked(fake: FakeSentry) -> set[str]:
    """Member ids whose own GET the import sent."""
    return {m.id for m in fake.org.members.values() if fake.requests("GET", MEMBER.format(m.id))}


def test_each_member_keeps_its_teams_and_team_roles(fake: FakeSentry, tmp_path: Path) -> None:
    result = _import(fake, tmp_path / "out")
    assert yaml_teams(result.config.org) == EXPECTED
    for team in TEAMS:  # one listing per team, every page of it
        pages = fake.requests("GET", f"/api/0/teams/dbca/{team}/members/")
        assert pages and all(e.status == 200 for e in pages)
    assert len(fake.requests("GET", "/api/0/teams/dbca/backend/members/")) == 3  # 5 on it
    assert _asked(fake) == member_ids(fake, ASKED)
    assert not [f for f in result.report.of_kind(NOT_READ) if "team" in f.subject]


def test_sentry_of_2022_lists_team_roles_on_each_item(fake: FakeSentry, tmp_path: Path) -> None:
    fake.org.older_team_members = True
    assert yaml_teams(_import(fake, tmp_path / "out").config.org) == EXPECTED
    assert _asked(fake) == member_ids(fake, ASKED)


def test_a_team_listing_sentry_refuses_is_reported_and_each_member_asked(
        fake: FakeSentry, tmp_path: Path) -> None:
    fake.fail("GET", "/api/0/teams/dbca/data/members/", status=403)
    result = _import(fake, tmp_path / "out")
    assert yaml_teams(result.config.org) == EXPECTED
    (finding,) = [f for f in result.report.of_kind(NOT_READ) if f.subject == "members of team data"]
    assert "403" in finding.detail
    assert _asked(fake) == set(fake.org.members)


def test_a_member_whose_teams_cannot_be_read_is_left_out_and_reported(
        fake: FakeSentry, tmp_path: Path) -> None:
    (invited,) = member_ids(fake, ("invited@example.org",))
    fake.fail("GET", MEMBER.format(invited), status=404)
    result = _import(fake, tmp_path / "out")
    assert yaml_teams(result.config.org) == {e: t for e, t in EXPECTED.items()
                                             if e != "invited@example.org"}
    assert [f.subject for f in result.report.of_kind(NOT_READ)
            if "invited" in f.subject] == ["teams of member invited@example.org"]
    (skipped,) = [f for f in result.report.of_kind(SKIPPED) if "invited" in f.subject]
    assert "could not be read" in skipped.detail


def test_a_listing_that_gives_no_team_role_sends_its_members_to_their_own_get() -> None:
    """Sentry before team roles listed a team's members with the base serializer only."""
    found = TeamListings({"1", "2", "3"})
    found.add("api", [{"id": "1", "teamRole": "admin", "teamSlug": "api"},
                      {"id": "2", "teamRoles": [{"teamSlug": "api", "role": None}]},
                      {"id": "3"}, {"id": "9", "teamRole": None}])
    assert found.roles == {"1": [{"teamSlug": "api", "role": "admin"}],
                           "2": [{"teamSlug": "api", "role": None}],
                           "3": [{"teamSlug": "api", "role": None}]}
    assert found.ask == {"3"}
