"""``ref/...``: every name used must be declared. Each check lists the places that name a thing
of one kind (a team, a channel...) and refuses the names nothing declares, with the names it
could have meant."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sentry_iac.config.checks.context import CheckContext, Finding
from sentry_iac.config.checks.raw import entries, known, mapping, names, routed_items, text, texts
from sentry_iac.config.checks.registry import check
from sentry_iac.config.yaml.source import KeyPath, SourceMap

# (where, key path, the name used)
Reference = tuple[SourceMap, KeyPath, str]


def _unknown(what: str, references: Iterable[Reference], declared: set[str]) -> Iterator[Finding]:
    for source, path, name in references:
        if name not in declared:
            yield Finding(source, path, f"unknown {what} '{name}' (known: {known(declared)})")


def _in_org(context: CheckContext, found: Iterable[tuple[KeyPath, str]]) -> Iterator[Reference]:
    source = context.org_source
    if source is not None:
        for path, name in found:
            yield source, path, name


def member_teams(org: object) -> Iterator[tuple[KeyPath, str]]:
    """Each team a member is in: a slug, or ``{team: slug, role: ...}``."""
    for i, member in entries(org, "members"):
        raw = member.get("teams")
        for j, item in enumerate(raw if isinstance(raw, list) else []):
            team = item if isinstance(item, str) else text(item, "team")
            if team is not None:
                yield ("members", i, "teams", j), team


def project_teams(org: object) -> Iterator[tuple[KeyPath, str]]:
    """Each team a project gives access to."""
    for i, project in entries(org, "projects"):
        for j, team in texts(project.get("teams")):
            yield ("projects", i, "teams", j), team


def _team_references(org: object) -> Iterator[tuple[KeyPath, str]]:
    yield from member_teams(org)
    yield from project_teams(org)
    for name, channel in mapping(org, "channels").items():
        if (team := text(mapping(channel, "email"), "team")) is not None:
            yield ("channels", name, "email", "team"), team
    for base, item, _ in routed_items(org):
        if (owner := text(item, "owner")) is not None:
            yield (*base, "owner"), owner


def _rule_teams(context: CheckContext) -> Iterator[Reference]:
    for rule in context.rules():
        if (team := text(rule.data, "team")) is not None:
            yield rule.source, rule.at("team"), team


@check("ref/unknown-team", "a member, project, email channel, cron, uptime check or alert rule "
                           "names an undeclared team")
def unknown_team(context: CheckContext) -> Iterator[Finding]:
    teams = names(context.org, "teams", "slug")
    yield from _unknown("team", _in_org(context, _team_references(context.org)), teams)
    yield from _unknown("team", _rule_teams(context), teams)


@check("ref/unknown-member", "an email channel names a member who is not declared")
def unknown_member(context: CheckContext) -> Iterator[Finding]:
    emails = {e.lower() for e in names(context.org, "members", "email")}
    for name, channel in mapping(context.org, "channels").items():
        member = text(mapping(channel, "email"), "member")
        if member is not None and member.lower() not in emails and context.org_source:
            yield Finding(context.org_source, ("channels", name, "email", "member"),
                          f"'{member}' is not a declared member (known: {known(emails)})")


def _routings(org: object) -> Iterator[tuple[KeyPath, dict[str, Any]]]:
    """(key path, mapping) of the organisation's ``priorities`` and each team's own."""
    yield ("priorities",), mapping(org, "priorities")
    for i, team in entries(org, "teams"):
        yield ("teams", i, "priorities"), mapping(team, "priorities")


def _owner_stacks(org: object) -> Iterator[tuple[KeyPath, str]]:
    if isinstance(org, dict):
        owner = org.get("owner_stack", "production")  # the model's default names a stack too
        for key, stack in (("owner_stack", owner), ("previous_owner_stack",
                                                     org.get("previous_owner_stack"))):
            if isinstance(stack, str):
                yield (key,), stack


def _project_stack_references(org: object) -> Iterator[tuple[KeyPath, str]]:
    """The stacks a project names: its environments and its keys' rate limits."""
    for i, project in entries(org, "projects"):
        for stack in mapping(project, "environments"):
            yield ("projects", i, "environments", stack), stack
        for stack in mapping(mapping(project, "rate_limit"), "environments"):
            yield ("projects", i, "rate_limit", "environments", stack), stack


def _org_stack_references(org: object) -> Iterator[tuple[KeyPath, str]]:
    yield from _owner_stacks(org)
    yield from _project_stack_references(org)
    for base, priorities in _routings(org):
        for name, priority in priorities.items():
            for stack in priority if isinstance(priority, dict) else {}:
                if stack != "respond":
                    yield (*base, name, stack), stack
    for base, item, _ in routed_items(org):
        for stack in mapping(item, "environments"):
            yield (*base, "environments", stack), stack
    for i, dashboard in entries(org, "dashboards"):
        for stack in mapping(dashboard, "environments"):
            yield ("dashboards", i, "environments", stack), stack


def _rule_stack_references(context: CheckContext) -> Iterator[Reference]:
    for rule in context.rules():
        for stack in mapping(rule.data, "environments"):
            yield rule.source, rule.at("environments", stack), stack
        for j, stack in texts(rule.data.get("only")):
            yield rule.source, rule.at("only", j), stack


@check("ref/unknown-stack", "a stack is named (owner stack, priority, override...) that has no "
                            "Pulumi.<stack>.yaml")
def unknown_stack(context: CheckContext) -> Iterator[Finding]:
    yield from _unknown("stack", _in_org(context, _org_stack_references(context.org)),
                        set(context.stacks))
    yield from _unknown("stack", _rule_stack_references(context), set(context.stacks))


def _cron_channels(org: object) -> Iterator[tuple[KeyPath, str]]:
    for base, item, _ in routed_items(org):
        for j, name in texts(item.get("channels")):
            yield (*base, "channels", j), name
        for stack, override in mapping(item, "environments").items():
            for j, name in texts(override.get("channels") if isinstance(override, dict) else []):
                yield (*base, "environments", stack, "channels", j), name


def _priority_channels(org: object) -> Iterator[tuple[KeyPath, str]]:
    for base, priorities in _routings(org):
        for name, priority in priorities.items():
            for stack, routed in priority.items() if isinstance(priority, dict) else ():
                if stack != "respond":
                    for j, channel in texts(routed):
                        yield (*base, name, stack, j), channel


def _rule_channels(context: CheckContext) -> Iterator[Reference]:
    for rule in context.rules():
        for key in ("channels", "warning_channels"):
            for j, name in texts(rule.data.get(key)):
                yield rule.source, rule.at(key, j), name
            for stack, override in mapping(rule.data, "environments").items():
                listed = override.get(key) if isinstance(override, dict) else []
                for j, name in texts(listed):
                    yield rule.source, rule.at("environments", stack, key, j), name


def _spike_channels(org: object) -> Iterator[tuple[KeyPath, str]]:
    for j, name in texts(mapping(org, "spike_notifications").get("channels")):
        yield ("spike_notifications", "channels", j), name


@check("ref/unknown-channel", "a priority, alert rule, cron, uptime check or spike notification "
                              "sends to an "
                              "undeclared channel")
def unknown_channel(context: CheckContext) -> Iterator[Finding]:
    channels = set(mapping(context.org, "channels"))
    yield from _unknown("channel", _in_org(context, _priority_channels(context.org)), channels)
    yield from _unknown("channel", _in_org(context, _spike_channels(context.org)), channels)
    yield from _unknown("channel", _in_org(context, _cron_channels(context.org)), channels)
    yield from _unknown("channel", _rule_channels(context), channels)


def _priorities_of(item: dict[str, object], base: KeyPath) -> Iterator[tuple[KeyPath, str]]:
    """The priority (and warning priority) of an alert rule or cron, and of each of its
    per-stack overrides."""
    for key in ("priority", "warning_priority"):
        if isinstance(priority := item.get(key), str):
            yield (*base, key), priority
        for stack, override in mapping(item, "environments").items():
            if isinstance(override, dict) and isinstance(p := override.get(key), str):
                yield (*base, "environments", stack, key), p


def _team_priorities(org: object) -> Iterator[tuple[KeyPath, str]]:
    """The priorities a team routes on its own: each must be one of the organisation's."""
    for base, priorities in list(_routings(org))[1:]:
        for name in priorities:
            yield (*base, name), name


def _priority_references(context: CheckContext) -> Iterator[Reference]:
    yield from _in_org(context, _team_priorities(context.org))
    for base, item, _ in routed_items(context.org):
        yield from _in_org(context, _priorities_of(item, base))
    for rule in context.rules():
        for path, name in _priorities_of(rule.data, rule.at()):
            yield rule.source, path, name


@check("ref/unknown-priority", "an alert rule, cron, uptime check or team's routing names an "
                               "undeclared priority")
def unknown_priority(context: CheckContext) -> Iterator[Finding]:
    priorities = set(mapping(context.org, "priorities"))
    return _unknown("priority", _priority_references(context), priorities)


def _project_references(context: CheckContext) -> Iterator[Reference]:
    for i, dashboard in entries(context.org, "dashboards"):
        yield from _in_org(context, ((("dashboards", i, "projects", j), slug)
                                     for j, slug in texts(dashboard.get("projects"))))
    for rule in context.rules():
        for j, slug in texts(rule.data.get("projects")):
            yield rule.source, rule.at("projects", j), slug
    spike = mapping(context.org, "spike_notifications")
    yield from _in_org(context, ((("spike_notifications", "projects", j), slug)
                                 for j, slug in texts(spike.get("projects"))))


@check("ref/unknown-project", "an alert rule, dashboard or spike notification names an "
                              "undeclared project")
def unknown_project(context: CheckContext) -> Iterator[Finding]:
    projects = names(context.org, "projects", "slug")
    return _unknown("project", _project_references(context), projects)


def repositories(org: object) -> Iterator[tuple[KeyPath, str, bool]]:
    """(path, name, names its integration) per repository; a bare text is shorthand for
    ``{name: ...}``."""
    items = org.get("repositories") if isinstance(org, dict) else None
    for index, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, str):
            yield ("repositories", index), item, False
        elif isinstance(item, dict) and (name := text(item, "name")):
            yield ("repositories", index, "name"), name, bool(item.get("integration"))


def _code_mapping_repositories(org: object) -> Iterator[tuple[KeyPath, str]]:
    for i, project in entries(org, "projects"):
        for j, code_mapping in entries(project, "code_mappings"):
            if (repository := text(code_mapping, "repository")) is not None:
                yield ("projects", i, "code_mappings", j, "repository"), repository


@check("ref/unknown-repository", "a code mapping names an undeclared repository")
def unknown_repository(context: CheckContext) -> Iterator[Finding]:
    declared = {name for _, name, _ in repositories(context.org)}
    used = _in_org(context, _code_mapping_repositories(context.org))
    return _unknown("repository", used, declared)


@check("ref/unknown-environment", "policies.paging_environments names an environment no "
                                  "project's events carry")
def unknown_paging_environment(context: CheckContext) -> Iterator[Finding]:
    # From the model: which environment a project's events carry is the model's rule.
    org, source = context.model, context.org_source
    policies = org.policies if org is not None else None
    if org is None or source is None or policies is None \
            or "paging_environments" not in policies.model_fields_set:
        return
    used = {p.environment_for(stack) for p in org.projects for stack in sorted(context.stacks)}
    in_use = ", ".join(sorted(used)) or "none: no project is declared"
    for index, name in enumerate(policies.paging_environments):
        if name not in used:
            yield Finding(source, ("policies", "paging_environments", index),
                          f"no project's events carry the environment '{name}' in any stack "
                          f"(environments in use: {in_use}), so the paging policy would check "
                          "nothing there; name one of those, or map a stack to it in a "
                          "project's environments:")
