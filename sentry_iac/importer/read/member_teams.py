"""Each member's teams and stored team roles, which Sentry's member list does not carry.

Source (getsentry/sentry ``src/sentry/``): ``GET organizations/{org}/members/``
(``core/endpoints/organization_member_index.py``) answers the base
``OrganizationMemberSerializer``, with neither ``teams`` nor ``teamRoles``. So the teams come
from one listing per team, ``GET teams/{org}/{team}/members/`` (``core/endpoints/
team_members.py``, paginated): each item is the member plus ``teamRole``, the stored role (null
when none is stored), and ``teamSlug``; Sentry of 2022 sent ``teamRoles: [{teamSlug, role}]``
instead, and older Sentry no role at all.

Some members are read from their own GET too (``organization_member_details.py``,
``OrganizationMemberWithTeamsSerializer``: ``teamRoles``, or only ``teams`` on older Sentry):

* a member on two teams or more: the member resource (terraform-provider-sentry 0.11.2) reads
  ``teams`` in the order that GET gives them (``get_team_slugs_by_organization_member_id``,
  no ``order_by``) and compares them as a list, which no team listing can say, and another
  order would update the member on the first ``up`` (an update forgets team roles);
* a pending invitation: the team listing's query keeps approved invitations, its docstring
  says it does not;
* a member whose role a listing did not say, and everyone when a listing could not be read.

Each member read leaves with ``teamRoles`` (or, from an older member GET, ``teams``) as the
member's own GET answers them; a member whose teams could not be read has neither, and is
reported (convert leaves it out: the YAML would take it off its teams).
"""

from __future__ import annotations

from typing import Any

from sentry_iac.importer.read.progress import Progress
from sentry_iac.importer.read.snapshot import Json
from sentry_iac.importer.report import Report
from sentry_iac.providers.client import SentryClient
from sentry_iac.providers.errors import SentryApiError
from sentry_iac.providers.paths import api_path
from sentry_iac.sentry.teams import TEAM_ROLES_FIELD, TEAMS_FIELD, listed_team_role


class TeamListings:
    """What the team listings say: member id -> [{teamSlug, role}], and whom to ask again."""

    def __init__(self, member_ids: set[str]) -> None:
        self.roles: dict[str, list[Json]] = {member_id: [] for member_id in member_ids}
        self.ask: set[str] = set()  # member ids to read from their own GET

    def add(self, team: str, items: list[dict[str, Any]]) -> None:
        for item in items:
            member_id = str(item.get("id"))
            if member_id not in self.roles:
                continue  # not in the member list: not imported
            said, stored = listed_team_role(item, team)
            if not said:
                self.ask.add(member_id)
            self.roles[member_id].append({"teamSlug": team, "role": stored})


def _subject(member: Json) -> str:
    return f"member {member.get('email') or member.get('id')}"


def read_member_teams(client: SentryClient, organization: str, teams: list[Json],
                      members: list[Json], progress: Progress, report: Report) -> None:
    """Give each of ``members`` its ``teamRoles`` (in place); raises ``SentryApiError`` when
    Sentry refuses a read for another reason than 403 or 404."""
    found = TeamListings({str(m["id"]) for m in members})
    progress.step("reading team members", len(teams))
    for team in teams:
        slug = str(team["slug"])
        try:
            found.add(slug, list(client.paginate(api_path("teams", organization, slug,
                                                          "members"))))
        except SentryApiError as exc:
            if exc.status not in (403, 404):
                raise
            report.not_read(f"members of team {slug}", f"Sentry answered {exc.status}; each "
                            "member's teams are read from the member instead")
            found.ask = set(found.roles)  # anyone may be on this team
        progress.advance()
    ask = []
    for member in members:
        listed = found.roles[str(member["id"])]
        if member.get("pending") or str(member["id"]) in found.ask or len(listed) > 1:
            ask.append(member)
        else:
            member[TEAM_ROLES_FIELD] = listed
    progress.step("reading members' teams one by one", len(ask))
    for member in ask:
        try:
            detail = client.get(api_path("organizations", organization, "members",
                                         str(member["id"])))
        except SentryApiError as exc:
            if exc.status not in (403, 404):
                raise
            report.not_read(f"teams of {_subject(member)}", f"Sentry answered {exc.status}")
            progress.advance()
            continue
        if isinstance(detail, dict):
            for name in (TEAM_ROLES_FIELD, TEAMS_FIELD):
                if isinstance(detail.get(name), list):
                    member[name] = detail[name]
                    break
        progress.advance()
