"""``route/...``: an alert rule or cron that is on in a stack must tell someone there."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sentry_iac.config.checks.context import CheckContext, Finding
from sentry_iac.config.checks.raw import crons, is_off, mapping
from sentry_iac.config.checks.registry import check
from sentry_iac.config.yaml.source import KeyPath, SourceMap

# (priorities, a priority's name) -> its routes (stack -> channels), or None when the name is
# not a declared priority (ref/unknown-priority reports that)
RouteOf = Callable[[dict[str, Any], Any], dict[str, Any] | None]


def _rule_route(priorities: dict[str, Any], priority: Any) -> dict[str, Any] | None:
    # A declared priority whose value is not a mapping (the model reports it) routes nowhere.
    if not isinstance(priority, str) or priority not in priorities:
        return None
    route = priorities[priority]
    return route if isinstance(route, dict) else {}


def _cron_route(priorities: dict[str, Any], priority: Any) -> dict[str, Any] | None:
    # Unlike a rule's, a cron's priority that is not a mapping is left to the model's message.
    route = priorities.get(priority) if isinstance(priority, str) else None
    return route if isinstance(route, dict) else None


def _silent_stacks(item: dict[str, Any], stacks: Iterable[str], priorities: dict[str, Any],
                   route_of: RouteOf) -> Iterator[tuple[str, Any]]:
    """(stack, priority) for each stack where ``item`` is on, its priority routes nowhere
    and it names no channels of its own."""
    overrides = mapping(item, "environments")
    for stack in sorted(stacks):
        if is_off(overrides, stack):
            continue
        here = mapping(overrides, stack)
        priority = here.get("priority", item.get("priority"))
        route = route_of(priorities, priority)
        extra = here.get("channels", item.get("channels")) or []
        if route is not None and not route.get(stack) and not extra:
            yield stack, priority


def _no_channel(source: SourceMap, base: KeyPath, silent: Iterable[tuple[str, Any]]
                ) -> Iterator[Finding]:
    for stack, priority in silent:
        yield Finding(source, (*base, "priority"), (
            f"reaches no channel in stack '{stack}': priority '{priority}' routes nowhere "
            f"there; add channels: or set environments: {{{stack}: {{enabled: false}}}}"))


@check("route/no-channel", "an alert rule or cron that is on in a stack reaches no channel there")
def no_channel(context: CheckContext) -> Iterator[Finding]:
    priorities = mapping(context.org, "priorities")
    for rule in context.rules():
        silent = _silent_stacks(rule.data, context.stacks, priorities, _rule_route)
        yield from _no_channel(rule.source, rule.at(), silent)
    for base, cron in crons(context.org):
        silent = _silent_stacks(cron, context.stacks, priorities, _cron_route)
        if context.org_source is not None:
            yield from _no_channel(context.org_source, base, silent)
