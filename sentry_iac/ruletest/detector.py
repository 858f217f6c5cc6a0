"""A metric monitor's state, as Sentry's stateful detector keeps it
(``workflow_engine/handlers/detector/stateful.py`` ``StatefulDetectorHandler.evaluate_impl``):

* each condition of the detector's condition group compares the value with its operator
  (``gt``, ``gte``, ``lt``, ``lte``, ``eq``, ``ne``: ``models/data_condition.py``
  ``CONDITION_OPS``) and gives its ``conditionResult`` when it holds;
* the group's ``logicType`` (``any``, ``all``) decides whether it triggered
  (``processors/data_condition_group.py``); when it did not, **the state is kept** — no
  condition matched, nothing changes;
* otherwise the new priority is the highest result that matched (``max(OK, *results)``,
  ``_evaluation_detector_conditions``), and only a priority different from the current one is
  an occurrence (75 high, 50 medium) or, at 0, a resolution;
* every level needs 1 consecutive breach (the default thresholds, ``{level: 1}``).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sentry_iac.sentry.alerts import ANY, ANY_SHORT, LOGIC_TYPES, RESOLVED

OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le,
    "eq": operator.eq, "ne": operator.ne}


class UnsupportedCondition(ValueError):
    """A condition type or logic the rule-test evaluator does not model."""


@dataclass(frozen=True)
class Transition:
    """The detector moved from ``before`` to ``after`` (DetectorPriorityLevel values)."""

    minute: int
    before: int
    after: int
    value: float


def combine(logic: str, results: Iterable[bool]) -> bool:
    """Whether a condition group with these condition results (evaluated lazily, as Sentry
    stops early) triggers, by its logic type (``processors/data_condition_group.py``
    ``evaluate_data_conditions``). An empty group always triggers; callers check that first."""
    if logic in (ANY, ANY_SHORT):
        return any(results)
    if logic == LOGIC_TYPES["all"]:
        return all(results)
    if logic == LOGIC_TYPES["none"]:
        return not any(results)
    raise UnsupportedCondition(f"logic type '{logic}'")


def new_priority(group: dict[str, Any], value: float) -> int | None:
    """The priority the condition group gives ``value``; None when it did not trigger."""
    results = []
    conditions = group.get("conditions") or []
    for condition in conditions:
        compare = OPERATORS.get(str(condition["type"]))
        if compare is None:
            raise UnsupportedCondition(f"detector condition '{condition['type']}'")
        results.append(int(condition["conditionResult"])
                       if compare(value, float(condition["comparison"])) else None)
    matched = [r for r in results if r is not None]
    if conditions and not combine(str(group.get("logicType", ANY)),
                                  (r is not None for r in results)):
        return None
    return max([RESOLVED, *matched])


@dataclass
class DetectorState:
    """One detector's priority over a test (one group: a metric monitor has no group-by)."""

    payload: dict[str, Any]
    priority: int = RESOLVED

    def update(self, minute: int, value: float | None) -> Transition | None:
        """Evaluate one data packet; the transition it causes, if any. No value (an empty
        window of a percentile, no sessions) is no packet."""
        if value is None:
            return None
        after = new_priority(self.payload["conditionGroup"], value)
        if after is None or after == self.priority:
            return None
        before, self.priority = self.priority, after
        return Transition(minute, before, after, value)
