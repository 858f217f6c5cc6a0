"""The action filters of an alert on a metric monitor -> its levels (the inverse of
``metric_action_filters``): one filter for every level, or one for the warning level (medium,
50) and one for critical (high, 75), as Sentry's own metric alerts are built
(``migrate_metric_data_conditions``, migration_helpers/alert_rule.py), each passing at or
above its level and when the issue comes back down from it."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sentry_iac.importer.convert.problems import NotExpressible
from sentry_iac.importer.read.snapshot import Json
from sentry_iac.sentry.alerts import HIGH, MEDIUM, PRIORITY_AT_LEAST, PRIORITY_DEESCALATING

_LEVEL_CONDITIONS = sorted((PRIORITY_AT_LEAST, PRIORITY_DEESCALATING))


@dataclass(frozen=True)
class Levels:
    """The filter whose actions are the rule's ``channels`` (critical's, or every level's),
    and the warning level's when it has one of its own."""

    critical: Json
    warning: Json | None = None


def _level(group: Json) -> int | None:
    """The level a filter is for, when it is a level's (at or above it, or coming down)."""
    conditions = group.get("conditions") or []
    types = sorted(str(c.get("type")) for c in conditions)
    values = {c.get("comparison") for c in conditions}
    if types != _LEVEL_CONDITIONS or len(values) != 1:
        return None
    value = values.pop()
    return value if isinstance(value, int) and value in (MEDIUM, HIGH) else None


def metric_levels(workflow: Json) -> Levels:
    """The filters of each level; ``NotExpressible`` for any other shape (a single filter is
    every level's, and the rendering compares its conditions)."""
    filters = workflow.get("actionFilters") or []
    if len(filters) == 1:
        return Levels(filters[0])
    by_level = {_level(group): group for group in filters}
    if len(filters) != 2 or set(by_level) != {MEDIUM, HIGH}:
        raise NotExpressible(f"it has {len(filters)} action filters; sentry-iac writes one for "
                             "every level, or one for the warning level (priority medium) and "
                             "one for critical (priority high)")
    return Levels(by_level[HIGH], by_level[MEDIUM])


def adjusted_levels(workflow: Json, shared: list[int]) -> Json:
    """``workflow`` with the critical filter's actions at ``shared`` (which the warning filter
    has too) left out, and that filter too when nothing is left: the warning filter passes on
    every change the critical one does (``issue_priority_greater_or_equal`` 50 whenever 75,
    ``issue_priority_deescalating`` 50 whenever 75), so those channels hear the same, once."""
    critical = metric_levels(workflow).critical
    actions = [a for i, a in enumerate(critical.get("actions") or []) if i not in shared]
    filters = [group if group is not critical else {**group, "actions": actions}
               for group in workflow.get("actionFilters") or []
               if group is not critical or actions]
    return {**workflow, "actionFilters": filters}


_ACTION_SERVER_KEYS = ("id", "status")


def _destination(action: Json) -> str:
    return json.dumps({k: v for k, v in action.items() if k not in _ACTION_SERVER_KEYS},
                      sort_keys=True)


def shared_actions(workflow: Json) -> list[int] | None:
    """The indices of the critical filter's actions that the warning filter has too (the same
    destination and settings), for an alert with a filter per level; None otherwise."""
    try:
        levels = metric_levels(workflow)
    except NotExpressible:
        return None
    if levels.warning is None:
        return None
    warned = {_destination(a) for a in levels.warning.get("actions") or []}
    return [i for i, action in enumerate(levels.critical.get("actions") or [])
            if _destination(action) in warned]
