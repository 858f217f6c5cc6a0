"""The data conditions of a workflow's triggers and action filters, each as its handler in
``src/sentry/workflow_engine/handlers/condition/`` evaluates it, on one issue and the change
handed to the workflow engine."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sentry_iac.config.durations import parse_duration
from sentry_iac.ruletest.detector import UnsupportedCondition, combine
from sentry_iac.ruletest.samples import Sample
from sentry_iac.sentry.alerts import HIGH, LEVEL_NUMBERS


@dataclass
class Issue:
    """A Sentry group: category (GroupCategory id), priority, the highest priority of its open
    period, status, when it was first seen and its events (minute, user)."""

    key: str
    category: int
    priority: int
    first_seen: int
    highest_seen: int = 0
    resolved: bool = False
    events: list[tuple[int, str | None]] = field(default_factory=list)


@dataclass(frozen=True)
class Change:
    """What the workflow engine is handed: an event (``sample``), a monitor's occurrence, or a
    status change (``environment`` None: an Activity has none)."""

    minute: int
    environment: str | None
    sample: Sample | None = None
    first_seen: bool = False
    regression: bool = False
    reappeared: bool = False


def _tags(change: Change) -> list[tuple[str, str]]:
    if change.sample is None:
        return []
    return [(k.lower(), v.lower()) for k, v in change.sample.attributes.items()
            if k != "event.type"]


def _match_values(values: list[str], wanted: str, match: str) -> bool:
    """``rules/match.py`` ``match_values``."""
    tests: dict[str, Callable[[], bool]] = {
        "eq": lambda: wanted in values, "ne": lambda: wanted not in values,
        "sw": lambda: any(v.startswith(wanted) for v in values),
        "ew": lambda: any(v.endswith(wanted) for v in values),
        "co": lambda: any(wanted in v for v in values),
        "nc": lambda: not any(wanted in v for v in values),
        "in": lambda: any(v in wanted.replace(" ", "").split(",") for v in values),
        "nin": lambda: not any(v in wanted.replace(" ", "").split(",") for v in values)}
    if match not in tests:
        raise UnsupportedCondition(f"tag match '{match}'")
    return tests[match]()


def tagged_event(comparison: dict[str, Any], change: Change) -> bool:
    """``tagged_event_handler.py``: keys and values compared in lower case; ``is``/``ns`` test
    the key only."""
    tags = _tags(change)
    key, match = str(comparison["key"]).lower(), str(comparison["match"])
    if match == "is":
        return key in {k for k, _ in tags}
    if match == "ns":
        return key not in {k for k, _ in tags}
    return _match_values([v for k, v in tags if k == key], str(comparison["value"]).lower(),
                         match)


def level(comparison: dict[str, Any], change: Change) -> bool:
    """``level_handler.py``: the event's ``level`` tag against ``level`` by ``match``."""
    if change.sample is None:
        return False
    have, want = LEVEL_NUMBERS[change.sample.level], int(comparison["level"])
    return {"eq": have == want, "gte": have >= want, "lte": have <= want}.get(
        str(comparison["match"]), False)


def _in_interval(issue: Issue, change: Change, interval: str) -> list[tuple[int, str | None]]:
    minutes = parse_duration(interval) // 60
    return [e for e in issue.events if change.minute - minutes < e[0] <= change.minute]


def age(comparison: dict[str, Any], issue: Issue, change: Change) -> bool:
    """``age_comparison_handler.py``: first seen newer or older than value x time."""
    sizes = {"minute": 1, "hour": 60, "day": 1440, "week": 10080}
    limit = change.minute - int(comparison["value"]) * sizes[str(comparison["time"])]
    if comparison["comparisonType"] == "newer":
        return issue.first_seen > limit
    return issue.first_seen < limit


def _frequency(comparison: dict[str, Any], issue: Issue, change: Change) -> bool:
    """``event_frequency_handlers.py``: the issue's events in ``interval`` > ``value``. Sentry
    evaluates it later, in batches (``delayed_workflow.py``); here at the event."""
    return len(_in_interval(issue, change, str(comparison["interval"]))) > int(
        comparison["value"])


def _users(comparison: dict[str, Any], issue: Issue, change: Change) -> bool:
    """``event_unique_user_frequency_handlers.py``: distinct users in ``interval``."""
    users = {u for _, u in _in_interval(issue, change, str(comparison["interval"]))
             if u is not None}
    return len(users) > int(comparison["value"])


def _deescalating(comparison: Any, issue: Issue) -> bool:
    """``issue_priority_deescalating_handler.py``: the open period reached ``comparison`` and
    the issue is below it now, or resolved."""
    return int(comparison) <= issue.highest_seen and (
        issue.priority < int(comparison) or issue.resolved)


Handler = Callable[[Any, Issue, Change], bool]
HANDLERS: dict[str, Handler] = {
    # first_seen_event_handler.py, regression_event_handler.py, reappeared_event_handler.py
    "first_seen_event": lambda _c, _i, change: change.first_seen,
    "regression_event": lambda _c, _i, change: change.regression,
    "reappeared_event": lambda _c, _i, change: change.reappeared,
    # new_high_priority_issue_handler.py (projects with high-priority alerts)
    "new_high_priority_issue": lambda _c, issue, change: change.first_seen
    and issue.priority == HIGH,
    # issue_priority_greater_or_equal_handler.py
    "issue_priority_greater_or_equal": lambda c, issue, _ch: issue.priority >= int(c),
    "issue_priority_deescalating": lambda c, issue, _ch: _deescalating(c, issue),
    # issue_category_handler.py: the group's category
    "issue_category": lambda c, issue, _ch: issue.category == int(c["value"]),
    "tagged_event": lambda c, _i, change: tagged_event(c, change),
    "level": lambda c, _i, change: level(c, change),
    # issue_occurrences_handler.py: times seen >= value
    "issue_occurrences": lambda c, issue, _ch: len(issue.events) >= int(c["value"]),
    "age_comparison": age,
    "event_frequency_count": _frequency,
    "event_unique_user_frequency_count": _users,
}


def holds(condition: dict[str, Any], issue: Issue, change: Change) -> bool:
    """Whether one condition holds (its ``conditionResult`` is then the result)."""
    handler = HANDLERS.get(str(condition["type"]))
    if handler is None:
        raise UnsupportedCondition(f"workflow condition '{condition['type']}'")
    return handler(condition.get("comparison"), issue, change)


def group_passes(group: dict[str, Any], issue: Issue, change: Change) -> bool:
    """A condition group by its logic type; an empty group passes
    (``processors/data_condition_group.py``: "if we don't have any conditions, always return
    True")."""
    conditions = group.get("conditions") or []
    if not conditions:
        return True
    logic = str(group.get("logicType", group.get("logic_type")))
    return combine(logic, (holds(c, issue, change) == bool(c.get("conditionResult", True))
                           for c in conditions))
