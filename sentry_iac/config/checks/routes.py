"""``route/...``: an alert rule, cron or uptime check that is on in a stack must tell someone
there."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sentry_iac.config.checks.context import CheckContext, Finding
from sentry_iac.config.checks.raw import is_off, mapping, routed_items
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
        if is_off(overrides, stack, item):
            continue
        here = mapping(overrides, stack)
        priority = here.get("priority", item.get("priority"))
        route = route_of(priorities, priority)
        extra = here.get("channels", item.get("channels")) or []
        if route is not None and not route.get(stack) and not extra:
            yield stack, priority


# (where, key path of the rule, cron or uptime check, the stack it is silent in, the
# priority it names, "alert rule", "cron" or "uptime check")
Silent = tuple[SourceMap, KeyPath, str, Any, str]


def _silent(context: CheckContext) -> Iterator[Silent]:
    """Every alert rule, cron and uptime check that is on in a stack and reaches no channel
    there."""
    priorities = mapping(context.org, "priorities")
    for rule in context.rules():
        for stack, priority in _silent_stacks(rule.data, context.stacks, priorities,
                                              _rule_route):
            yield rule.source, rule.at(), stack, priority, "alert rule"
    for base, item, kind in routed_items(context.org):
        if context.org_source is not None:
            for stack, priority in _silent_stacks(item, context.stacks, priorities,
                                                  _cron_route):
                yield context.org_source, base, stack, priority, kind


def _routed_stacks(org: Any) -> set[str]:
    """The stacks some priority sends to at least one channel."""
    return {stack for route in mapping(org, "priorities").values()
            if isinstance(route, dict) for stack, channels in route.items()
            if channels and stack != "respond"}


@check("route/no-channel", "an alert rule, cron or uptime check that is on in a stack reaches "
                           "no channel there")
def no_channel(context: CheckContext) -> Iterator[Finding]:
    # A stack no priority routes at all is named once by route/unrouted-stack instead.
    routed = _routed_stacks(context.org)
    for source, base, stack, priority, _ in _silent(context):
        if stack in routed:
            yield Finding(source, (*base, "priority"), (
                f"reaches no channel in stack '{stack}': priority '{priority}' routes nowhere "
                f"there; add channels: or set environments: {{{stack}: {{enabled: false}}}}"))


def _counted(kinds: list[str]) -> str:
    """``3 alert rules and 1 cron``."""
    counts = {kind: kinds.count(kind) for kind in ("alert rule", "cron", "uptime check")
              if kind in kinds}
    return " and ".join(f"{n} {kind}{'' if n == 1 else 's'}" for kind, n in counts.items())


@check("route/unrouted-stack", "a stack file that no priority routes, while alert rules, "
                               "crons or uptime checks are on in that stack")
def unrouted_stack(context: CheckContext) -> Iterator[Finding]:
    routed = _routed_stacks(context.org)
    silent: dict[str, list[tuple[Any, str]]] = {}
    for _, _, stack, priority, kind in _silent(context):
        if stack not in routed:
            silent.setdefault(stack, []).append((priority, kind))
    for stack, found in sorted(silent.items()):
        if context.org_source is not None:
            names = ", ".join(sorted({str(priority) for priority, _ in found}))
            yield Finding(context.org_source, ("priorities",), (
                f"no priority routes stack '{stack}' (Pulumi.{stack}.yaml), so "
                f"{_counted([kind for _, kind in found])} on there reach no channel; add "
                f"'{stack}: [<channels>]' to the priorities they use ({names}), or remove "
                f"Pulumi.{stack}.yaml if that stack is not meant to exist"))
