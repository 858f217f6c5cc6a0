"""Team roles, key rate limits and spike protection in the words ``plan``, ``render`` and
``diff`` share."""

from __future__ import annotations

from dataclasses import dataclass, field

from sentry_iac.config.models import Organization, Project
from sentry_iac.review.english import duration
from sentry_iac.sentry.teams import ADMIN, minimum_team_role


def rate_limit(count: int, window: int) -> str:
    """"at most 1000 events per minute", "at most 50 events per 5 minutes"."""
    per = duration(window)
    return f"at most {count} events per {per.removeprefix('1 ')}"


def key_rate_limit(project: Project, stack: str) -> str | None:
    limit = project.rate_limit.for_stack(stack) if project.rate_limit is not None else None
    return None if limit is None else rate_limit(limit.count, limit.window)


def team_role(role: str, org_role: str, team: str) -> str:
    """"admin on backend", or "admin on backend (as every manager is)"."""
    if role == ADMIN and minimum_team_role(org_role) == ADMIN:
        return f"{role} on {team} (as every {org_role} is)"
    return f"{role} on {team}"


def spike_protection(enabled: bool) -> str:
    return "on: events beyond a sudden spike are dropped" if enabled else "off"


def spike_destination(kind: str, via: str) -> str:
    if kind == "sentry_notification":
        return "an email to the organisation's owners and managers"
    return f"{via} ({kind})"


def spike_notifications(org: Organization) -> list[str]:
    """One phrase per destination of ``spike_notifications``."""
    notices = org.spike_notifications
    if notices is None:
        return []
    projects = ", ".join(notices.projects) if notices.projects is not None else "every project"
    out = [f"{spike_destination(org.channels[name].kind, name)} for {projects}"
           for name in notices.channels if name in org.channels]
    if notices.owners_and_managers:
        out.append(f"{spike_destination('sentry_notification', '')} for {projects}")
    return out


# -- diff -------------------------------------------------------------------------------------

# (label, old, new) and (kind, subject, message), as review.diff wraps them.
ChangeRow = tuple[str, str | None, str | None]
Released = tuple[str, str, str]


@dataclass
class QuotaDiff:
    projects: list[ChangeRow] = field(default_factory=list)  # this stack's key limits
    organization: list[ChangeRow] = field(default_factory=list)  # spike notifications
    released: list[Released] = field(default_factory=list)


def _declared_roles(org: Organization | None) -> dict[tuple[str, str], str | None]:
    """(member, team) -> the declared role (None: the member is in the team, no role
    written)."""
    if org is None:
        return {}
    return {(m.email, t.team): t.declared_role for m in org.members for t in m.teams}


def _team_roles(diff: QuotaDiff, base: Organization | None, head: Organization | None) -> None:
    old, new = _declared_roles(base), _declared_roles(head)
    for (email, team), role in old.items():
        if role is not None and (email, team) in new and new[(email, team)] is None:
            diff.released.append((
                "team-role-released", f"{email}/{team}",
                f"`role: {role}` of {email} on team `{team}` is no longer written: this stack "
                f"stops managing it and Sentry keeps it ({role}); write `role: contributor` "
                "to change it"))


def _projects(org: Organization | None) -> dict[str, Project]:
    return {p.slug: p for p in org.projects} if org is not None else {}


def _key_limits(diff: QuotaDiff, stack: str, base: Organization | None,
                head: Organization | None) -> None:
    old, new = _projects(base), _projects(head)
    for slug, project in new.items():
        was = old.get(slug)
        before = key_rate_limit(was, stack) if was is not None else None
        after = key_rate_limit(project, stack)
        if before == after:
            continue
        if after is None:
            assert before is not None
            diff.released.append((
                "key-rate-limit-released", slug,
                f"the {stack} client key of `{slug}` is no longer limited in the YAML: this "
                f"stack stops managing its limit and Sentry keeps it ({before}); give a higher "
                "limit to raise it"))
        else:
            diff.projects.append((f"{slug}: client key rate limit", before, after))


def _spike_protection(diff: QuotaDiff, base: Organization | None,
                      head: Organization | None) -> None:
    old, new = _projects(base), _projects(head)
    for slug, project in new.items():
        was = old.get(slug)
        if was is not None and was.spike_protection is not None and \
                project.spike_protection is None:
            diff.released.append((
                "spike-protection-released", slug,
                f"spike protection of `{slug}` is no longer declared: this stack stops managing "
                f"it and Sentry keeps it {'on' if was.spike_protection else 'off'}"))


def _spike_notifications(diff: QuotaDiff, base: Organization | None,
                         head: Organization | None) -> None:
    before = spike_notifications(base) if base is not None else []
    after = spike_notifications(head) if head is not None else []
    if before != after:
        diff.organization.append(("spike notifications", "; ".join(before) or None,
                                  "; ".join(after) or None))

    def destinations(org: Organization | None) -> set[str]:
        notices = org.spike_notifications if org is not None else None
        if notices is None:
            return set()
        return set(notices.channels) | ({"owners and managers"}
                                        if notices.owners_and_managers else set())

    for gone in sorted(destinations(base) - destinations(head)):
        diff.released.append((
            "spike-notification-released", gone,
            f"spike notifications to {gone} are no longer declared: this stack stops managing "
            "them and Sentry keeps telling them until they are removed in Sentry's UI "
            "(Settings > Spike Protection)"))


def diff_quotas(stack: str, owner: bool, base: Organization | None,
                head: Organization | None) -> QuotaDiff:
    """What changes in ``stack``: its keys' limits always; team roles, spike protection and
    its notifications in the owner stack, which manages them."""
    diff = QuotaDiff()
    _key_limits(diff, stack, base, head)
    if owner:
        _team_roles(diff, base, head)
        _spike_protection(diff, base, head)
        _spike_notifications(diff, base, head)
    return diff
