"""An organisation whose members are on teams with team roles, set through the fake's own API
(``PUT members/{id}/teams/{team}/``, which stores a role as Sentry does), and the teams the
imported YAML must give each member: written out here by hand from the seed, not computed.

The member list carries no teams (``fake_sentry.members``), so the import has to find them in
the team listings and, where those cannot say it, in each member's own GET: a member on two
teams whose order is not the team listings' order, an invitation, a member with no team.
"""

from __future__ import annotations

from typing import Any

from sentry_iac.providers import SentryClient, api_path
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN

TEAMS = ("backend", "data", "frontend")
# email -> the member's teams in org.yaml; None: the member has no `teams:` key
EXPECTED: dict[str, list[Any] | None] = {
    # on two teams, the later one first (the member's own GET gives that order)
    "lead@example.org": ["frontend", {"team": "backend", "role": "admin"}],
    "solo@example.org": [{"team": "data", "role": "admin"}],  # one team: its listing says it
    "boss@example.org": ["frontend", "data"],  # a manager: Sentry stored null for admin
    "invited@example.org": [{"team": "backend", "role": "admin"}],  # a pending invitation
    "loner@example.org": None,
    **{f"dev{i}@example.org": ["backend"] for i in range(3)},  # backend's listing has pages
}
# Members whose teams only their own GET says exactly (two teams or more, or pending).
ASKED = ("lead@example.org", "boss@example.org", "invited@example.org")
# The admin team roles the seed asks Sentry for; the manager's it stores as null.
ROLES = {("lead@example.org", "backend"), ("solo@example.org", "data"),
         ("boss@example.org", "frontend"), ("invited@example.org", "backend")}
STORED = ROLES - {("boss@example.org", "frontend")}


def seed_member_teams(fake: FakeSentry) -> None:
    org = fake.org
    for slug in TEAMS:
        org.add_team(slug)
    api = org.add_project("api", platform="python-django", teams=["backend"],
                          environments=["production", "staging"])
    for name in ("production", "staging"):
        org.add_key(api, name)
    members = {
        "lead@example.org": org.add_member("lead@example.org", teams=["frontend", "backend"]),
        "solo@example.org": org.add_member("solo@example.org", teams=["data"]),
        "boss@example.org": org.add_member("boss@example.org", role="manager",
                                           teams=["frontend", "data"]),
        "invited@example.org": org.add_member("invited@example.org", teams=["backend"],
                                              pending=True),
    }
    org.add_member("loner@example.org")
    for i in range(3):
        org.add_member(f"dev{i}@example.org", teams=["backend"])
    with SentryClient(FAKE_TOKEN, fake.url) as client:
        for email, team in sorted(ROLES):
            client.put(api_path("organizations", org.slug, "members", members[email].id,
                                "teams", team), {"teamRole": "admin"})


def member_ids(fake: FakeSentry, emails: tuple[str, ...]) -> set[str]:
    return {m.id for m in fake.org.members.values() if m.email in emails}


def yaml_teams(org_yaml: dict[str, Any]) -> dict[str, list[Any] | None]:
    return {str(m["email"]): m.get("teams") for m in org_yaml["members"]}
