"""Organisation members, which alerts name by user id (``GET /organizations/{org}/members/``),
and a team's members (``GET /teams/{org}/{team}/members/``), where their team roles are.

``query`` takes ``email:``, ``role:`` and ``isInvited:`` terms (several values of one key match
any of them) and free text on email and name.

Source (getsentry/sentry ``src/sentry/``):

* ``core/endpoints/organization_member_index.py`` (older: ``api/endpoints/``)
  ``OrganizationMemberIndexEndpoint.get`` reads those query keys (others are ignored here; there
  an unknown key matches nothing) and serializes each member with the *base*
  ``OrganizationMemberSerializer`` (``api/serializers/models/organization_member/base.py``):
  ``id, email, name, user, role, roleName, orgRole, pending, expired, flags, dateCreated,
  inviteStatus, inviterName`` (``groupOrgRoles`` only for teams that give an organisation role,
  which the fake has none of). No ``teams``, no ``teamRoles``: only
  ``OrganizationMemberWithTeamsSerializer`` (``.../organization_member/expand/teams.py``) adds
  them, and only the member's own GET uses it (``team_roles.get_member``).
* ``core/endpoints/team_members.py`` (older: ``api/endpoints/``) ``TeamMembersEndpoint.get``:
  the team's ``OrganizationMemberTeam`` rows whose member is approved (``invite_status`` APPROVED,
  so invitation *requests* are left out) and either an active user or no user yet, ordered by
  the member's email, then the row, ``OffsetPaginator``; each item is the base member answer
  plus ``teamRole`` (the stored team role, null when none is stored) and ``teamSlug``
  (``DetailedOrganizationMemberTeamSerializer``). Its docstring says "will not include members
  with pending invites"; the query keeps approved invitations that nobody accepted yet
  (``Q(organizationmember__user_id__isnull=True)``), and so does the fake: the source wins.
  Sentry of 2022 put ``teamRoles: [{teamSlug, role}]`` on each item instead and answered one
  unpaginated list sorted by the user's name (``FakeOrganization.older_team_members``; it then
  fails on a user-less invitee, which is not modelled). ``TeamPermission``: team:read/write/admin.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from tests.fake_sentry import listing
from tests.fake_sentry.lookup import org_of
from tests.fake_sentry.pagination import paginated
from tests.fake_sentry.replies import Reply, not_found
from tests.fake_sentry.state import DATE_CREATED, FakeMember, FakeOrganization

if TYPE_CHECKING:
    from tests.fake_sentry.routes import Call

_FLAGS = (
    "idp:provisioned", "idp:role-restricted", "sso:linked", "sso:invalid",
    "member-limit:restricted", "partnership:restricted",
)  # fmt: skip


def _user(member: FakeMember) -> dict[str, Any] | None:
    if member.user_id is None:
        return None  # an invitation nobody has accepted yet
    return {
        "id": member.user_id,
        "name": member.name,
        "username": member.email,
        "email": member.email,
        "avatarUrl": "",
        "avatar": {"avatarType": "letter_avatar", "avatarUuid": None, "avatarUrl": None},
        "isActive": True,
        "isSuspended": False,
        "hasPasswordAuth": True,
        "isManaged": False,
        "dateJoined": DATE_CREATED,
        "lastLogin": None,
        "has2fa": False,
        "lastActive": None,
        "isSuperuser": False,
        "isStaff": False,
        "experiments": {},
        "emails": [{"id": member.user_id, "email": member.email, "is_verified": True}],
    }


def member_body(org: FakeOrganization, member: FakeMember) -> dict[str, Any]:
    """The base ``OrganizationMemberSerializer.serialize`` answer."""
    pending = member.user_id is None
    return {
        "id": member.id,
        "email": member.email,
        "name": member.name,
        "user": _user(member),
        "orgRole": member.role,
        "role": member.role,  # deprecated there, still sent
        "roleName": member.role.title(),  # roles.get(obj.role).name: "Member", "Owner", ...
        "pending": pending,
        "expired": False,
        "flags": dict.fromkeys(_FLAGS, False),
        "dateCreated": DATE_CREATED,
        "inviteStatus": "pending" if pending else "approved",
        "inviterName": None,
    }


def member_with_teams(org: FakeOrganization, member: FakeMember) -> dict[str, Any]:
    """``OrganizationMemberWithTeamsSerializer``: the base answer plus ``teams`` (slugs,
    deprecated) and ``teamRoles`` (each with the stored role, null where none is stored)."""
    return {
        **member_body(org, member),
        "teams": [slug for slug in member.team_roles if slug in org.teams],
        "teamRoles": [
            {"teamSlug": slug, "role": role}
            for slug, role in member.team_roles.items()
            if slug in org.teams
        ],
    }


def _values(member: FakeMember, key: str) -> set[str]:
    if key == "email":
        return {member.email.lower()}
    if key == "role":
        return {member.role}
    if key == "isInvited":
        return {str(member.user_id is None).lower()}
    return set()


def _selected(org: FakeOrganization, text: str) -> list[FakeMember]:
    free: list[listing.Term] = []
    by_key: dict[str, set[str]] = defaultdict(set)
    for term in listing.parse_query(text):
        if term.key is None:
            free.append(term)
        else:
            by_key[term.key] |= {v.lower() for v in term.values}
    return [
        member
        for member in org.members.values()
        if all(listing.contains(t, member.email, member.name) for t in free)
        and all(_values(member, key) & wanted for key, wanted in by_key.items())
    ]


def list_members(call: Call) -> Reply:
    org = org_of(call)
    items = [member_body(org, m) for m in _selected(org, call.query.get("query", [""])[0])
             if m.id not in org.vanished_members]
    return paginated(items, call.query, call.page_size, call.url)


def list_team_members(call: Call) -> Reply:
    org = org_of(call)
    wanted = call.params["team_id_or_slug"]
    team = org.teams.get(wanted) or org.find_team_by_id(wanted)
    if team is None:  # TeamEndpoint.convert_args: ResourceDoesNotExist
        raise not_found()
    on_team = [m for m in org.members.values()
               if team.slug in m.team_roles and m.id not in org.vanished_members]
    if org.older_team_members:
        on_team.sort(key=lambda m: m.name or m.email)  # x["user"]["name"] or x["user"]["email"]
        return Reply(200, [{**member_body(org, m),
                            "teamRoles": [{"teamSlug": team.slug, "role": m.team_roles[team.slug]}]}
                           for m in on_team])
    on_team.sort(key=lambda m: (m.email, int(m.id)))  # organizationmember__email, id
    items = [{**member_body(org, m), "teamRole": m.team_roles[team.slug], "teamSlug": team.slug}
             for m in on_team]
    return paginated(items, call.query, call.page_size, call.url)
