"""A member's team role (``PUT organizations/{org}/members/{id}/teams/{team}/``), which
pulumiverse_sentry 0.0.9 cannot set: its member resource only puts members in teams.

Sentry's rules (``sentry_iac.sentry.teams`` cites the source): the member must be in the team
(else 404); the role is applied only with the organisation feature ``organizations:team-roles``
(without it Sentry answers 200 and changes nothing); a role no higher than what the member's
organisation role gives (team admin for admin, manager and owner) is stored as null. So the
role compared everywhere here is the *effective* one, what Sentry's UI shows: the stored role,
or the organisation role's minimum.

``create`` and ``update`` read the member first and write only when the effective role differs
(an imported member who is already team admin costs no write), then check Sentry's answer: a
role Sentry did not apply is an error that says why, never a silent success. ``read`` returns
the live role, so ``pulumi refresh`` shows a role changed in Sentry's UI: from the team's member
listing (``GET teams/{org}/{team}/members/``, paginated, fetched once per process and shared by
the Reads of that team's roles, ``shared_reads``), or the member's own GET where the listing
does not say (a member it does not hold, an item without a role, an older Sentry, a member
this process wrote since). ``delete`` leaves
Sentry as it is: removing ``role:`` from the YAML releases the role, it never demotes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pulumi.dynamic as dyn

from sentry_iac.providers.drift import report
from sentry_iac.providers.paths import api_path
from sentry_iac.providers.runtime import SentryApiProvider
from sentry_iac.sentry.teams import (
    TEAM_ROLE_FIELD,
    TEAM_ROLES,
    TEAM_ROLES_FEATURE,
    effective_team_role,
    listed_team_role,
    live_role,
    org_role_of,
)

if TYPE_CHECKING:  # the HTTP client is loaded where a provider runs, not where it is declared
    from sentry_iac.providers.client import SentryClient

MEMBER_ID = "member_id"
# Inputs whose change means the role must be written again: the member's own, which its
# update makes Sentry forget the team role for (payloads.access.team_role_inputs).
_REAPPLY = ("role", "org_role", "member_teams", MEMBER_ID)


class TeamRoleNotAppliedError(RuntimeError):
    """Sentry answered, but the member does not hold the team role the YAML says."""


def _listing_key(organization: str, team: str) -> str:
    return f"members of team {organization}/{team}"


def _member_path(props: dict[str, Any]) -> str:
    return api_path("organizations", props["organization"], "members", str(props[MEMBER_ID]))


class TeamRoleProvider(SentryApiProvider):
    identity = ("organization", "member", "team")

    def check_inputs(self, news: dict[str, Any]) -> list[dyn.CheckFailure]:
        if news.get("role") not in TEAM_ROLES:
            return [dyn.CheckFailure("role", f"role must be one of {', '.join(TEAM_ROLES)}, "
                                             f"not {news.get('role')!r}")]
        return []

    def diff_inputs(self, _id: str, olds: dict[str, Any], news: dict[str, Any]
                    ) -> dyn.DiffResult:
        replaces = self.replacements(olds, news)
        changed = [k for k in _REAPPLY if olds.get(k) != news.get(k)]
        return dyn.DiffResult(changes=bool(replaces or changed), replaces=replaces,
                              stables=list(self.identity), delete_before_replace=False)

    def _wrote(self, props: dict[str, Any]) -> None:
        """The team listing no longer answers for a member whose role this process wrote."""
        self.reads().wrote(_listing_key(str(props["organization"]), str(props["team"])),
                           str(props[MEMBER_ID]))

    def _member(self, client: SentryClient, props: dict[str, Any]) -> dict[str, Any]:
        return client.get_object(_member_path(props))

    def _apply(self, client: SentryClient, props: dict[str, Any]) -> tuple[str, bool]:
        """Write the role if Sentry's effective one differs; (effective role, written)."""
        member = self._member(client, props)
        team, wanted = str(props["team"]), str(props["role"])
        current = live_role(member, team)
        if current is None:
            raise TeamRoleNotAppliedError(
                f"{props['member']} is not in team '{team}' in Sentry, so Sentry has no team "
                "role to set (it answers 404); the member's teams come from `members:`")
        if current == wanted:
            return current, False
        path = api_path("organizations", props["organization"], "members",
                        str(props[MEMBER_ID]), "teams", team)
        answer = client.put(path, {TEAM_ROLE_FIELD: wanted})
        org_role = org_role_of(member)
        stored = answer.get(TEAM_ROLE_FIELD) if isinstance(answer, dict) else None
        applied = effective_team_role(stored, org_role)
        if applied != wanted:
            raise TeamRoleNotAppliedError(
                f"Sentry answered that {props['member']} is {applied} on team '{team}', not "
                f"{wanted}: it applies team roles only where the organisation has "
                f"'{TEAM_ROLES_FEATURE}' (Business and Enterprise plans) and ignores them "
                "without an error otherwise; check `plan:` in org.yaml")
        return applied, True

    def create_object(self, props: dict[str, Any]) -> dyn.CreateResult:
        with self.client() as client:
            live, written = self._apply(client, props)
        self._wrote(props)
        id_ = f"{props['organization']}/{props[MEMBER_ID]}/{props['team']}"
        return dyn.CreateResult(id_, outs={**props, "role": live, "written": written})

    def _listed(self, client: SentryClient, props: dict[str, Any]) -> str | None:
        """The member's effective role as the team's member listing says it, or None when
        the listing does not say (the member's own GET then does)."""
        organization, team = str(props["organization"]), str(props["team"])

        def load() -> dict[str, dict[str, Any]]:
            path = api_path("teams", organization, team, "members")
            return {str(item.get("id")): item for item in client.paginate(path)}

        listed: dict[str, dict[str, Any]] | None = self.reads().answer(
            _listing_key(organization, team), load, reader="TeamRole",
            item=str(props[MEMBER_ID]))
        item = None if listed is None else listed.get(str(props[MEMBER_ID]))
        if item is None:
            return None
        said, stored = listed_team_role(item, team)
        if not said:
            return None
        return effective_team_role(stored, org_role_of(item))

    def read_object(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        with self.client() as client:  # 404 when the member is gone: the engine drops it
            live = self._listed(client, props)
            if live is None:
                live = live_role(self._member(client, props), str(props["team"]))
        if live is None:
            return dyn.ReadResult("", {})  # no longer in the team: nothing left to manage
        return dyn.ReadResult(id_, {**props, "role": live})

    def update_object(self, _id: str, olds: dict[str, Any], news: dict[str, Any]
                      ) -> dyn.UpdateResult:
        with self.client() as client:
            before = live_role(self._member(client, news), str(news["team"]))
            if before is not None and before != olds.get("role"):
                report(f"TeamRole '{news['member']}' on '{news['team']}'",
                       {"role": olds.get("role")}, {"role": before},
                       "this update writes the YAML's role back")
            live, written = self._apply(client, news)
        self._wrote(news)
        return dyn.UpdateResult(outs={**news, "role": live, "written": written})

    def delete_object(self, _id: str, props: dict[str, Any]) -> None:
        # Released, never demoted: the resource is retain_on_delete, and should the engine
        # still ask, Sentry keeps the member's team role.
        return None
