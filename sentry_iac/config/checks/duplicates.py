"""``dup/...``: what Sentry (or this project) identifies by a name must be declared once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sentry_iac.config.checks.context import CheckContext, Finding, RawRule
from sentry_iac.config.checks.raw import (
    crons,
    entries,
    mapping,
    off_in,
    text,
    texts,
    uptime_checks,
)
from sentry_iac.config.checks.references import member_teams, project_teams, repositories
from sentry_iac.config.checks.registry import check
from sentry_iac.config.yaml.source import KeyPath


def _repeated(context: CheckContext, what: str,
              found: Iterable[tuple[KeyPath, str]]) -> Iterator[Finding]:
    """Each name of ``found`` after its first, in ``org.yaml``."""
    source = context.org_source
    first: dict[str, KeyPath] = {}
    for path, name in found:
        if name not in first:
            first[name] = path
        elif source is not None:
            line = source.locate(first[name]).line
            yield Finding(source, path, f"duplicate {what} '{name}' (first declared at line "
                                        f"{line})")


def _field(org: object, key: str, field: str) -> Iterator[tuple[KeyPath, str]]:
    for i, entry in entries(org, key):
        if (name := text(entry, field)) is not None:
            yield (key, i, field), name


@check("dup/team", "two teams have the same slug")
def duplicate_team(context: CheckContext) -> Iterator[Finding]:
    return _repeated(context, "team", _field(context.org, "teams", "slug"))


@check("dup/member", "two members have the same email (in any case)")
def duplicate_member(context: CheckContext) -> Iterator[Finding]:
    emails = ((path, email.lower()) for path, email in _field(context.org, "members", "email"))
    return _repeated(context, "member", emails)


@check("dup/project", "two projects have the same slug")
def duplicate_project(context: CheckContext) -> Iterator[Finding]:
    return _repeated(context, "project", _field(context.org, "projects", "slug"))


def _per_owner(found: Iterable[tuple[KeyPath, str]]) -> dict[KeyPath, list[tuple[KeyPath, str]]]:
    """``found`` grouped by the member or project (the first two path parts) it belongs to."""
    groups: dict[KeyPath, list[tuple[KeyPath, str]]] = {}
    for path, name in found:
        groups.setdefault(path[:2], []).append((path, name))
    return groups


@check("dup/member-team", "a member lists the same team twice")
def duplicate_member_team(context: CheckContext) -> Iterator[Finding]:
    for listed in _per_owner(member_teams(context.org)).values():
        yield from _repeated(context, "team", listed)


@check("dup/project-team", "a project lists the same team twice")
def duplicate_project_team(context: CheckContext) -> Iterator[Finding]:
    for listed in _per_owner(project_teams(context.org)).values():
        yield from _repeated(context, "team", listed)


@check("dup/repository", "two repositories have the same name")
def duplicate_repository(context: CheckContext) -> Iterator[Finding]:
    named = ((path, name) for path, name, _ in repositories(context.org))
    return _repeated(context, "repository", named)


@check("dup/trusted-relay", "two trusted relays have the same public key")
def duplicate_trusted_relay(context: CheckContext) -> Iterator[Finding]:
    relays = entries(mapping(context.org, "security"), "trusted_relays")
    keys = ((("security", "trusted_relays", j, "public_key"), key)
            for j, relay in relays if (key := text(relay, "public_key")))
    return _repeated(context, "trusted relay key", keys)


@check("dup/cron-slug", "two crons have the same slug (Sentry's are unique per organisation)")
def duplicate_cron_slug(context: CheckContext) -> Iterator[Finding]:
    slugs = (((*base, "slug"), slug) for base, cron in crons(context.org)
             if (slug := text(cron, "slug")) is not None)
    return _repeated(context, "cron slug", slugs)


@check("dup/uptime-id", "a project has two uptime checks with the same id")
def duplicate_uptime_id(context: CheckContext) -> Iterator[Finding]:
    ids = (((*base, "id"), check_id) for base, item in uptime_checks(context.org)
           if (check_id := text(item, "id")) is not None)
    for listed in _per_owner(ids).values():
        yield from _repeated(context, "uptime check id", listed)


@check("dup/dashboard-id", "two dashboards have the same id")
def duplicate_dashboard_id(context: CheckContext) -> Iterator[Finding]:
    return _repeated(context, "dashboard id", _field(context.org, "dashboards", "id"))


@check("dup/stack-root", "a project maps the same stack_root twice (Sentry allows one)")
def duplicate_stack_root(context: CheckContext) -> Iterator[Finding]:
    source = context.org_source
    for i, project in entries(context.org, "projects"):
        roots: dict[str, KeyPath] = {}
        for j, code_mapping in entries(project, "code_mappings"):
            path: KeyPath = ("projects", i, "code_mappings", j, "stack_root")
            root = text(code_mapping, "stack_root")
            if root is None or source is None:
                continue
            if root in roots:
                line = source.locate(roots[root]).line
                yield Finding(source, path, f"stack_root '{root}' is already mapped at line "
                                            f"{line}; Sentry allows one code mapping per "
                                            "project and stack_root")
            else:
                roots[root] = path


@check("dup/rule-id", "two alert rules have the same id (in any files)")
def duplicate_rule_id(context: CheckContext) -> Iterator[Finding]:
    first_seen: dict[str, RawRule] = {}
    for rule in context.rules():
        rule_id = text(rule.data, "id")
        if rule_id is None:
            continue
        if rule_id in first_seen:
            yield Finding(rule.source, rule.at("id"), f"duplicate rule id '{rule_id}' (first "
                                                      f"declared in "
                                                      f"{_line_of(first_seen[rule_id], 'id')})")
        else:
            first_seen[rule_id] = rule


def _line_of(rule: RawRule, key: str) -> str:
    """``alerts/x.yaml:12``: where ``rule`` spells ``key``."""
    return f"{rule.file}:{rule.source.locate(rule.at(key)).line}"


def _enabled_stacks(rule: RawRule, stacks: Iterable[str]) -> list[str]:
    return [stack for stack in sorted(stacks) if not off_in(rule.data, stack)]


@check("dup/rule-name", "two alert rules on in one stack alert on a project under one name")
def duplicate_rule_name(context: CheckContext) -> Iterator[Finding]:
    # An alert's name in its project and environment is what Sentry shows, and what tells
    # apart the objects an interrupted deploy made (providers find_created).
    named: dict[tuple[str, str, str], RawRule] = {}
    for rule in context.rules():
        name = text(rule.data, "name")
        if name is None:
            continue
        stacks = _enabled_stacks(rule, context.stacks)
        for _, project in texts(rule.data.get("projects")):
            for stack in stacks:
                if (project, stack, name) in named:
                    yield Finding(rule.source, rule.at("name"), (
                        f"the rule at {_line_of(named[project, stack, name], 'name')} already "
                        f"alerts on project '{project}' in {stack} under the name '{name}'; "
                        "give each rule of a project its own name"))
                    break
                named[project, stack, name] = rule
