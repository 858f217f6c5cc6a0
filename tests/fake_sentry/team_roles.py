"""One member (``GET organizations/{org}/members/{member_id}/``) and their role on one team
(``PUT .../members/{member_id}/teams/{team_id_or_slug}/``).

Source (getsentry/sentry):

* ``core/endpoints/organization_member_details.py`` ``get``: the member as
  ``OrganizationMemberWithRolesSerializer`` (``orgRole``, ``teams``, ``teamRoles`` with each
  stored role, null where none is stored); a member id that is not a number, or not in the
  organisation, is 404 (``OrganizationMemberEndpoint``).
* ``core/endpoints/organization_member_team_details.py`` ``put``: the team must exist (404,
  ``convert_args``) and the member be in it (404, ``OrganizationMemberTeam.DoesNotExist``);
  ``OrganizationMemberTeamSerializer`` takes ``teamRole`` as a ``ChoiceField`` of
  ``SENTRY_TEAM_ROLES`` (400 '"x" is not a valid choice.'); the role is applied only with the
  feature ``organizations:team-roles`` (otherwise the answer is 200 and nothing changes);
  ``_change_team_member_role`` stores null when the role is no higher than the minimum team role
  of the member's organisation role (``is_minimum_role_for: admin``: admin, manager, owner), and
  the answer is ``{"isActive", "teamRole"}`` with the stored value.
  ``OrganizationTeamMemberPermission`` takes org:read/write/admin, member:* and team:write/admin
  for PUT (routes.py); the role comparison of ``can_set_team_role`` passes for the owner or
  manager tokens sentry-iac deploys with, and is not modelled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_sentry.lookup import by_numeric_id, object_body, org_of
from tests.fake_sentry.members import member_with_teams
from tests.fake_sentry.replies import Reply, not_found
from tests.fake_sentry.validation import Invalid, choice

if TYPE_CHECKING:
    from tests.fake_sentry.routes import Call

TEAM_ROLES = ("contributor", "admin")  # SENTRY_TEAM_ROLES, least first
# The organisation roles whose minimum team role is admin (SENTRY_TEAM_ROLES' admin has
# "is_minimum_role_for": "admin", and roles rank member < admin < manager < owner).
TEAM_ADMIN_ROLES = frozenset({"admin", "manager", "owner"})
FEATURE = "team-roles"  # organizations:team-roles, as the organisation answer lists it


ORG_ROLES = ("member", "admin", "manager", "owner")  # SENTRY_ROLES, least first


def _role(role_id: str, retired: bool) -> dict[str, Any]:
    """``api/serializers/models/role.py`` ``_serialize_base_role`` (descriptions and scopes
    left empty: nothing reads them)."""
    return {"id": role_id, "name": role_id.title(), "desc": "", "scopes": [], "allowed": True,
            "isAllowed": True, "isRetired": retired, "isTeamRolesAllowed": True}


def get_member(call: Call) -> Reply:
    """``OrganizationMemberWithRolesSerializer``: the member, with the roles the caller may
    give (``orgRoleList``, ``admin`` retired where team roles exist) and the team roles
    (``teamRoleList``)."""
    org = org_of(call)
    member = by_numeric_id(org.members, call.params["member_id"])
    team_roles = FEATURE in org.features
    owners = [m for m in org.members.values() if m.role == "owner"]
    org_roles = [{**_role(r, team_roles and r == "admin"), "is_global": r in ("manager", "owner"),
                  "isGlobal": r in ("manager", "owner"),
                  "minimumTeamRole": "admin" if r in TEAM_ADMIN_ROLES else "contributor"}
                 for r in ORG_ROLES]
    roles = [{**_role(r, False), "isMinimumRoleFor": "admin" if r == "admin" else None}
             for r in TEAM_ROLES]
    return Reply(200, {**member_with_teams(org, member), "invite_link": None,
                       "isOnlyOwner": owners == [member], "orgRoleList": org_roles,
                       "teamRoleList": roles})


def put_member_team_role(call: Call) -> Reply:
    org = org_of(call)
    member = by_numeric_id(org.members, call.params["member_id"])
    slug = call.params["team_id_or_slug"]
    team = org.teams.get(slug) or org.find_team_by_id(slug)
    if team is None or team.slug not in member.team_roles:
        raise not_found()
    body = object_body(call)
    stored = member.team_roles[team.slug]
    if "teamRole" in body:
        role, errors = choice(TEAM_ROLES)(body["teamRole"])
        if errors:
            raise Invalid({"teamRole": errors})
        if FEATURE in org.features:
            least = "admin" if member.role in TEAM_ADMIN_ROLES else "contributor"
            stored = role if TEAM_ROLES.index(role) > TEAM_ROLES.index(least) else None
            member.team_roles[team.slug] = stored
    return Reply(200, {"isActive": True, "teamRole": stored})
