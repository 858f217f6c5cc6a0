"""Sentry's team roles: their ids, the field that sets one, and the least team role each
organisation role already gives (stdlib only).

Source (getsentry/sentry):

* ``conf/server.py`` ``SENTRY_TEAM_ROLES``: ``contributor`` and ``admin``, in that order; the
  admin team role says ``"is_minimum_role_for": "admin"``, so the organisation roles from
  ``admin`` up (``admin``, ``manager``, ``owner`` in ``SENTRY_ROLES``) hold team admin on every
  team they are in (``RoleManager.get_minimum_team_role``, ``roles/manager.py``).
* ``core/endpoints/organization_member_team_details.py`` ``put``: ``{"teamRole": ...}``, a
  ``ChoiceField`` of those ids, on a member already in the team (else 404); applied only when
  the organisation has ``organizations:team-roles`` (without it the field is ignored and the
  answer is 200); a role no higher than the member's minimum is stored as null
  (``_change_team_member_role``: "let the minimum team role take over"), so the answer and the
  member's ``teamRoles`` say null for it.
* ``billing`` (sentry.io only, defined in getsentry) is a role Sentry's member endpoints refuse
  teams for (``is_team_roles_allowed``: "The user with a 'billing' role cannot have team-level
  permissions."); Sentry's membership docs list billing as the one role that cannot join teams.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

CONTRIBUTOR: Final = "contributor"
ADMIN: Final = "admin"
TEAM_ROLES = (CONTRIBUTOR, ADMIN)  # least to most powerful (SENTRY_TEAM_ROLES order)
TEAM_ROLE_FIELD: Final = "teamRole"
# The member answer's list of {teamSlug, role} (OrganizationMemberWithTeamsSerializer).
TEAM_ROLES_FIELD: Final = "teamRoles"
# Its list of team slugs (deprecated there; the only one older Sentry sends).
TEAMS_FIELD: Final = "teams"
TEAM_ROLES_FEATURE: Final = "organizations:team-roles"

# Organisation role -> the team role it holds on every team it is in, at least.
MINIMUM_TEAM_ROLE = {"member": CONTRIBUTOR, "admin": ADMIN, "manager": ADMIN, "owner": ADMIN}
# Organisation roles Sentry refuses team memberships for.
NO_TEAMS_ROLES = frozenset({"billing"})


def minimum_team_role(org_role: str) -> str:
    """The team role ``org_role`` gives on each of its teams (contributor when unknown)."""
    return MINIMUM_TEAM_ROLE.get(org_role, CONTRIBUTOR)


def effective_team_role(stored: object, org_role: str) -> str:
    """The team role a member holds: the stored one, or (null, or lower) the minimum their
    organisation role gives (``OrganizationMemberTeam.get_team_role``)."""
    least = minimum_team_role(org_role)
    if stored in TEAM_ROLES and TEAM_ROLES.index(str(stored)) > TEAM_ROLES.index(least):
        return str(stored)
    return least


def org_role_of(member: Mapping[str, Any]) -> str:
    """A member answer's organisation role (``orgRole``; ``role`` on older Sentry)."""
    return str(member.get("orgRole") or member.get("role") or "member")


def live_role(member: Mapping[str, Any], team: str) -> str | None:
    """The effective role on ``team`` of a member as the member's own GET answers it
    (``teamRoles`` with stored roles, or only ``teams`` on older Sentry), or None when they
    are not in it."""
    org_role = org_role_of(member)
    for entry in member.get(TEAM_ROLES_FIELD) or []:
        if isinstance(entry, dict) and entry.get("teamSlug") == team:
            return effective_team_role(entry.get("role"), org_role)
    if team in (member.get(TEAMS_FIELD) or []):  # older Sentry: no teamRoles, only slugs
        return minimum_team_role(org_role)
    return None


def listed_team_role(item: Mapping[str, Any], team: str) -> tuple[bool, Any]:
    """(whether an item of ``GET teams/{org}/{team}/members/`` says the member's role on
    ``team``, the stored role). ``core/endpoints/team_members.py``
    (``DetailedOrganizationMemberTeamSerializer``): ``teamRole`` beside ``teamSlug``; Sentry of
    2022 sent ``teamRoles: [{teamSlug, role}]``; older Sentry no role at all."""
    if TEAM_ROLE_FIELD in item:
        return True, item[TEAM_ROLE_FIELD]
    for entry in item.get(TEAM_ROLES_FIELD) or []:
        if isinstance(entry, Mapping) and entry.get("teamSlug") == team:
            return True, entry.get("role")
    return False, None
