"""Owners (``"team:<id>"``, ``"user:<id>"``) as Sentry's actor field checks and shows them.

Source: ``src/sentry/api/fields/actor.py`` ``ActorField`` / ``OwnerActorField`` ->
``src/sentry/types/actor.py`` ``parse_and_validate_actor``: empty means no owner; an
identifier ``Actor.from_identifier`` cannot parse is "Could not parse actor. Format should be
`type:id` where type is `team` or `user`." (a bare number is a user); a team of another
organisation is "Team is not a member of this organization", a user without membership "User
is not a member of this organization". An id that exists nowhere is "<type> does not exist"
in Sentry; the fake, which knows one organisation only, answers the membership texts.
``OwnerActorField`` also refuses a team the requesting user may not assign (no team:admin,
not a member, closed membership); the fake's token may assign any team.
"""

from __future__ import annotations

from typing import Any

from tests.fake_sentry.state import FakeOrganization

BAD_FORMAT = "Could not parse actor. Format should be `type:id` where type is `team` or `user`."


def check_owner(org: FakeOrganization, value: Any) -> tuple[str | None, list[str]]:
    """The owner in ``type:id`` form, or the messages Sentry gives; a bare id means a user."""
    if value is None or value == "":
        return None, []
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return None, [BAD_FORMAT]
    kind, _, actor_id = str(value).rpartition(":")
    kind = kind or "user"
    if kind not in ("team", "user") or not actor_id.isdigit():
        return None, [BAD_FORMAT]
    if kind == "team" and org.find_team_by_id(actor_id) is None:
        return None, ["Team is not a member of this organization"]
    if kind == "user" and org.find_member_by_user(actor_id) is None:
        return None, ["User is not a member of this organization"]
    return f"{kind}:{actor_id}", []


def owner_object(org: FakeOrganization, owner: str | None) -> dict[str, Any] | None:
    """A detector's ``owner`` in answers: an object, not the request's string."""
    if owner is None:
        return None
    kind, _, actor_id = owner.partition(":")
    if kind == "team":
        team = org.find_team_by_id(actor_id)
        return {"type": "team", "id": actor_id, "name": team.slug if team else actor_id}
    member = org.find_member_by_user(actor_id)
    email = member.email if member else ""
    return {"type": "user", "id": actor_id, "name": email, "email": email}
