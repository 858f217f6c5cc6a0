"""Checks that span objects: every name used must be declared, and declared once.

They read the raw YAML data rather than the validated models so that a reference to an unknown
team is reported in the same run as, say, a wrong role elsewhere in the file: every problem at
once. Entries of the wrong shape are skipped here; the model validation reports them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sentry_iac.config.checks.observability_references import check_observability_references
from sentry_iac.config.errors import SpecError
from sentry_iac.config.yaml.source import KeyPath, SourceMap


def _known(names: Iterable[str]) -> str:
    listed = sorted(names)
    return ", ".join(listed) if listed else "none declared"


def _entries(data: Any, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(index, mapping) for each mapping in the list ``data[key]``."""
    items = data.get(key) if isinstance(data, dict) else None
    if isinstance(items, list):
        for index, item in enumerate(items):
            if isinstance(item, dict):
                yield index, item


def _mapping(data: Any, key: str) -> dict[str, Any]:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def _texts(value: Any) -> Iterator[tuple[int, str]]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str):
                yield index, item


class _Checker:
    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.errors: list[SpecError] = []

    def fail(self, path: KeyPath, message: str) -> None:
        self.errors.append(self.source.error(path, message))

    def unique(self, what: str, names: Iterable[tuple[KeyPath, str]]) -> None:
        first: dict[str, KeyPath] = {}
        for path, name in names:
            if name in first:
                line = self.source.locate(first[name]).line
                self.fail(path, f"duplicate {what} '{name}' (first declared at line {line})")
            else:
                first[name] = path

    def exists(self, path: KeyPath, what: str, name: str, known: set[str]) -> None:
        if name not in known:
            self.fail(path, f"unknown {what} '{name}' (known: {_known(known)})")


def _slug(entry: dict[str, Any], key: str) -> str | None:
    value = entry.get(key)
    return value if isinstance(value, str) else None


def check_references(data: Any, stacks: Iterable[str], source: SourceMap) -> list[SpecError]:
    """Every reference in ``org.yaml`` that cannot be resolved, and every duplicate."""
    c = _Checker(source)
    known_stacks = set(stacks)
    teams = {s for _, t in _entries(data, "teams") if (s := _slug(t, "slug"))}
    emails = {e.lower() for _, m in _entries(data, "members") if (e := _slug(m, "email"))}
    channels = set(_mapping(data, "channels"))
    projects_now = {s for _, p in _entries(data, "projects") if (s := _slug(p, "slug"))}

    c.unique("team", ((("teams", i, "slug"), s) for i, t in _entries(data, "teams")
                      if (s := _slug(t, "slug"))))
    c.unique("member", ((("members", i, "email"), e.lower()) for i, m in _entries(data, "members")
                        if (e := _slug(m, "email"))))
    c.unique("project", ((("projects", i, "slug"), s) for i, p in _entries(data, "projects")
                         if (s := _slug(p, "slug"))))
    owner = data.get("owner_stack", "production") if isinstance(data, dict) else None
    if isinstance(owner, str):
        c.exists(("owner_stack",), "stack", owner, known_stacks)
    previous_owner = data.get("previous_owner_stack") if isinstance(data, dict) else None
    if isinstance(previous_owner, str):
        c.exists(("previous_owner_stack",), "stack", previous_owner, known_stacks)

    for i, member in _entries(data, "members"):
        memberships: list[tuple[KeyPath, str]] = []
        raw = member.get("teams")
        for j, item in enumerate(raw if isinstance(raw, list) else []):
            team = item if isinstance(item, str) else _slug(item, "team") if isinstance(
                item, dict) else None
            if team is not None:
                memberships.append((("members", i, "teams", j), team))
        c.unique("team", memberships)
        for path, team in memberships:
            c.exists(path, "team", team, teams)

    for i, project in _entries(data, "projects"):
        access = [(("projects", i, "teams", j), t) for j, t in _texts(project.get("teams"))]
        c.unique("team", access)
        for path, team in access:
            c.exists(path, "team", team, teams)
        for stack in _mapping(project, "environments"):
            c.exists(("projects", i, "environments", stack), "stack", stack, known_stacks)

    for name, channel in _mapping(data, "channels").items():
        target = _mapping(channel, "email")
        to_team, to_member = _slug(target, "team"), _slug(target, "member")
        if to_team is not None:
            c.exists(("channels", name, "email", "team"), "team", to_team, teams)
        if to_member is not None and to_member.lower() not in emails:
            c.fail(("channels", name, "email", "member"),
                   f"'{to_member}' is not a declared member (known: {_known(emails)})")

    for name, priority in _mapping(data, "priorities").items():
        if not isinstance(priority, dict):
            continue
        for stack, routed in priority.items():
            if stack == "respond":
                continue
            c.exists(("priorities", name, stack), "stack", stack, known_stacks)
            for j, channel_name in _texts(routed):
                c.exists(("priorities", name, stack, j), "channel", channel_name, channels)
    _check_code_links(c, data)
    for key, what, current in (("projects", "project", projects_now), ("teams", "team", teams)):
        for i, entry in _entries(data, key):
            for j, old in _texts(entry.get("previous_slugs")):
                if old == entry.get("slug") or old in current:
                    c.fail((key, i, "previous_slugs", j),
                           f"'{old}' is a current {what} slug; previous_slugs lists the slugs "
                           f"this {what} had before it was renamed")
    # crons: and dashboards: (config.checks.observability_references)
    return c.errors + check_observability_references(data, known_stacks, source)


def _repositories(data: Any) -> Iterator[tuple[KeyPath, str, bool]]:
    """(path, name, names its integration) per repository; a bare text is shorthand for
    ``{name: ...}``."""
    items = data.get("repositories") if isinstance(data, dict) else None
    for index, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, str):
            yield ("repositories", index), item, False
        elif isinstance(item, dict) and (name := _slug(item, "name")):
            yield ("repositories", index, "name"), name, bool(item.get("integration"))


def _check_code_links(c: _Checker, data: Any) -> None:
    """Repositories and trusted relays declared once; code mappings name a declared repository
    and, as Sentry requires, one stack_root per project."""
    repositories = list(_repositories(data))
    c.unique("repository", ((path, name) for path, name, _ in repositories))
    if not _slug(_mapping(data, "integrations"), "github"):
        for path, name, named in repositories:
            if not named:
                c.fail(path, f"no GitHub integration named for '{name}': add `integrations: "
                             "{github: <its name in Sentry>}` or `integration:` here")
    known = {name for _, name, _ in repositories}
    for i, project in _entries(data, "projects"):
        roots: dict[str, KeyPath] = {}
        for j, mapping in _entries(project, "code_mappings"):
            base = ("projects", i, "code_mappings", j)
            repository = _slug(mapping, "repository")
            if repository is not None:
                c.exists((*base, "repository"), "repository", repository, known)
            root = _slug(mapping, "stack_root")
            if root is None:
                continue
            if root in roots:
                line = c.source.locate(roots[root]).line
                c.fail((*base, "stack_root"), f"stack_root '{root}' is already mapped at line "
                                              f"{line}; Sentry allows one code mapping per "
                                              "project and stack_root")
            else:
                roots[root] = (*base, "stack_root")
    relays = _entries(_mapping(data, "security"), "trusted_relays")
    c.unique("trusted relay key", ((("security", "trusted_relays", j, "public_key"), key)
                                   for j, relay in relays if (key := _slug(relay, "public_key"))))
