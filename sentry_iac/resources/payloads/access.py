"""A member's team role as sent to Sentry: the inputs of a ``TeamRole`` resource. Pulumi-free.

Only team roles the YAML writes out are managed (``MemberTeam.declared_role``): a role left out
is not managed, so removing ``role: admin`` never demotes anyone silently; it releases.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sentry_iac.config.models import Member
from sentry_iac.sentry.teams import TEAM_ROLE_FIELD


@dataclass(frozen=True)
class DeclaredTeamRole:
    """One member's declared role on one team, and where the YAML says it."""

    member: Member
    member_index: int
    team: str
    team_index: int
    role: str

    @property
    def name(self) -> str:
        """The resource's logical name: one per member and team."""
        return f"{self.member.email}/{self.team}"


def declared_team_roles(members: tuple[Member, ...]) -> list[DeclaredTeamRole]:
    return [DeclaredTeamRole(member, i, team.team, j, role)
            for i, member in enumerate(members)
            for j, team in enumerate(member.teams)
            if (role := team.declared_role) is not None]


def team_role_inputs(organization: str, declared: DeclaredTeamRole) -> dict[str, Any]:
    """What a ``TeamRole`` resource is given, besides the member id (the member's output).

    ``org_role`` and ``member_teams`` are the member's own inputs: pulumiverse_sentry updates a
    member with ``PUT members/{id}/`` and its ``teams``, which makes Sentry write every team
    membership again without a role (``save_team_assignments``, organization_member_utils.py),
    so whenever they change the team role is written again after the member's update."""
    member = declared.member
    return {"organization": organization, "member": member.email, "team": declared.team,
            "role": declared.role, "org_role": member.role,
            "member_teams": [t.team for t in member.teams]}


def team_role_body(role: str) -> dict[str, Any]:
    """``PUT organizations/{org}/members/{id}/teams/{team}/`` (OrganizationMemberTeamSerializer)."""
    return {TEAM_ROLE_FIELD: role}
