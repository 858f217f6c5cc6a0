"""Declared settings that can lock people out or change who may do what.

``sentry-iac plan`` lists them under "Attention" so a reviewer sees them before they apply. The
check reads only the spec: it says what a setting does compared with Sentry's defaults, not
whether Sentry already has it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sentry_iac.config.models import Organization, Project, Team
from sentry_iac.config.security import Security
from sentry_iac.config.yaml.source import KeyPath
from sentry_iac.sentry.security import ROLES
from sentry_iac.sentry.teams import ADMIN, minimum_team_role

# Sentry's defaults for the role settings (sentry/constants.py).
ATTACHMENTS_ROLE_DEFAULT = "member"
DEBUG_FILES_ROLE_DEFAULT = "admin"


@dataclass(frozen=True)
class Callout:
    path: KeyPath  # where the setting is declared
    message: str


def _stricter(role: str | None, than: str) -> bool:
    return role is not None and ROLES.index(role) > ROLES.index(than)


def access_callouts(security: Security | None) -> list[Callout]:
    """The settings in ``security`` that take access away from people, or hand it out."""
    if security is None:
        return []
    out: list[Callout] = []

    def add(key: str, message: str) -> None:
        out.append(Callout(("security", key), message))

    if security.require_2fa:
        add("require_2fa", "members without two-factor authentication lose access when this is "
                           "applied, until they turn it on and accept Sentry's emailed "
                           "invitation; Sentry accepts it only from the token of a user who has "
                           "2FA, and not with SSO")
    if security.default_role is not None and security.default_role != "member":
        add("default_role", f"everyone who joins becomes {security.default_role}, not member: "
                            "more access than most people need")
    if security.open_membership is False:
        add("open_membership", "members can no longer join teams themselves; a team admin must "
                               "add them (existing team memberships stay)")
    if security.events_member_admin is False:
        add("events_member_admin", "members can no longer delete or discard events; only "
                                   "admins, managers and owners can")
    if security.alerts_member_write is False:
        add("alerts_member_write", "members can no longer create, edit or delete alerts; only "
                                   "admins, managers and owners can")
    if _stricter(security.attachments_role, ATTACHMENTS_ROLE_DEFAULT):
        add("attachments_role", f"only {security.attachments_role} and above can download "
                                f"event attachments (Sentry's default: {ATTACHMENTS_ROLE_DEFAULT})")
    if _stricter(security.debug_files_role, DEBUG_FILES_ROLE_DEFAULT):
        add("debug_files_role", f"only {security.debug_files_role} and above can download debug "
                                f"files and source maps (Sentry's default: "
                                f"{DEBUG_FILES_ROLE_DEFAULT})")
    return out


def lifecycle_callouts(org: Organization, owner: bool, rule_renames: list[tuple[KeyPath, str,
                       tuple[str, ...]]]) -> list[Callout]:
    """Deletions the YAML opts into, and renames that Pulumi must carry out in place.
    ``rule_renames`` is (path of the rule, its id, its previous ids) for each renamed rule."""
    out: list[Callout] = []
    if owner:
        holders: list[tuple[str, str, int, Project | Team]] = [
            *(("project", "projects", i, p) for i, p in enumerate(org.projects)),
            *(("team", "teams", i, t) for i, t in enumerate(org.teams))]
        for kind, key, index, item in holders:
            if item.delete_when_removed:
                what = "and every event it holds" if kind == "project" else "from Sentry"
                out.append(Callout((key, index, "delete_when_removed"),
                                   f"removing {kind} '{item.slug}' from the YAML will DELETE "
                                   f"it {what}; without this flag it would only be released"))
            if item.previous_slugs:
                out.append(Callout((key, index, "previous_slugs"),
                                   f"{kind} renamed from {', '.join(item.previous_slugs)} to "
                                   f"'{item.slug}': updated in place, nothing re-created"))
    if owner:
        for i, member in enumerate(org.members):
            if member.delete_when_removed:
                out.append(Callout(("members", i, "delete_when_removed"),
                                   f"removing member {member.email} from the YAML will REMOVE "
                                   "them from the organisation; without this flag they would "
                                   "only be released"))
        for i, project in enumerate(org.projects):
            for j, cron in enumerate(project.crons):
                if cron.delete_when_removed:
                    out.append(Callout(("projects", i, "crons", j, "delete_when_removed"),
                                       f"removing cron '{cron.slug}' from the YAML will DELETE "
                                       "its monitor and check-in history; without this flag "
                                       "it would only be released"))
    for i, project in enumerate(org.projects):
        for j, check in enumerate(project.uptime):
            if check.delete_when_removed:
                out.append(Callout(("projects", i, "uptime", j, "delete_when_removed"),
                                   f"removing uptime check '{check.id}' from the YAML will "
                                   "DELETE each stack's monitor and its check history; without "
                                   "this flag they would only be released"))
    for path, rule_id, previous in rule_renames:
        out.append(Callout(path, f"rule renamed from {', '.join(previous)} to '{rule_id}': "
                                 "updated in place, nothing re-created"))
    return out


def team_role_callouts(org: Organization) -> list[Callout]:
    """Team admin written for a member whose organisation role does not already give it: they
    may then manage the team's members and projects (SENTRY_TEAM_ROLES' admin scopes)."""
    out: list[Callout] = []
    for i, member in enumerate(org.members):
        for j, team in enumerate(member.teams):
            if team.declared_role == ADMIN and minimum_team_role(member.role) != ADMIN:
                out.append(Callout(("members", i, "teams", j, "role"),
                                   f"{member.email} becomes team admin on {team.team}: they may "
                                   "add and remove its members and its projects"))
    return out
