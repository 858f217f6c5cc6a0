"""Render a candidate rule the way the program would, and compare it with what Sentry holds.

An object is adopted only when the monitor and alert the YAML produces are the ones Sentry has
(apart from the display name), so adopting it changes nothing. Cron monitors and dashboards
are compared the same way, in the normal form their providers use (``check_monitor``,
``check_dashboard``). The comparison uses the
providers' own normalisation; Slack and Microsoft Teams channels are compared by name because
Sentry turns the name into a channel id itself.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from sentry_iac.config.alerts import AlertRule
from sentry_iac.config.models import Channel, Project
from sentry_iac.config.routing import NO_ROUTES
from sentry_iac.config.stack_views import StackRule, stack_rule
from sentry_iac.importer.convert.problems import NotExpressible
from sentry_iac.importer.read.snapshot import Json
from sentry_iac.providers.alerting import normalize_detector, normalize_workflow
from sentry_iac.providers.crons import normalize_monitor
from sentry_iac.providers.dashboards import normalize_dashboard
from sentry_iac.providers.resolve import ResolveError, Resolver
from sentry_iac.resources.payloads.monitors import detector_payload, workflow_payload
from sentry_iac.sentry.metrics import QUERY_TYPE

_RESOLVED_BY_NAME = ("slack", "msteams")


@dataclass(frozen=True)
class Rendered:
    """What the program registers for one rule in one project and stack (our terms)."""

    detector: Json | None
    workflow: Json


def candidate_rule(fields: dict[str, Any], project: Project, stack: str,
                   channels: dict[str, Json]) -> StackRule:
    """The rule ``fields`` (as the YAML would say them, no overrides) for one stack, built by
    the program's own ``stack_rule``. It names its channels itself, so no priority routes
    them; the project's environment in ``stack`` is the alert's (``_Builder.place``)."""
    try:
        rule = AlertRule.model_validate(fields)
        named = {name: Channel.model_validate(channels[name])
                 for key in ("channels", "warning_channels") for name in fields.get(key, ())}
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise NotExpressible(f"sentry-iac would refuse it: {where}: {problem['msg']}") from None
    return stack_rule(rule, project, stack, named, NO_ROUTES)


def render(item: StackRule) -> Rendered:
    # Plain JSON from here on: the importer compares and adjusts them as Sentry's answers.
    return Rendered(dict(detector_payload(item)) if item.rule.is_metric else None,
                    dict(workflow_payload(item)))


def _difference(ours: Any, theirs: Any, path: str = "") -> str | None:
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for key in sorted(set(ours) | set(theirs)):
            found = _difference(ours.get(key), theirs.get(key), f"{path}.{key}".lstrip("."))
            if found:
                return found
        return None
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        for index, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            found = _difference(a, b, f"{path}[{index}]")
            if found:
                return found
        return None
    if ours != theirs:
        return (f"{path or 'it'}: Sentry has {json.dumps(theirs)}, the YAML would send "
                f"{json.dumps(ours)}")
    return None


def comparable_workflow(body: Json) -> Json:
    """A workflow without its name, in the provider's normal form, actions compared by the
    fields that identify a destination."""
    workflow = normalize_workflow(body)
    workflow.pop("name")
    for group in workflow["actionFilters"]:
        actions = []
        for action in group["actions"]:
            config = {k: v for k, v in (action.get("config") or {}).items() if v is not None}
            if action.get("type") in _RESOLVED_BY_NAME:
                config.pop("targetIdentifier", None)
            actions.append({**action, "config": config})
        group["actions"] = sorted(actions, key=lambda a: json.dumps(a, sort_keys=True))
    return workflow


def comparable_detector(body: Json, query_type: int | None) -> Json:
    detector = normalize_detector(body, query_type)
    detector.pop("name")
    return detector


def check_detector(ours: Json, sentry: Json) -> None:
    dataset = str((ours["dataSources"][0]).get("dataset"))
    problem = _difference(comparable_detector(ours, QUERY_TYPE.get(dataset)),
                          comparable_detector(sentry, QUERY_TYPE.get(dataset)))
    if problem:
        raise NotExpressible(f"its monitor differs from what the YAML can say: {problem}")


def check_workflow(ours: Json, sentry: Json, resolver: Resolver,
                   detector_ids: list[str]) -> None:
    """``ours`` is the rendered workflow (actions by channel), resolved here as the Alert
    provider resolves it; ``detector_ids`` are the monitors it must be connected to."""
    try:
        filters = [{**f, "actions": [resolver.action(a) for a in f.get("actions", [])]}
                   for f in ours.get("actionFilters", [])]
    except ResolveError as exc:
        raise NotExpressible(f"its channels would not resolve to the same place: {exc}") from None
    problem = _difference(comparable_workflow({**ours, "actionFilters": filters}),
                          comparable_workflow(sentry))
    if problem:
        raise NotExpressible(f"it differs from what the YAML can say: {problem}")
    linked = sorted(str(d) for d in sentry.get("detectorIds") or [])
    if linked != sorted(detector_ids):
        raise NotExpressible(f"it is connected to monitors {linked}; the YAML would connect it "
                             f"to {sorted(detector_ids)}")


def check_monitor(ours: Json, sentry: Json) -> None:
    """``ours`` is the cron monitor the program sends, with its owner team's id resolved."""
    problem = _difference(normalize_monitor(ours), normalize_monitor(sentry))
    if problem:
        raise NotExpressible(f"it differs from what the YAML can say: {problem}")


def check_dashboard(ours: Json, sentry: Json) -> None:
    """``ours`` is the dashboard the provider sends: its payload, widgets and project ids."""
    problem = _difference(normalize_dashboard(ours), normalize_dashboard(sentry))
    if problem:
        raise NotExpressible(f"it differs from what the YAML can say: {problem}")
