"""Organisation members, which alerts name by user id (``GET /organizations/{org}/members/``).

``query`` takes ``email:``, ``role:`` and ``isInvited:`` terms (several values of one key match
any of them) and free text on email and name.

Source: ``src/sentry/core/endpoints/organization_member_index.py`` (older:
``api/endpoints/organization_member_index.py``) ``OrganizationMemberIndexEndpoint.get``, which
reads those query keys; the answer shape is ``api/serializers/models/organization_member``
``OrganizationMemberSerializer``. source not found for the exact key list: from SENTRY_API.md
§7. Unknown query keys are ignored there and here.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from tests.fake_sentry import listing
from tests.fake_sentry.lookup import org_of
from tests.fake_sentry.pagination import paginated
from tests.fake_sentry.replies import Reply
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
    pending = member.user_id is None
    return {
        "id": member.id,
        "email": member.email,
        "name": member.name,
        "user": _user(member),
        "orgRole": member.role,
        "role": member.role,
        "pending": pending,
        "expired": False,
        "flags": dict.fromkeys(_FLAGS, False),
        "dateCreated": DATE_CREATED,
        "inviteStatus": "pending" if pending else "approved",
        "inviterName": None,
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
    items = [member_body(org, m) for m in _selected(org, call.query.get("query", [""])[0])]
    return paginated(items, call.query, call.page_size, call.url)
