"""Teams, members, projects (with team access and settings) and client keys -> ``org.yaml``.

Each entry is checked with the spec's own model as it is made, so one value the YAML cannot hold
leaves out that entry (reported), not the whole import.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from sentry_iac.config.models import Member, Project, Team
from sentry_iac.config.platforms import SENTRY_PLATFORMS
from sentry_iac.importer.convert import quotas, settings, triage
from sentry_iac.importer.convert.stacks import EnvMap
from sentry_iac.importer.read.snapshot import Json, ProjectData, Snapshot
from sentry_iac.importer.report import Report
from sentry_iac.sentry.teams import (
    ADMIN,
    TEAM_ROLES_FIELD,
    TEAMS_FIELD,
    live_role,
    minimum_team_role,
    org_role_of,
)

DEFAULT_DIGESTS = (300, 1800)


@dataclass
class OrgParts:
    teams: list[Json] = field(default_factory=list)
    members: list[Json] = field(default_factory=list)
    projects: list[Json] = field(default_factory=list)
    models: dict[str, Project] = field(default_factory=dict)  # declared projects by slug
    member_ids: dict[str, str] = field(default_factory=dict)  # email -> Sentry member id
    member_emails: dict[str, str] = field(default_factory=dict)  # user id -> email
    owners: list[str] = field(default_factory=list)
    keys: dict[tuple[str, str], str] = field(default_factory=dict)  # (project, stack) -> id


def _valid(model: type[BaseModel], entry: Json, subject: str, report: Report) -> bool:
    try:
        model.model_validate(entry)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        report.skip(subject, f"sentry-iac would refuse it: {where}: {problem['msg']}")
        return False
    return True


def _teams(snapshot: Snapshot, parts: OrgParts, report: Report) -> None:
    for team in snapshot.teams:
        entry: Json = {"slug": team["slug"]}
        if team.get("name") and team["name"] != team["slug"]:
            entry["name"] = team["name"]
        if _valid(Team, entry, f"team {team['slug']}", report):
            parts.teams.append(entry)
            report.adopted["teams"] += 1


def _member_teams(member: Json) -> list[Any] | None:
    """The member's teams as the YAML says them, or None when they were not read. ``role:
    admin`` where the member is team admin above what the organisation role gives (Sentry
    stores no role at or below it); a contributor's role is left out, so it is not managed."""
    if TEAM_ROLES_FIELD in member:
        slugs = [str(r["teamSlug"]) for r in member[TEAM_ROLES_FIELD]]
    elif TEAMS_FIELD in member:  # an older Sentry's member answer: slugs only
        slugs = [str(slug) for slug in member[TEAMS_FIELD]]
    else:
        return None
    least = minimum_team_role(org_role_of(member))
    return [{"team": slug, "role": ADMIN} if live_role(member, slug) == ADMIN != least
            else slug for slug in slugs]


def _members(snapshot: Snapshot, parts: OrgParts, report: Report) -> None:
    declared = {t["slug"] for t in parts.teams}
    for member in snapshot.members:
        email = str(member.get("email") or "")
        subject = f"member {email or member.get('id')}"
        teams = _member_teams(member)
        if teams is None:
            report.skip(subject, "its teams could not be read (see below), and importing it "
                                 "without them would take it off its teams on the first `up`")
            continue
        missing = [t for t in teams if (t if isinstance(t, str) else t["team"]) not in declared]
        if missing:
            report.skip(subject, f"belongs to teams that are not imported: {missing}")
            continue
        entry: Json = {"email": email, "role": member.get("orgRole") or member.get("role")}
        if teams:
            entry["teams"] = teams
        if not _valid(Member, entry, subject, report):
            continue
        parts.members.append(entry)
        parts.member_ids[email.lower()] = str(member["id"])
        if member.get("user"):
            parts.member_emails[str(member["user"]["id"])] = email
        if entry["role"] == "owner":
            parts.owners.append(email)
        report.adopted["members"] += 1


def _owners_teams(parts: OrgParts) -> dict[str, set[str]]:
    """Each imported member's email (lower case) -> its teams: who may own a project's issues."""
    return {str(m["email"]).lower(): {t if isinstance(t, str) else t["team"]
                                      for t in m.get("teams", [])} for m in parts.members}


def _project(data: ProjectData, envs: EnvMap, declared: set[str], report: Report,
             members: dict[str, set[str]] | None = None) -> Json | None:
    detail, slug = data.detail, data.slug
    subject = f"project {slug}"
    entry: Json = {"slug": slug}
    if detail.get("name") and detail["name"] != slug:
        entry["name"] = detail["name"]
    platform = detail.get("platform")
    if platform in SENTRY_PLATFORMS:
        entry["platform"] = platform
    elif platform:
        report.note(subject, f"platform '{platform}' is not one sentry-iac knows; it is left "
                             "out of the YAML and Sentry keeps it")
    teams = [str(t["slug"]) for t in detail.get("teams") or []]
    if not teams or any(t not in declared for t in teams):
        report.skip(subject, "it has no owning team that was imported; sentry-iac needs one "
                             "(its keys, settings and alerts are left out too)")
        return None
    entry["teams"] = teams
    if detail.get("resolveAge"):
        entry["resolve_age"] = detail["resolveAge"]
    digests = (detail.get("digestsMinDelay", 300), detail.get("digestsMaxDelay", 1800))
    if digests != DEFAULT_DIGESTS:
        entry["digests"] = {"min_delay": digests[0], "max_delay": digests[1]}
    mapped = {s: envs.environment(slug, s) for s in envs.stacks
              if envs.environment(slug, s) != s}
    if mapped:
        entry["environments"] = mapped
    optional = {
        "privacy": settings.privacy(detail, subject, report, project=True),
        "fingerprinting": settings.fingerprinting(detail, subject, report),
        "performance_issues": settings.performance(data.performance, subject, report),
        "hidden_environments": settings.hidden_environments(data.environments),
        "ownership": triage.ownership_block(data, teams, members or {}, subject, report),
        "inbound_filters": triage.filters_block(data, subject, report),
        "spike_protection": quotas.spike_protection(detail),
    }
    entry.update({k: v for k, v in optional.items() if v is not None})
    return entry if _valid(Project, entry, subject, report) else None


def _keys(data: ProjectData, project: Project, envs: EnvMap, parts: OrgParts,
          report: Report) -> None:
    """Each stack's key is the one named after its environment (resources.args.key_args)."""
    used: set[str] = set()
    for stack in envs.stacks:
        environment = project.environment_for(stack)
        named = sorted((k for k in data.keys if k.get("name") == environment),
                       key=lambda k: int(k["id"]))
        if not named:
            report.note(f"client key of {data.slug} in {stack}",
                        f"Sentry has no key named '{environment}'; the first `pulumi up` of "
                        f"{stack} creates one (a new DSN)")
            continue
        parts.keys[(data.slug, stack)] = str(named[0]["id"])
        used.add(str(named[0]["id"]))
        report.adopted["client keys"] += 1
    others = sorted(str(k.get("name")) for k in data.keys if str(k["id"]) not in used)
    if others:
        report.note(f"client keys of {data.slug}",
                    f"{', '.join(others)}: not named after a stack's environment; they stay in "
                    "Sentry, unmanaged")


def organization_parts(snapshot: Snapshot, envs: EnvMap, report: Report) -> OrgParts:
    parts = OrgParts()
    _teams(snapshot, parts, report)
    _members(snapshot, parts, report)
    declared = {t["slug"] for t in parts.teams}
    owners = _owners_teams(parts)
    for data in snapshot.projects:
        envs.check(data.slug)
        entry = _project(data, envs, declared, report, owners)
        if entry is None:
            continue
        project = Project.model_validate(entry)
        report.adopted["projects"] += 1
        _keys(data, project, envs, parts, report)
        # The limits of the keys each stack adopts, now they are chosen.
        limit = quotas.rate_limit(data, {stack: key for (slug, stack), key in parts.keys.items()
                                         if slug == data.slug})
        if limit is not None:
            entry["rate_limit"] = limit
            project = Project.model_validate(entry)
        parts.projects.append(entry)
        parts.models[data.slug] = project
    return parts
