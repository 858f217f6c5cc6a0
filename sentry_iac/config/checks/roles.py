"""``role/...``: team roles Sentry cannot hold as written, checked on the validated models.

Sentry does not refuse either of these with an error: it answers 200 and the member ends up
with another team role than the YAML says, which is why they are refused here
(``sentry_iac.sentry.teams`` cites the source of each rule).
"""

from __future__ import annotations

from collections.abc import Iterator

from sentry_iac.config.checks.context import CheckContext, Finding
from sentry_iac.config.checks.registry import check
from sentry_iac.sentry.teams import ADMIN, CONTRIBUTOR, NO_TEAMS_ROLES, minimum_team_role


@check("role/below-org-role", "a team role below what the organisation role gives (contributor "
                              "for an admin, manager, owner)",
       after_validation=True)
def below_org_role(context: CheckContext) -> Iterator[Finding]:
    org, source = context.model, context.org_source
    if org is None or source is None:
        return
    for i, member in enumerate(org.members):
        for j, team in enumerate(member.teams):
            if team.declared_role == CONTRIBUTOR and minimum_team_role(member.role) == ADMIN:
                yield Finding(source, ("members", i, "teams", j, "role"), (
                    f"a {member.role} is team admin on every team they are in: Sentry keeps "
                    f"the least team role an organisation role gives (SENTRY_TEAM_ROLES), so "
                    f"'contributor' on {team.team} would never apply. Write `role: admin`, or "
                    "leave role out, or give the member the organisation role member"))


@check("role/no-teams", "a member whose organisation role cannot be on teams (billing) lists "
                        "teams", after_validation=True)
def no_teams(context: CheckContext) -> Iterator[Finding]:
    org, source = context.model, context.org_source
    if org is None or source is None:
        return
    for i, member in enumerate(org.members):
        if member.role in NO_TEAMS_ROLES and member.teams:
            yield Finding(source, ("members", i, "teams"), (
                f"the {member.role} role cannot be on teams: Sentry refuses the invitation or "
                f"update (\"The user with a '{member.role}' role cannot have team-level "
                "permissions.\"). Remove teams, or give another role"))
