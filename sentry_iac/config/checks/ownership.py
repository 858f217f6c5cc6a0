"""``owner/...``: the owners an ownership rule names must be ones Sentry would accept.

Sentry resolves each owner of the rule text against the project when the rules are saved
(``create_schema_from_issue_owners`` -> ``resolve_actors``, src/sentry/issues/ownership/
grammar.py): a team must have access to the project (``Team.objects.filter(slug__in=...,
projectteam__project_id=project_id)``), a user must be an active user who is a member of one of
the project's teams (``OrganizationMember.objects.filter(teams__projectteam__project__in=...)``).
Any other owner fails the whole save with 400 "Invalid rule owners: Team #x does not have access
to project 'p'." / "User x does not have access to project 'p'." / "User x is not a member of
this organization." (``get_invalid_owner_details``). Checked here on the raw YAML, so every
problem is reported at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sentry_iac.config.checks.context import CheckContext, Finding
from sentry_iac.config.checks.raw import entries, known, mapping, text, texts
from sentry_iac.config.checks.references import member_teams
from sentry_iac.config.checks.registry import check
from sentry_iac.config.yaml.source import KeyPath

# (key path of the owner, the owner's team or member key, the name given)
_OwnerRef = tuple[KeyPath, str, str]


def _owners(project: dict[str, Any], base: KeyPath) -> Iterator[_OwnerRef]:
    ownership = mapping(project, "ownership")
    for j, rule in entries(ownership, "rules"):
        owners = rule.get("owners")
        for k, owner in enumerate(owners if isinstance(owners, list) else []):
            path: KeyPath = (*base, "ownership", "rules", j, "owners", k)
            if isinstance(owner, str) and "@" in owner:
                yield path, "member", owner
            for key in ("team", "member"):
                if (name := text(owner, key)) is not None:
                    yield (*path, key), key, name


def _project_teams(project: dict[str, Any]) -> set[str]:
    return {team for _, team in texts(project.get("teams"))}


@check("owner/team-without-access", "an ownership rule names a team without access to the "
                                    "project (Sentry refuses the rules)")
def team_without_access(context: CheckContext) -> Iterator[Finding]:
    source = context.org_source
    if source is None:
        return
    declared = {text(team, "slug") for _, team in entries(context.org, "teams")}
    for i, project in entries(context.org, "projects"):
        teams = _project_teams(project)
        slug = text(project, "slug") or f"projects[{i}]"
        for path, kind, name in _owners(project, ("projects", i)):
            if kind != "team" or name in teams:
                continue
            if name not in declared:
                yield Finding(source, path, f"team '{name}' is not a declared team (known: "
                                            f"{known(n for n in declared if n)})")
            else:
                yield Finding(source, path, (
                    f"team '{name}' has no access to project '{slug}' (its teams: "
                    f"{known(teams)}); Sentry accepts as owners only teams with access to the "
                    "project"))


@check("owner/member-without-access", "an ownership rule names a member who is not in one of "
                                      "the project's teams (Sentry refuses the rules)")
def member_without_access(context: CheckContext) -> Iterator[Finding]:
    source = context.org_source
    if source is None:
        return
    teams_of: dict[object, set[str]] = {}  # member index -> its teams
    for path, team in member_teams(context.org):
        teams_of.setdefault(path[1], set()).add(team)
    members: dict[str, set[str]] = {}
    for i, member in entries(context.org, "members"):
        email = text(member, "email")
        if email is not None:
            members[email.lower()] = teams_of.get(i, set())
    for i, project in entries(context.org, "projects"):
        teams = _project_teams(project)
        slug = text(project, "slug") or f"projects[{i}]"
        for path, kind, email in _owners(project, ("projects", i)):
            if kind != "member":
                continue
            if email.lower() not in members:
                yield Finding(source, path, f"'{email}' is not a declared member (known: "
                                            f"{known(members)})")
            elif not members[email.lower()] & teams:
                yield Finding(source, path, (
                    f"member '{email}' is in none of the teams of project '{slug}' "
                    f"({known(teams)}); Sentry accepts as owners only members of a team with "
                    "access to the project"))
