"""The semantic difference between two snapshots of one stack: which rules were added, removed
or changed (old → new, per value), routing, projects, access and privacy, and the changes that
delete, replace or rename something in Sentry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sentry_iac.review.observability import diff_crons, diff_dashboards
from sentry_iac.review.quotas import diff_quotas
from sentry_iac.review.snapshot import ProjectView, RuleView, Snapshot
from sentry_iac.review.uptime import diff_uptime

_PRIVACY_PREFIX = "privacy."


@dataclass(frozen=True)
class Change:
    """One value that differs; ``old`` is None when it was added, ``new`` when removed."""

    label: str
    old: str | None
    new: str | None

    def as_json(self) -> dict[str, Any]:
        return {"label": self.label, "old": self.old, "new": self.new}


@dataclass(frozen=True)
class RuleChange:
    """The same changes to one rule, on each of ``projects``."""

    rule_id: str
    name: str
    projects: tuple[str, ...]
    changes: tuple[Change, ...]

    def as_json(self) -> dict[str, Any]:
        return {"id": self.rule_id, "name": self.name, "projects": list(self.projects),
                "changes": [c.as_json() for c in self.changes]}


@dataclass(frozen=True)
class RuleGroup:
    """A rule added or removed, on each of ``projects``, read the same way on all of them."""

    rule_id: str
    name: str
    projects: tuple[str, ...]
    sentence: str

    def as_json(self) -> dict[str, Any]:
        return {"id": self.rule_id, "name": self.name, "projects": list(self.projects),
                "sentence": self.sentence}


@dataclass(frozen=True)
class Callout:
    """A change that deletes, replaces or renames something in Sentry."""

    kind: str
    subject: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "subject": self.subject, "message": self.message}


@dataclass
class StackDiff:
    stack: str
    owner: bool
    callouts: list[Callout] = field(default_factory=list)
    rules_added: list[RuleGroup] = field(default_factory=list)
    rules_removed: list[RuleGroup] = field(default_factory=list)
    rules_changed: list[RuleChange] = field(default_factory=list)
    routing: list[Change] = field(default_factory=list)
    projects: list[Change] = field(default_factory=list)
    access: list[Change] = field(default_factory=list)
    privacy: list[Change] = field(default_factory=list)
    organization: list[Change] = field(default_factory=list)
    crons: list[Change] = field(default_factory=list)
    dashboards: list[Change] = field(default_factory=list)
    uptime: list[Change] = field(default_factory=list)
    # Organisation-wide changes exist, shown in the owner stack's diff (they apply there).
    elsewhere: str | None = None
    # Projects whose slug changed without previous_slugs: old slug -> new slug.
    replaced_projects: dict[str, str] = field(default_factory=dict)
    # A change the report refuses (diff exits 1): an owner change without a hand-over.
    refused: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.callouts or self.rules_added or self.rules_removed
                    or self.rules_changed or self.routing or self.projects or self.access
                    or self.privacy or self.organization or self.crons or self.dashboards
                    or self.uptime)

    def as_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack, "owner": self.owner, "changed": self.changed,
            "refused": self.refused,
            "deletes_or_replaces": [c.as_json() for c in self.callouts],
            "rules": {"added": [r.as_json() for r in self.rules_added],
                      "removed": [r.as_json() for r in self.rules_removed],
                      "changed": [r.as_json() for r in self.rules_changed]},
            "routing": [c.as_json() for c in self.routing],
            "projects": [c.as_json() for c in self.projects],
            "access": [c.as_json() for c in self.access],
            "privacy": [c.as_json() for c in self.privacy],
            "organization": [c.as_json() for c in self.organization],
            "crons": [c.as_json() for c in self.crons],
            "dashboards": [c.as_json() for c in self.dashboards],
            **({"uptime": [c.as_json() for c in self.uptime]} if self.uptime else {}),
            "organization_changes_in": self.elsewhere,
        }


def compare(old: Mapping[str, str], new: Mapping[str, str], prefix: str = "") -> list[Change]:
    """Every label whose value differs, in the order the old side, then the new, lists them."""
    labels = [*old, *(k for k in new if k not in old)]
    return [Change(prefix + k, old.get(k), new.get(k)) for k in labels if old.get(k) != new.get(k)]


def _group(rules: list[RuleView]) -> list[RuleGroup]:
    groups: dict[tuple[str, str], list[RuleView]] = {}
    for rule in rules:
        groups.setdefault((rule.rule_id, rule.sentence), []).append(rule)
    return [RuleGroup(first.rule_id, first.name, tuple(r.project for r in same), first.sentence)
            for same in groups.values() for first in same[:1]]


def _base_key(rule: RuleView, base: Mapping[str, RuleView],
              renamed: Mapping[str, tuple[str, ...]], taken: set[str]) -> str | None:
    """The key the rule had on the base side, following declared rule and project renames."""
    for rule_id in (rule.rule_id, *rule.previous_ids):
        for project in (rule.project, *renamed.get(rule.project, ())):
            key = f"{rule_id}/{project}"
            if key in base and key not in taken:
                return key
    return None


def _rules(diff: StackDiff, base: Snapshot, head: Snapshot) -> None:
    old, new = base.rules(), head.rules()
    renamed = {p.slug: p.previous_slugs for p in head.projects}
    matched: dict[str, str] = {}  # head key -> base key
    for key, rule in new.items():
        base_key = _base_key(rule, old, renamed, set(matched.values()))
        if base_key is not None:
            matched[key] = base_key
    added = [r for k, r in new.items() if k not in matched]
    removed = [r for k, r in old.items() if k not in matched.values()]
    changed: dict[tuple[str, str, tuple[Change, ...]], list[str]] = {}
    for key, base_key in matched.items():
        rule, was = new[key], old[base_key]
        changes = compare(was.values, rule.values)
        if was.rule_id != rule.rule_id:
            changes.insert(0, Change("id", was.rule_id, rule.rule_id))
        if changes:
            changed.setdefault((rule.rule_id, rule.name, tuple(changes)), []).append(rule.project)
    diff.rules_added = _group(added)
    diff.rules_removed = _group(removed)
    diff.rules_changed = [RuleChange(rule_id, name, tuple(projects), changes)
                          for (rule_id, name, changes), projects in changed.items()]
    _rule_callouts(diff, removed, added)


def _rule_callouts(diff: StackDiff, removed: list[RuleView], added: list[RuleView]) -> None:
    successors = {(r.name, r.project): r for r in added}
    moved = diff.replaced_projects
    by_rule: dict[str, list[RuleView]] = {}
    for rule in removed:
        by_rule.setdefault(rule.rule_id, []).append(rule)
    for rule_id, rules in by_rule.items():
        projects = ", ".join(r.project for r in rules)
        successor = next((successors[(r.name, r.project)] for r in rules
                          if (r.name, r.project) in successors), None)
        again = [r for r in rules if (r.name, moved.get(r.project)) in successors]
        if len(again) == len(rules):
            diff.callouts.append(Callout(
                "rule-replaced", rule_id,
                f"rule `{rule_id}` ({rules[0].name}) follows {projects} to its new slug: its "
                f"alert{' and monitor are' if rules[0].metric else ' is'} deleted and created "
                f"again in {diff.stack}"))
        elif successor is not None:
            diff.callouts.append(Callout(
                "rule-replaced", rule_id,
                f"rule `{rule_id}` ({rules[0].name}) on {projects} becomes `{successor.rule_id}`: "
                f"its alert is deleted and a new one created in {diff.stack}; add "
                f"`previous_ids: [{rule_id}]` to the rule to update it in place"))
        else:
            diff.callouts.append(Callout(
                "rule-removed", rule_id,
                f"rule `{rule_id}` ({rules[0].name}) is removed from {projects}: its alert"
                f"{' and monitor are' if rules[0].metric else ' is'} deleted "
                f"in {diff.stack}"))


def _fate(deletes: bool, owner: bool, stack: str) -> str:
    """What a project's removal from the YAML does in ``stack``: deletion is the reviewed
    opt-in (``delete_when_removed``); otherwise Sentry keeps it, unmanaged."""
    if owner:
        return ("DELETES the project and every event it holds (`delete_when_removed: true`)"
                if deletes else "stops managing the project; it stays in Sentry with its events "
                "and keys")
    return (f"DELETES its {stack} client key: deployments using that DSN stop reporting"
            if deletes else f"stops managing its {stack} client key; the DSN keeps working")


def _lookalike(gone: ProjectView, candidates: list[ProjectView]) -> ProjectView | None:
    """An added project that is probably ``gone`` under a new slug: same display name, or
    the only new project on the same platform and teams."""
    same_name = [p for p in candidates if p.name == gone.name and p.name != p.slug]
    if same_name:
        return same_name[0]
    alike = [p for p in candidates if (p.platform, p.teams) == (gone.platform, gone.teams)]
    return alike[0] if len(alike) == 1 else None


def _projects(diff: StackDiff, base: Snapshot, head: Snapshot) -> None:
    old = {p.slug: p for p in base.projects}
    new = {p.slug: p for p in head.projects}
    renamed = {before: p for p in head.projects for before in p.previous_slugs if before in old}
    fresh = [p for slug, p in new.items() if slug not in old and p not in renamed.values()]
    for slug, gone in old.items():
        if slug in new:
            continue
        if slug in renamed:
            diff.callouts.append(Callout(
                "project-renamed", slug, f"project `{slug}` is renamed to "
                f"`{renamed[slug].slug}` (`previous_slugs`): updated in place, nothing re-created"))
            continue
        fate = _fate(gone.delete_when_removed, diff.owner, diff.stack)
        successor = _lookalike(gone, fresh)
        if successor is not None:
            fresh.remove(successor)
            diff.replaced_projects[slug] = successor.slug
            created = ("new, empty project with new client keys" if diff.owner
                       else "new client key (a new DSN)")
            diff.callouts.append(Callout(
                "project-replaced", slug, f"project `{slug}` becomes `{successor.slug}` without "
                f"`previous_slugs: [{slug}]`, so a {created} is created; for "
                f"`{slug}` this stack {fate}"))
        else:
            diff.callouts.append(Callout(
                "project-removed", slug,
                f"project `{slug}` is removed from org.yaml: this stack {fate}"))
        diff.projects.append(Change(f"{slug}", gone.name, None))
    for project in head.projects:
        was = old.get(project.slug) or next(
            (old[b] for b in project.previous_slugs if b in old), None)
        if was is None:
            diff.projects.append(Change(project.slug, None, project.name))
            continue
        if was.environment != project.environment:
            diff.projects.append(Change(f"{project.slug}: environment", was.environment,
                                        project.environment))
        if diff.owner:
            for change in compare(was.values, project.values, f"{project.slug}: "):
                bucket = (diff.privacy if change.label.split(": ", 1)[1]
                          .startswith(_PRIVACY_PREFIX) else diff.projects)
                bucket.append(change)
            diff.access += compare({"teams": ", ".join(was.teams)},
                                   {"teams": ", ".join(project.teams)}, f"{project.slug}: ")


def _access(diff: StackDiff, base: Snapshot, head: Snapshot) -> None:
    renamed = {before: slug for slug, (previous, _) in head.team_lifecycle.items()
               for before in previous if before in base.teams}
    for slug in base.teams:
        if slug in head.teams:
            continue
        deletes = base.team_lifecycle.get(slug, ((), False))[1]
        if slug in renamed:
            message = (f"team `{slug}` is renamed to `{renamed[slug]}` (`previous_slugs`): "
                       "updated in place")
        else:
            message = (f"team `{slug}` is removed: "
                       + ("DELETES it from Sentry (`delete_when_removed: true`)" if deletes
                          else "this stack stops managing it; it stays in Sentry"))
        diff.callouts.append(Callout("team-renamed" if slug in renamed else "team-removed",
                                     slug, message))
    for email in base.members:
        if email not in head.members:
            diff.callouts.append(Callout("member-removed", email,
                                         f"member {email} is removed from the organisation"))
    diff.access[:0] = [*compare(dict(base.teams), dict(head.teams), "team "),
                       *compare(dict(base.members), dict(head.members), "member ")]


def _routing(diff: StackDiff, base: Snapshot, head: Snapshot) -> None:
    def routes(view: Snapshot) -> dict[str, str]:
        out: dict[str, str] = {}
        for route in view.routes:
            out[route.label] = ", ".join(route.channels) or "nobody"
            if route.respond:
                out[f"{route.label} (respond)"] = route.respond
        return out

    diff.routing = compare(routes(base), routes(head), "priority ")
    # A channel's destination, where both sides use it (a newly used one shows in its route).
    diff.routing += [c for c in compare(dict(base.channels), dict(head.channels), "channel ")
                     if c.old is not None and c.new is not None]


def _observability(diff: StackDiff, base: Snapshot, head: Snapshot) -> None:
    """Cron monitors and dashboards (``review.observability``)."""
    renamed = {before: p.slug for p in head.projects for before in p.previous_slugs}
    crons = diff_crons(diff.stack, diff.owner, base.crons, head.crons, renamed)
    dashboards = diff_dashboards(diff.stack, base.dashboards, head.dashboards, renamed)
    diff.crons = [Change(*change) for change in crons.changes]
    diff.dashboards = [Change(*change) for change in dashboards.changes]
    diff.callouts += [Callout("cron-removed", subject, message)
                      for subject, message in crons.deleted]
    diff.callouts += [Callout("dashboard-removed", subject, message)
                      for subject, message in dashboards.deleted]
    uptime = diff_uptime(diff.stack, base.uptime, head.uptime, renamed)
    diff.uptime = [Change(*change) for change in uptime.changes]
    diff.callouts += [Callout("uptime-removed", subject, message)
                      for subject, message in uptime.deleted]


HANDOVER = "see the README's \"Handing over ownership\""


def _ownership(diff: StackDiff, base: Snapshot, head: Snapshot) -> None:
    """A change of owner_stack: refused unless the head names the old owner, and then said
    first in both stacks' reports."""
    old, new = base.owner_stack, head.owner_stack
    if not old or not new or old == new or diff.stack not in (old, new):
        return
    if head.previous_owner_stack != old:
        diff.callouts.append(Callout(
            "owner-change-refused", diff.stack,
            f"REFUSED: owner_stack changes from {old} to {new} without "
            f"`previous_owner_stack: {old}`. Ownership moves in two reviewed steps ({HANDOVER})"))
        diff.refused = True
        return
    if diff.stack == old:
        diff.callouts.append(Callout(
            "owner-released", old,
            f"`{old}` hands the organisation over to `{new}`: it releases teams, members, "
            "projects, their settings, repositories, code mappings and cron monitors. Sentry "
            "keeps every one as it is; nothing is deleted or reset"))
    else:
        diff.callouts.append(Callout(
            "owner-adopts", new,
            f"`{new}` takes the organisation over from `{old}`: what already exists in Sentry "
            f"must be adopted into its state before its first `up` ({HANDOVER}); the settings "
            "are written as the YAML says"))


def diff_stack(stack: str, base: Snapshot, head: Snapshot) -> StackDiff:
    """What changes in ``stack`` going from ``base`` to ``head``."""
    diff = StackDiff(stack, owner=head.is_owner or (not head.owner_stack and base.is_owner))
    if base.alerts_backend != head.alerts_backend and base.owner_stack and head.owner_stack:
        diff.callouts.append(Callout(
            "backend-changed", stack, f"the alerts backend changes from {base.alerts_backend} "
            f"to {head.alerts_backend}: every alert rule of {stack} is deleted and created "
            "again through the other API"))
    _ownership(diff, base, head)
    _projects(diff, base, head)
    _rules(diff, base, head)
    _routing(diff, base, head)
    _observability(diff, base, head)
    quotas = diff_quotas(stack, diff.owner, base.org, head.org)
    diff.projects += [Change(*row) for row in quotas.projects]
    diff.callouts += [Callout(*row) for row in quotas.released]
    organization = compare(base.organization_values, head.organization_values)
    organization += [Change(*row) for row in quotas.organization]
    if diff.owner:
        _access(diff, base, head)
        diff.privacy[:0] = [c for c in organization if c.label.startswith(_PRIVACY_PREFIX)]
        diff.organization = [c for c in organization if not c.label.startswith(_PRIVACY_PREFIX)]
    else:
        org_wide = (organization or base.teams != head.teams or base.members != head.members
                    or any(compare(o.values, n.values) or o.teams != n.teams
                           for o in base.projects for n in head.projects if o.slug == n.slug))
        diff.elsewhere = (head.owner_stack or base.owner_stack) if org_wide else None
    if base.owner_stack and not head.owner_stack:
        # The stack file is gone: nothing is applied to this stack any more, so its objects
        # are not deleted one by one; say that once instead.
        diff.callouts = [Callout(
            "stack-removed", stack, f"Pulumi.{stack}.yaml is removed: `{stack}` is no longer "
            "deployed, and what it manages stays in Sentry as it is until the stack is "
            "destroyed")]
    return diff
