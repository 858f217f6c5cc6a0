"""Where the metric alert payload is built: stack rules -> Sentry's current API, a detector
(monitor) for each metric rule and a workflow (alert) for every rule, in this one file.

Pure functions; the values are exactly what is sent, except that actions name channels, which
the alert provider resolves to integration, team and user ids at deploy time
(SENTRY_ALERTS_API.md §2). Sentry's codes come from ``sentry_iac.sentry``; the payloads' shapes
are its ``shapes``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sentry_iac.config.alerts import AgeMatch, IssueFilter
from sentry_iac.config.durations import Threshold, parse_duration
from sentry_iac.config.metrics import PRESETS
from sentry_iac.config.models import Channel
from sentry_iac.config.stack_views import StackRule
from sentry_iac.sentry import alerts as codes
from sentry_iac.sentry import anomaly
from sentry_iac.sentry.alerts import HIGH, MEDIUM, RESOLVED
from sentry_iac.sentry.metrics import EVENT_TYPES, METRIC_DETECTOR, PERCENT, QUERY_TYPE, STATIC
from sentry_iac.sentry.shapes import (
    ActionFilter,
    DataCondition,
    Detector,
    DetectorConfig,
    MetricQuery,
    Workflow,
    WorkflowConfig,
)


def metric_query(item: StackRule) -> MetricQuery:
    """dataset, aggregate, query and event types of a metric rule."""
    rule = item.rule
    if rule.query is not None:
        dataset, aggregate, query = rule.query.dataset, rule.query.aggregate, rule.query.query
        event_types = list(rule.query.event_types if rule.query.event_types is not None
                           else EVENT_TYPES[dataset])
    else:
        preset = PRESETS[rule.measure or ""]
        dataset, aggregate = preset.dataset, preset.aggregate_for(rule.percentile)
        query, event_types = preset.query, list(EVENT_TYPES[preset.dataset])
    if rule.search:
        query = f"{query} {rule.search}".strip()
    return {"dataset": dataset, "aggregate": aggregate, "query": query,
            "eventTypes": event_types, "queryType": QUERY_TYPE[dataset]}


def comparison_value(item: StackRule, threshold: Threshold) -> float:
    """A threshold in the unit Sentry compares: a change as current/previous x 100, a failure
    rate as a ratio, everything else as written.

    Every threshold of a change rule measures the change in the rule's own direction
    (``critical``'s): in an ``above 50%`` rule, ``resolve: below 20%`` is "the rise is under
    20%" (lte 120) and the default resolution is "the rise is back under 50%" (lte 150).
    Mapping each threshold by its own direction put that at lte 50, where a rule that fired on
    a rise never resolves (the detector holds its state until a condition matches,
    workflow_engine/handlers/detector/stateful.py)."""
    if item.rule.change is not None:
        assert item.critical is not None
        change = threshold.value
        return 100 + change if item.critical.direction == "above" else 100 - change
    if item.rule.unit == "ratio":
        return threshold.value / 100
    return threshold.value


def _number(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def detector_payload(item: StackRule) -> Detector:
    """The body of ``POST /organizations/{org}/projects/{project}/detectors/``."""
    if item.anomaly is not None:
        return anomaly_detector_payload(item)
    assert item.critical is not None and item.window_seconds is not None
    query = metric_query(item)
    conditions: list[DataCondition] = [
        {"type": codes.ALERT_OPERATORS[item.critical.direction],
         "comparison": _number(comparison_value(item, item.critical)),
         "conditionResult": HIGH}]
    if item.warning is not None:
        conditions.append({"type": codes.ALERT_OPERATORS[item.warning.direction],
                           "comparison": _number(comparison_value(item, item.warning)),
                           "conditionResult": MEDIUM})
    resolve = item.resolution
    assert resolve is not None
    conditions.append({"type": codes.RESOLVE_OPERATORS[item.critical.direction],
                       "comparison": _number(comparison_value(item, resolve)),
                       "conditionResult": RESOLVED})
    config: DetectorConfig = {"detectionType": STATIC}
    if item.rule.change is not None:
        config = {"detectionType": PERCENT, "comparisonDelta": item.rule.change.seconds}
    return {
        "name": item.display_name,
        "type": METRIC_DETECTOR,
        "enabled": True,
        "description": item.rule.description,
        "dataSources": [{**query, "timeWindow": item.window_seconds,
                         "environment": item.environment}],
        "config": config,
        "conditionGroup": {"logicType": codes.ANY, "conditions": conditions},
    }


def anomaly_detector_payload(item: StackRule) -> Detector:
    """A monitor that detects anomalies (``detectionType: dynamic``): one
    ``anomaly_detection`` condition at high priority and no thresholds or resolution
    condition; Seer decides what is unusual and when it is over (``sentry_iac.sentry.anomaly``
    cites Sentry's rules)."""
    assert item.anomaly is not None and item.window_seconds is not None
    comparison = {"sensitivity": anomaly.SENSITIVITIES[item.anomaly.sensitivity],
                  "seasonality": anomaly.SEASONALITIES[item.anomaly.seasonality],
                  "thresholdType": anomaly.DIRECTIONS[item.anomaly.direction]}
    return {
        "name": item.display_name,
        "type": METRIC_DETECTOR,
        "enabled": True,
        "description": item.rule.description,
        "dataSources": [{**metric_query(item), "timeWindow": item.window_seconds,
                         "environment": item.environment}],
        "config": {"detectionType": anomaly.DYNAMIC},
        "conditionGroup": {"logicType": codes.ANY, "conditions": [
            {"type": anomaly.ANOMALY_DETECTION, "comparison": comparison,
             "conditionResult": HIGH}]},
    }


class Prioritised(Protocol):
    """A rule or a cron monitor in one stack: its priority picks PagerDuty's severity."""

    @property
    def priority(self) -> str: ...


def channel_action(name: str, channel: Channel, item: Prioritised) -> dict[str, Any]:
    """An action in our terms; the alert provider turns it into Sentry's with real ids."""
    kind = channel.kind
    settings = getattr(channel, kind).model_dump(exclude_none=True, exclude_defaults=True)
    if kind == "pagerduty" and settings.get("severity", "default") == "default":
        settings["severity"] = "critical" if item.priority == "critical" else "default"
    if kind == "github":
        settings["labels"] = list(settings.get("labels", ()))
    return {"via": name, "kind": kind, **settings}


def _age(age: AgeMatch) -> dict[str, Any]:
    text = age.newer_than or age.older_than or ""
    seconds = parse_duration(text)
    side = codes.AGE_COMPARISONS["newer_than" if age.newer_than else "older_than"]
    for unit, size in codes.AGE_UNIT_SECONDS.items():  # the largest unit that fits
        if seconds % size == 0:
            return {"time": unit, "value": seconds // size, "comparisonType": side}
    return {"time": "minute", "value": max(1, seconds // 60), "comparisonType": side}


def level_match(f: IssueFilter) -> tuple[str, str]:
    """(Sentry's match code, our level) of a level filter."""
    assert f.level is not None
    return next((codes.LEVEL_MATCH_CODES[side], level)
                for side, level in (("at_least", f.level.at_least), ("at_most", f.level.at_most),
                                    ("equals", f.level.equals)) if level is not None)


def filter_condition(f: IssueFilter) -> DataCondition:
    """One issue filter as a workflow action-filter condition (SENTRY_ALERTS_API.md §2.11)."""
    comparison: Any
    if f.events is not None:
        if f.events.more_than is not None:
            kind, comparison = codes.EVENT_COUNT, {"value": f.events.more_than,
                                                   "interval": f.events.in_}
        else:
            kind = codes.EVENT_PERCENT
            comparison = {"value": f.events.percent_more_than, "interval": f.events.in_,
                          "comparisonInterval": f.events.compared_to}
    elif f.users is not None:
        kind, comparison = codes.USER_COUNT, {
            "value": f.users.more_than, "interval": f.users.in_, "filters": []}
    elif f.tag is not None:
        kind, comparison = codes.TAGGED_EVENT, {"key": f.tag.key,
                                                "match": codes.MATCH_CODES[f.tag.match]}
        if f.tag.value is not None:
            comparison["value"] = f.tag.value
    elif f.level is not None:
        match, level = level_match(f)
        kind, comparison = codes.LEVEL, {"level": codes.LEVEL_NUMBERS[level], "match": match}
    elif f.age is not None:
        kind, comparison = codes.AGE, _age(f.age)
    elif f.occurrences is not None:
        kind, comparison = codes.OCCURRENCES, {"value": f.occurrences.at_least}
    elif f.latest_release is not None:
        kind, comparison = codes.LATEST_RELEASE, True
    else:
        kind, comparison = codes.ISSUE_CATEGORY, {
            "value": codes.CATEGORY_IDS[f.category or "error"], "include": True}
    return {"type": kind, "comparison": comparison, "conditionResult": True}


def level_changes(level: int, actions: list[dict[str, Any]]) -> list[ActionFilter]:
    """The action filter of an alert on a monitor's issue: notify when the issue reaches
    ``level`` (opened, or escalated from warning to critical) and when it goes back down
    (de-escalated or resolved)."""
    return [{"logicType": codes.ANY_SHORT, "conditions": [
        {"type": codes.PRIORITY_AT_LEAST, "comparison": level, "conditionResult": True},
        {"type": codes.PRIORITY_DEESCALATING, "comparison": level, "conditionResult": True}],
        "actions": actions}]


@dataclass(frozen=True)
class _Level:
    """The priority one level of a metric rule is told at (None: no priority, only channels)."""

    priority: str


def metric_action_filters(item: StackRule) -> list[ActionFilter]:
    """The action filters of the alert on a metric rule's monitor.

    Routed together (no ``warning_priority``/``warning_channels``), one filter from the lowest
    level up tells every channel. Routed apart, a filter per level, as Sentry's own metric
    alerts are built (``migrate_metric_data_conditions``, migration_helpers/alert_rule.py): the
    warning level's (medium, 50) and the critical level's (high, 75), each passing when the
    issue is at or above its level (``issue_priority_greater_or_equal``) or goes back down
    from it (``issue_priority_deescalating``: highest seen at least the level, and now below
    it or resolved). So the warning channels hear the warning, the escalation, a return to
    warning and the resolution; the critical channels the escalation (or a critical opening),
    the return to warning and the resolution of an issue that was critical. PagerDuty and
    Opsgenie resolve their incident when the issue resolves. A channel of both levels is in
    the warning filter only: it already passes on every change the critical one passes on,
    and Sentry would send each action of both filters (processors/action.py
    ``filter_recently_fired_workflow_actions`` keeps actions by id, not by destination)."""
    if not item.split:
        actions = [channel_action(name, channel, item) for name, channel in item.channels]
        return level_changes(MEDIUM if item.warning is not None else HIGH, actions)
    at_warning = _Level(item.warning_priority or "")
    warning = [channel_action(name, channel, at_warning)
               for name, channel in item.warning_channels or ()]
    critical = [action for name, channel in item.channels
                if (action := channel_action(name, channel, item)) not in warning]
    filters: list[ActionFilter] = []
    for level, actions in ((MEDIUM, warning), (HIGH, critical)):
        if actions:
            filters += level_changes(level, actions)
    return filters


# Sentry throttles every action of a workflow per issue by its frequency, resolutions and
# escalations included (filter_recently_fired_workflow_actions, processors/action.py), and an
# earlier version read a missing frequency as 30 minutes: an alert on a monitor says 0, as
# Sentry's own migrated metric alerts behave.
NEVER_THROTTLED: WorkflowConfig = {"frequency": 0}
# Issues of other categories (performance, cron, metric...) open through the same issue-stream
# monitor (get_detectors_for_event_data), so an issue rule is for errors unless it names one.
ERRORS_ONLY: DataCondition = {
    "type": codes.ISSUE_CATEGORY,
    "comparison": {"value": codes.CATEGORY_IDS["error"], "include": True},
    "conditionResult": True}


def issue_conditions(item: StackRule) -> list[DataCondition]:
    """The filters of an issue rule, with the error category when the rule is about errors
    (``issues: errors``, the default) and names no category itself. The spec allows the
    default only with ``filter_match: all``: Sentry has no way to require a category beside
    filters matched by ``any`` or ``none``."""
    conditions = [filter_condition(f) for f in item.rule.filters]
    if item.rule.errors_only:
        conditions.append(ERRORS_ONLY)
    return conditions


def workflow_payload(item: StackRule) -> Workflow:
    """The body of ``POST /organizations/{org}/workflows/`` without ``detectorIds`` (the
    provider adds them) and with channel actions still by name."""
    actions = [channel_action(name, channel, item) for name, channel in item.channels]
    if item.rule.is_metric:
        triggers: list[DataCondition] = []
        filters = metric_action_filters(item)
        # For every environment: the monitor's data source already filters the stack's
        # environment, and Sentry delivers a resolution (an Activity, which has none) only to
        # workflows without one (_get_associated_workflows, processors/workflow.py;
        # getsentry/sentry#121153).
        environment: str | None = None
        config: WorkflowConfig = NEVER_THROTTLED.copy()
    else:
        triggers = [{"type": codes.TRIGGER_TYPES[t], "comparison": True,
                     "conditionResult": True} for t in item.rule.when]
        filters = [{"logicType": codes.LOGIC_TYPES[item.rule.filter_match],
                    "conditions": issue_conditions(item), "actions": actions}]
        environment = item.environment
        config = {"frequency": item.repeat_seconds // 60}
    return {
        "name": item.display_name,
        "enabled": True,
        "environment": environment,
        "config": config,
        # snake_case here, as Sentry's published schema spells it inside `triggers` (its
        # serializer converts camelCase anyway; see SENTRY_ALERTS_API.md §2.1).
        "triggers": {"logic_type": codes.ANY_SHORT, "conditions": triggers},
        "actionFilters": filters,
    }
