"""An alert (workflow) -> the trigger, filter and repeat fields of a rule (the inverse of
``workflow_payload`` and ``filter_condition``)."""

from __future__ import annotations

from typing import Any

from sentry_iac.config.durations import format_duration
from sentry_iac.importer.convert.problems import NotExpressible
from sentry_iac.importer.read.snapshot import Json
from sentry_iac.sentry import alerts as codes


def _no_sub_filters(comparison: Json, what: str) -> None:
    if comparison.get("filters"):
        raise NotExpressible(f"its {what} are narrowed by attribute filters, which sentry-iac "
                             "does not write")


def issue_filter(condition: Json) -> dict[str, Any]:
    """One action-filter condition as a filter of ours."""
    kind = condition.get("type")
    if condition.get("conditionResult") is not True:
        raise NotExpressible(f"its '{kind}' filter is inverted (condition result false)")
    value: Any = condition.get("comparison")
    c: Json = value if isinstance(value, dict) else {}
    if kind == codes.EVENT_COUNT:
        _no_sub_filters(c, "event counts")
        return {"events": {"more_than": c.get("value"), "in": c.get("interval")}}
    if kind == codes.EVENT_PERCENT:
        _no_sub_filters(c, "event counts")
        return {"events": {"percent_more_than": c.get("value"), "in": c.get("interval"),
                           "compared_to": c.get("comparisonInterval")}}
    if kind == codes.USER_COUNT:
        _no_sub_filters(c, "user counts")
        return {"users": {"more_than": c.get("value"), "in": c.get("interval")}}
    if kind == codes.TAGGED_EVENT:
        tag: dict[str, Any] = {"key": c.get("key"),
                               "match": codes.MATCHES_BY_CODE.get(str(c.get("match")))}
        if tag["match"] is None:
            raise NotExpressible(f"its tag filter matches with '{c.get('match')}'")
        if tag["match"] == "equals":
            del tag["match"]  # the default
        if "value" in c:
            tag["value"] = c["value"]
        return {"tag": tag}
    if kind == codes.LEVEL:
        match = codes.LEVEL_MATCHES_BY_CODE.get(str(c.get("match")))
        level = codes.LEVELS_BY_NUMBER.get(c.get("level", -1))
        if match is None or level is None:
            raise NotExpressible(f"its level filter ({c}) has no equivalent")
        return {"level": {match: level}}
    if kind == codes.AGE:
        unit = codes.AGE_LETTERS_BY_UNIT.get(str(c.get("time")))
        side = codes.AGE_SIDES_BY_COMPARISON.get(str(c.get("comparisonType")))
        if unit is None or side is None:
            raise NotExpressible(f"its age filter ({c}) has no equivalent")
        return {"age": {side: f"{c.get('value')}{unit}"}}
    if kind == codes.OCCURRENCES:
        return {"occurrences": {"at_least": c.get("value")}}
    if kind == codes.LATEST_RELEASE and value is True:
        return {"latest_release": True}
    if kind == codes.ISSUE_CATEGORY and c.get("include", True) is True:
        category = codes.CATEGORIES_BY_ID.get(c.get("value", -1))
        if category is None:
            raise NotExpressible(f"its issue category {c.get('value')} has no name in sentry-iac")
        return {"category": category}
    raise NotExpressible(f"its '{kind}' filter has no equivalent in sentry-iac")


def single_filter(workflow: Json) -> Json:
    """The one action filter sentry-iac writes per alert."""
    filters = workflow.get("actionFilters") or []
    if len(filters) != 1:
        raise NotExpressible(f"it has {len(filters)} action filters; sentry-iac writes one per "
                             "alert (warning and critical notify the same channels)")
    only: Json = filters[0]
    return only


def issue_fields(workflow: Json) -> dict[str, Any]:
    """``when``, ``filters`` and ``filter_match`` of an issue rule."""
    triggers = workflow.get("triggers") or {}
    when = []
    for condition in triggers.get("conditions") or []:
        trigger = codes.TRIGGERS_BY_TYPE.get(str(condition.get("type")))
        if trigger is None:
            raise NotExpressible(f"it triggers on '{condition.get('type')}', which sentry-iac "
                                 f"does not write (it writes "
                                 f"{', '.join(codes.TRIGGERS_BY_TYPE)})")
        when.append(trigger)
    group = single_filter(workflow)
    fields: dict[str, Any] = {}
    if when:
        fields["when"] = sorted(when, key=list(codes.TRIGGER_TYPES).index)
    filters = [issue_filter(c) for c in group.get("conditions") or []]
    match = codes.FILTER_MATCHES_BY_LOGIC.get(str(group.get("logicType")))
    if match is None:
        raise NotExpressible(f"its filters combine with '{group.get('logicType')}'; sentry-iac "
                             "writes all, any (any-short) or none")
    categories = [f for f in filters if "category" in f]
    if match == "all" and categories == [{"category": "error"}]:
        filters.remove({"category": "error"})  # what `issues: errors`, the default, adds
    elif not categories:
        fields["issues"] = "all"  # Sentry's alert passes issues of every category
    if filters:
        fields["filters"] = filters
    if match != "all":
        fields["filter_match"] = match
    return fields


def repeat_every(workflow: Json) -> str:
    """``config.frequency`` (minutes) as a duration."""
    minutes = (workflow.get("config") or {}).get("frequency")
    if not isinstance(minutes, int) or minutes <= 0:
        raise NotExpressible(f"it repeats actions every {minutes!r} minutes; sentry-iac's "
                             "repeat_every is 5m to 30d")
    return format_duration(minutes * 60)
