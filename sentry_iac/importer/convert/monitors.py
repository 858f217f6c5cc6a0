"""A metric monitor (detector) -> the fields of a metric rule (the inverse of
``detector_payload``): a preset ``measure`` when one matches, else the expert ``query``."""

from __future__ import annotations

from typing import Any

from sentry_iac.config.durations import format_duration
from sentry_iac.config.metrics import PRESETS
from sentry_iac.importer.convert.numbers import threshold
from sentry_iac.importer.convert.problems import NotExpressible
from sentry_iac.importer.read.snapshot import Json
from sentry_iac.sentry import anomaly
from sentry_iac.sentry.alerts import (
    DIRECTIONS_BY_OPERATOR,
    HIGH,
    MEDIUM,
    RESOLVE_OPERATORS,
    RESOLVED,
)
from sentry_iac.sentry.metrics import (
    EVENT_TYPES,
    PERCENT,
    PERCENTILES,
    RETIRED_DATASETS,
    STATIC,
)


def snuba_query(detector: Json) -> Json:
    sources = detector.get("dataSources") or []
    if len(sources) != 1:
        raise NotExpressible(f"it has {len(sources)} data sources; a metric rule has one")
    source = sources[0]
    query = (source.get("queryObj") or {}).get("snubaQuery") if "queryObj" in source else source
    if not isinstance(query, dict):
        raise NotExpressible("its data source is not a metric query")
    return query


def _search_after(base: str, query: str) -> str | None:
    """What a rule's ``search:`` adds to a preset's query, or None when it is not an addition."""
    if not base:
        return query
    if query == base:
        return ""
    if query.startswith(base + " "):
        return query[len(base) + 1:]
    return None


def measure_fields(query: Json) -> dict[str, Any]:
    """``measure`` (+ ``percentile``, ``search``) when a preset says it, else ``query``."""
    dataset, aggregate = query.get("dataset"), query.get("aggregate")
    text = str(query.get("query") or "")
    event_types = list(query.get("eventTypes") or [])
    for name, preset in PRESETS.items():
        if preset.dataset != dataset or list(EVENT_TYPES[preset.dataset]) != event_types:
            continue
        for percentile in PERCENTILES if preset.percentile else (None,):
            search = _search_after(preset.query, text)
            if preset.aggregate_for(percentile) != aggregate or search is None:
                continue
            fields: dict[str, Any] = {"measure": name}
            if percentile is not None:
                fields["percentile"] = percentile
            if search:
                fields["search"] = search
            return fields
    if dataset in RETIRED_DATASETS:
        raise NotExpressible(f"it measures the retired '{dataset}' dataset; Sentry refuses new "
                             "transaction-based monitors and so does sentry-iac")
    expert: dict[str, Any] = {"dataset": dataset, "aggregate": aggregate}
    if text:
        expert["query"] = text
    if dataset in EVENT_TYPES and event_types != list(EVENT_TYPES[dataset]):
        expert["event_types"] = event_types
    return {"query": expert}


def _levels(detector: Json) -> tuple[Json, Json | None, Json]:
    conditions = (detector.get("conditionGroup") or {}).get("conditions") or []
    by_result: dict[int, list[Json]] = {}
    for condition in conditions:
        by_result.setdefault(int(condition.get("conditionResult", -1)), []).append(condition)
    high, medium, resolved = (by_result.get(k, []) for k in (HIGH, MEDIUM, RESOLVED))
    if len(high) != 1 or len(medium) > 1 or len(resolved) != 1 or len(conditions) != len(
            high) + len(medium) + len(resolved):
        raise NotExpressible("its levels are not one high (critical), at most one medium "
                             "(warning) and one resolution condition")
    return high[0], (medium[0] if medium else None), resolved[0]


def threshold_fields(detector: Json, unit: str, change: bool) -> dict[str, Any]:
    """``critical``, ``warning`` and ``resolve`` in the measure's unit; resolve is left out when
    it is the default (back on the good side of the lowest level)."""
    high, medium, resolved = _levels(detector)
    direction = DIRECTIONS_BY_OPERATOR.get(str(high.get("type")))
    if direction is None or (medium and medium.get("type") != high.get("type")):
        raise NotExpressible(f"its levels compare with '{high.get('type')}'; sentry-iac writes "
                             "'above' (gt) and 'below' (lt)")
    if resolved.get("type") != RESOLVE_OPERATORS[direction]:
        raise NotExpressible(f"it resolves with '{resolved.get('type')}' while alerting "
                             f"{direction}; sentry-iac resolves with "
                             f"'{RESOLVE_OPERATORS[direction]}'")

    def text(condition: Json, side: str) -> str:
        value = float(condition["comparison"])
        if change:  # current / previous x 100: "above 50%" is sent as 150, and every level
            # is the change in the rule's own direction (resources.payloads.monitors)
            value = value - 100 if direction == "above" else 100 - value
            return threshold(side, value, "%")
        return threshold(side, value * 100 if unit == "ratio" else value, unit)

    fields = {"critical": text(high, direction)}
    if medium is not None:
        fields["warning"] = text(medium, direction)
    other = "below" if direction == "above" else "above"
    resolve = text(resolved, other)
    # Left out, a rule resolves on the other side of its lowest level's value, as written
    # (detector_payload); for a change that is not the same comparison, so it is written then.
    lowest = fields.get("warning", fields["critical"])
    if resolve != other + lowest[len(direction):]:
        fields["resolve"] = resolve
    return fields


def anomaly_fields(detector: Json) -> dict[str, Any]:
    """``anomaly: {sensitivity, direction[, seasonality]}`` of a dynamic monitor (the inverse
    of ``anomaly_detector_payload``): one ``anomaly_detection`` condition at high priority."""
    conditions = (detector.get("conditionGroup") or {}).get("conditions") or []
    if len(conditions) != 1 or conditions[0].get("type") != anomaly.ANOMALY_DETECTION:
        raise NotExpressible("its anomaly detection is not one anomaly_detection condition")
    condition = conditions[0]
    if int(condition.get("conditionResult", -1)) != HIGH:
        raise NotExpressible("its anomaly condition opens issues at another priority than high")
    comparison = condition.get("comparison") or {}
    threshold_type = comparison.get("thresholdType", comparison.get("threshold_type"))
    sensitivity = anomaly.SENSITIVITIES_BY_CODE.get(str(comparison.get("sensitivity")))
    direction = (anomaly.DIRECTIONS_BY_CODE.get(int(threshold_type))
                 if isinstance(threshold_type, int | float) else None)
    seasonality = anomaly.SEASONALITIES_BY_CODE.get(str(comparison.get("seasonality")))
    if sensitivity is None or direction is None:
        raise NotExpressible(f"its anomaly comparison {comparison} has no sensitivity or "
                             "direction sentry-iac knows")
    if seasonality is None:
        raise NotExpressible(f"its seasonality '{comparison.get('seasonality')}' is not one "
                             f"Seer takes ({', '.join(anomaly.SEASONALITIES)})")
    fields: dict[str, Any] = {"sensitivity": sensitivity, "direction": direction}
    if seasonality != "auto":
        fields["seasonality"] = seasonality
    return fields


def metric_fields(detector: Json) -> dict[str, Any]:
    """The rule fields one monitor says; ``NotExpressible`` when the vocabulary cannot."""
    query = snuba_query(detector)
    fields = measure_fields(query)
    config = detector.get("config") or {}
    detection = config.get("detectionType", STATIC)
    if detection == PERCENT:
        fields["change"] = {"compared_to": format_duration(int(config["comparisonDelta"]))}
    elif detection == anomaly.DYNAMIC:
        fields["anomaly"] = anomaly_fields(detector)
    elif detection != STATIC:
        raise NotExpressible(f"it uses '{detection}' detection; sentry-iac writes static "
                             "thresholds, percent changes and anomaly detection")
    measure = PRESETS.get(str(fields.get("measure")))
    unit = measure.unit if measure is not None else "count"
    fields["window"] = format_duration(int(query.get("timeWindow") or 0))
    if "anomaly" not in fields:
        fields.update(threshold_fields(detector, unit, "change" in fields))
    if detector.get("description"):
        fields["description"] = detector["description"]
    return fields
