"""Checks that span objects: every name used must be declared, and declared once."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from sentry_iac.spec.errors import SpecError
from sentry_iac.spec.models import Organization
from sentry_iac.spec.source import KeyPath, SourceMap

T = TypeVar("T")


def _known(names: Iterable[str]) -> str:
    listed = sorted(names)
    return ", ".join(listed) if listed else "none declared"


class _Checker:
    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.errors: list[SpecError] = []

    def fail(self, path: KeyPath, message: str) -> None:
        self.errors.append(self.source.error(path, message))

    def unique(
        self, what: str, items: Sequence[T], key: Callable[[T], str],
        path: Callable[[int], KeyPath],
    ) -> None:
        first: dict[str, int] = {}
        for index, item in enumerate(items):
            name = key(item)
            if name in first:
                line = self.source.locate(path(first[name])).line
                self.fail(path(index), f"duplicate {what} '{name}' (first declared at line {line})")
            else:
                first[name] = index

    def exists(self, path: KeyPath, what: str, name: str, known: Iterable[str]) -> None:
        known = set(known)
        if name not in known:
            self.fail(path, f"unknown {what} '{name}' (known: {_known(known)})")


def check_references(org: Organization, stacks: Iterable[str], source: SourceMap) -> list[SpecError]:
    """Every reference in ``org.yaml`` that cannot be resolved, and every duplicate."""
    c = _Checker(source)
    stacks = set(stacks)
    teams = {t.slug for t in org.teams}
    emails = {m.email.lower() for m in org.members}

    c.unique("team", org.teams, lambda t: t.slug, lambda i: ("teams", i, "slug"))
    c.unique("member", org.members, lambda m: m.email.lower(),
             lambda i: ("members", i, "email"))
    c.unique("project", org.projects, lambda p: p.slug,
             lambda i: ("projects", i, "slug"))
    c.exists(("owner_stack",), "stack", org.owner_stack, stacks)

    for i, member in enumerate(org.members):
        c.unique("team", member.teams, lambda t: t.team,
                 lambda j, i=i: ("members", i, "teams", j))
        for j, membership in enumerate(member.teams):
            c.exists(("members", i, "teams", j), "team", membership.team, teams)

    for i, project in enumerate(org.projects):
        c.unique("team", project.teams, lambda t: str(t), lambda j, i=i: ("projects", i, "teams", j))
        for j, team in enumerate(project.teams):
            c.exists(("projects", i, "teams", j), "team", team, teams)
        for stack in project.environments:
            c.exists(("projects", i, "environments", stack), "stack", stack, stacks)

    for name, channel in org.channels.items():
        if channel.email and channel.email.team:
            c.exists(("channels", name, "email", "team"), "team", channel.email.team, teams)
        if channel.email and channel.email.member and channel.email.member.lower() not in emails:
            c.fail(("channels", name, "email", "member"),
                   f"'{channel.email.member}' is not a declared member (known: {_known(emails)})")

    for name, priority in org.priorities.items():
        for stack, channels in priority.routes.items():
            c.exists(("priorities", name, stack), "stack", stack, stacks)
            for j, channel_name in enumerate(channels):
                c.exists(("priorities", name, stack, j), "channel", channel_name, org.channels)
    return c.errors
