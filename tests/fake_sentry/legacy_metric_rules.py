"""Checks of legacy metric alert rules (``/organizations/{org}/alert-rules/``), SENTRY_API.md 1.

The query part is the monitors' check with ``timeWindow`` in minutes (1..1440); triggers are
one critical and an optional warning, each with actions, and thresholds in a sane order.

Sources (getsentry/sentry), as SENTRY_API.md §1 cites them:

- ``src/sentry/incidents/serializers/alert_rule.py`` ``AlertRuleSerializer`` (a
  ``SnubaQueryValidator`` with minutes: see ``snuba_query``): ``name`` max 256,
  ``thresholdType`` (0/1/2: "Invalid threshold type, valid values are [0, 1, 2]"),
  ``thresholdPeriod`` 1..20, ``comparisonDelta``, ``resolveThreshold``, ``owner``
  ``ActorField``, ``projects``; ``validate`` / ``_validate_trigger_thresholds`` /
  ``_validate_critical_warning_triggers``: the trigger-count, label, "Percentage-based
  alerts require a comparison delta", above/below and threshold-order texts.
- ``src/sentry/incidents/serializers/alert_rule_trigger.py`` ``AlertRuleTriggerSerializer``
  and ``alert_rule_trigger_action.py`` ``AlertRuleTriggerActionSerializer`` (action type,
  target type, integration and target-identifier texts).
- source not found (not re-read for this file): the exact texts above are from SENTRY_API.md
  §1.5-1.8; the "off by one" tolerance between alert and resolve thresholds of integers, and
  "Metric alerts take at most one project." (the fake's own wording) in particular.
"""

from __future__ import annotations

from typing import Any

from tests.fake_sentry.actors import check_owner
from tests.fake_sentry.snuba_query import DATASET_QUERY_TYPE, clean_snuba_query
from tests.fake_sentry.state import FakeOrganization
from tests.fake_sentry.validation import REQUIRED, Checker, Invalid, integer, string

ABOVE, BELOW, ABOVE_AND_BELOW = 0, 1, 2
LABELS = ("critical", "warning")
DEFAULT_EVENT_TYPES = {
    "events": ["error", "default"],
    "events_analytics_platform": ["trace_item_span"],
}
ACTION_TYPES = ("email", "slack", "msteams", "discord", "pagerduty", "opsgenie", "sentry_app")
TARGETS = {
    "email": ("user", "team"),
    "sentry_app": ("sentry_app",),
    **dict.fromkeys(("slack", "msteams", "discord", "pagerduty", "opsgenie"), ("specific",)),
}
NEEDS_INTEGRATION = ("slack", "msteams", "discord", "pagerduty", "opsgenie")


def _query_part(
    org: FakeOrganization, body: dict[str, Any], errors: dict[str, Any]
) -> dict[str, Any]:
    dataset = body.get("dataset", "events")
    source = {
        "dataset": dataset,
        "environment": body.get("environment"),
        "event_types": body.get("eventTypes", DEFAULT_EVENT_TYPES.get(dataset, [])),
        "query": body.get("query"),
        "aggregate": body.get("aggregate"),
        "time_window": body.get("timeWindow"),
        "extrapolation_mode": body.get("extrapolationMode"),
    }
    if "queryType" in body:
        source["query_type"] = body["queryType"]
    for camel_name, snake_name in (
        ("query", "query"),
        ("aggregate", "aggregate"),
        ("timeWindow", "time_window"),
    ):
        if camel_name not in body:
            del source[snake_name]
    query, problems = clean_snuba_query(source, org, seconds=False, max_minutes=1440)
    for key, messages in problems.items():
        name = {
            "time_window": "timeWindow",
            "event_types": "eventTypes",
            "query_type": "queryType",
        }.get(key, key)
        errors[{"non_field_errors": "nonFieldErrors"}.get(name, name)] = messages
    return query


def _action_problem(org: FakeOrganization, action: Any) -> str | None:
    if not isinstance(action, dict):
        return "Invalid data. Expected a dictionary."
    kind = action.get("type")
    if kind not in ACTION_TYPES:
        return f"Invalid type, valid values are [{', '.join(ACTION_TYPES)}]"
    target = action.get("targetType")
    if target not in ("user", "team", "specific", "sentry_app"):
        return "Invalid targetType, valid values are [user, team, specific, sentry_app]"
    if target not in TARGETS[kind]:
        return f"Invalid target type for {kind}. Valid types are [{', '.join(TARGETS[kind])}]"
    if kind in NEEDS_INTEGRATION and action.get("integrationId", action.get("integration")) is None:
        return f"Integration must be provided for {kind}"
    if "priority" in action and kind not in ("pagerduty", "opsgenie"):
        return "Can only be set for Pagerduty or Opsgenie"
    if action.get("targetIdentifier") in (None, ""):
        return "One or more of your actions is missing a target identifier."
    return None


def _effective(value: float, threshold_type: int, percent: bool) -> float:
    """Percent-change thresholds are stored as a ratio: above 50 % is 150, below 50 % is 50."""
    if not percent:
        return value
    return value + 100 if threshold_type == ABOVE else 100 - value


def _threshold_problem(
    triggers: list[dict[str, Any]], threshold_type: int, resolve: Any, percent: bool
) -> str | None:
    above = threshold_type == ABOVE
    if resolve is not None:
        resolve_value = _effective(resolve, threshold_type, percent)
        for trigger in triggers:
            alert = _effective(trigger["alertThreshold"], threshold_type, percent)
            integral = float(alert).is_integer() and float(resolve_value).is_integer()
            slack = 1 if integral else 0  # integers get Sentry's off-by-one tolerance
            ok = (
                alert + slack > resolve_value - slack
                if above
                else alert - slack < resolve_value + slack
            )
            if not ok:
                side = "above" if above else "below"
                return f"{trigger['label']} alert threshold must be {side} resolution threshold"
    if len(triggers) == 2:
        critical, warning = (
            _effective(t["alertThreshold"], threshold_type, percent) for t in triggers
        )
        if (critical < warning) if above else (critical > warning):
            side = "above" if above else "below"
            return f"Critical trigger must have an alert threshold {side} warning trigger"
    return None


def _trigger_problem(org: FakeOrganization, triggers: list[Any]) -> str | None:
    for position, trigger in enumerate(triggers):
        if not isinstance(trigger, dict):
            return "Invalid data. Expected a dictionary."
        if trigger.get("label") != LABELS[position]:
            return f'Trigger {position + 1} must be labeled "{LABELS[position]}"'
        if not isinstance(trigger.get("alertThreshold"), (int, float)):
            return "Trigger must have an alertThreshold"
        actions = trigger.get("actions") or []
        if not actions:
            return "Each trigger must have an associated action for this alert to fire."
        problem = next((p for a in actions if (p := _action_problem(org, a))), None)
        if problem:
            return problem
    return None


def _scalars(org: FakeOrganization, body: dict[str, Any], errors: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "thresholdPeriod": 1,
        "resolveThreshold": None,
        "comparisonDelta": None,
    }
    checks: dict[str, Checker] = {
        "name": string(256),
        "thresholdPeriod": integer(1, 20),
        "comparisonDelta": integer(1, 128160, nullable=True),
        "owner": lambda v: check_owner(org, v),
    }
    for name, check in checks.items():
        if name in body:
            value, messages = check(body[name])
            (errors if messages else values)[name] = messages or value
    if "name" not in body:
        errors["name"] = [REQUIRED]
    if "thresholdType" not in body:
        errors["thresholdType"] = [REQUIRED]
    elif body["thresholdType"] not in (ABOVE, BELOW, ABOVE_AND_BELOW):
        errors["thresholdType"] = ["Invalid threshold type, valid values are [0, 1, 2]"]
    resolve = body.get("resolveThreshold")
    if resolve is not None and (isinstance(resolve, bool) or not isinstance(resolve, (int, float))):
        errors["resolveThreshold"] = ["A valid number is required."]
    values["resolveThreshold"] = resolve
    projects = body.get("projects", [])
    if not isinstance(projects, list) or len(projects) > 1:
        errors["projects"] = ["Metric alerts take at most one project."]
    elif any(org.find_project(str(p)) is None for p in projects):
        errors["projects"] = ["Invalid project"]
    values["projects"] = projects
    return values


def clean_metric_rule(org: FakeOrganization, body: dict[str, Any]) -> dict[str, Any]:
    """The stored rule (camelCase) or Sentry's errors."""
    errors: dict[str, Any] = {}
    values = _scalars(org, body, errors)
    query = _query_part(org, body, errors)
    triggers = body.get("triggers")
    if triggers is None:
        errors["triggers"] = [REQUIRED]
    elif not isinstance(triggers, list) or not triggers:
        errors["triggers"] = ["Must include at least one trigger"]
    elif len(triggers) > 2:
        errors["triggers"] = [
            "Must send 1 or 2 triggers - A critical trigger, and an optional warning trigger"
        ]
    if errors:
        raise Invalid(errors)
    # No errors means the checks above found a non-empty list of triggers.
    assert isinstance(triggers, list)
    threshold_type = body["thresholdType"]
    percent = values["comparisonDelta"] is not None or body.get("detectionType") == "percent"
    problem = _trigger_problem(org, triggers)
    if problem is None and percent and values["comparisonDelta"] is None:
        problem = "Percentage-based alerts require a comparison delta"
    if problem is None and threshold_type == ABOVE_AND_BELOW:
        problem = (
            "Invalid threshold type: Allowed types for comparison alerts are above OR below"
            if percent
            else "Above and below is not a valid threshold type for this alert type"
        )
    if problem is None:
        problem = _threshold_problem(triggers, threshold_type, values["resolveThreshold"], percent)
    if problem:
        raise Invalid({"nonFieldErrors": [problem]})
    return {
        **values,
        "thresholdType": threshold_type,
        "detectionType": "percent" if percent else "static",
        "dataset": query["dataset"],
        "queryType": query.get("query_type", DATASET_QUERY_TYPE.get(query["dataset"])),
        "query": query["query"],
        "aggregate": query["aggregate"],
        "timeWindow": query["time_window"],
        "environment": query["environment"],
        "eventTypes": query["event_types"],
        "triggers": triggers,
    }
