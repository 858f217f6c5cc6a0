"""How often a metric rule would have fired: its monitor's series from Sentry's events-stats
API (``GET /organizations/{org}/events-stats/``, ``api/endpoints/organization_events_stats.py``)
replayed through the same detector state as the rule tests (``detector.py``).

The request asks for what the monitor measures: the data source's aggregate as ``yAxis``, its
``query`` and ``environment``, the project by numeric id, and buckets of the monitor's window
(``interval``). Sentry evaluates the window every minute; buckets of the window are
consecutive windows, so a short burst that straddles two buckets is seen at half height: the
backtest says how often the rule would have fired at least, not exactly. Requests are split
so none asks for more than ``MAX_POINTS`` buckets (Sentry refuses more than 10,000, and span
queries through the RPC more than 2,016: ``utils/dates.py`` ``validate_interval``,
``search/eap/constants.py`` ``MAX_ROLLUP_POINTS``).

Release-health (crash-free) monitors read the sessions API instead, and anomaly monitors ask
Seer: neither is backtested here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sentry_iac.ruletest.detector import DetectorState, Transition
from sentry_iac.sentry.alerts import HIGH, MEDIUM, RESOLVED
from sentry_iac.sentry.anomaly import DYNAMIC

# events-stats' `dataset` parameter for a monitor's dataset (api/utils.py DATASET_OPTIONS)
STATS_DATASETS = {"events": "errors", "events_analytics_platform": "spans"}
MAX_POINTS = 2000


class NotBacktestable(ValueError):
    """The monitor's series cannot be read from events-stats."""


def source_of(detector: dict[str, Any]) -> dict[str, Any]:
    if (detector.get("config") or {}).get("detectionType") == DYNAMIC:
        # Seer judges each window against its model of the last 28 days
        # (anomaly_detection_handler.py); replaying the series cannot say what it decides.
        raise NotBacktestable("it detects anomalies with Sentry's Seer, whose verdict on each "
                              "window a replay of the series cannot reproduce")
    source: dict[str, Any] = detector["dataSources"][0]
    if source["dataset"] not in STATS_DATASETS:
        raise NotBacktestable(f"the {source['dataset']} dataset (release health) is read from "
                              "the sessions API, which the backtest does not call")
    return source


def stats_requests(detector: dict[str, Any], project_id: str, start: datetime,
                   end: datetime) -> Iterator[dict[str, str]]:
    """The query parameters of each events-stats request covering ``start``..``end``, plus
    the comparison period of a percent-change monitor before ``start``."""
    source = source_of(detector)
    window = int(source["timeWindow"])
    delta = int((detector.get("config") or {}).get("comparisonDelta") or 0)
    begin = start - timedelta(seconds=delta)
    step = timedelta(seconds=window * MAX_POINTS)
    while begin < end:
        stop = min(begin + step, end)
        params = {"project": project_id, "dataset": STATS_DATASETS[source["dataset"]],
                  "yAxis": str(source["aggregate"]), "query": str(source.get("query") or ""),
                  "interval": f"{window // 60}m", "start": _iso(begin), "end": _iso(stop)}
        if source.get("environment"):
            params["environment"] = str(source["environment"])
        yield params
        begin = stop


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def parse_series(body: Any) -> list[tuple[int, float | None]]:
    """(epoch seconds, value) of an events-stats answer for one ``yAxis``:
    ``{"data": [[1700000000, [{"count": 3}]], ...]}``."""
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        raise ValueError("events-stats answered without a 'data' list")
    out: list[tuple[int, float | None]] = []
    for point in body["data"]:
        timestamp, values = point
        value = values[0].get("count") if values else None
        out.append((int(timestamp), None if value is None else float(value)))
    return out


@dataclass
class Backtest:
    """What the monitor would have done over the series."""

    buckets: int = 0
    transitions: list[Transition] = field(default_factory=list)
    minutes_at: dict[int, int] = field(default_factory=dict)

    @property
    def fired(self) -> int:
        """How often an issue would have opened."""
        return sum(1 for t in self.transitions if t.before == RESOLVED)

    def reached(self, level: int) -> int:
        """How often the monitor entered ``level`` (opened at it or escalated to it)."""
        return sum(1 for t in self.transitions if t.after == level)


def replay(detector: dict[str, Any], series: Sequence[tuple[int, float | None]]) -> Backtest:
    """The detector on each bucket in time order; a percent-change monitor compares each
    bucket with the one ``comparisonDelta`` earlier (skipped when that is 0 or missing)."""
    window = int(detector["dataSources"][0]["timeWindow"])
    config = detector.get("config") or {}
    by_time = dict(series)
    state = DetectorState(detector)
    result = Backtest()
    start = min(by_time, default=0) + int(config.get("comparisonDelta") or 0)
    for timestamp, value in sorted(series):
        if timestamp < start:
            continue
        if config.get("detectionType") == "percent" and value is not None:
            earlier = by_time.get(timestamp - int(config["comparisonDelta"]))
            value = value / earlier * 100 if earlier else None
        result.buckets += 1
        step = state.update(timestamp // 60, value)
        if step is not None:
            result.transitions.append(step)
        if state.priority != RESOLVED:
            result.minutes_at[state.priority] = result.minutes_at.get(state.priority, 0) + (
                window // 60)
    return result


def summary(result: Backtest, days: int) -> str:
    """``fired 3 times (2 reached high, 1 only medium); high for 45 min, medium for 10 min``."""
    if not result.buckets:
        return f"no data in the last {days} days"
    if not result.fired:
        return f"would not have fired in the last {days} days ({result.buckets} windows)"
    high, medium = result.reached(HIGH), result.reached(MEDIUM)
    times = "once" if result.fired == 1 else f"{result.fired} times"
    spent = ", ".join(f"{name} for {result.minutes_at[level]} min"
                      for level, name in ((HIGH, "high"), (MEDIUM, "medium"))
                      if result.minutes_at.get(level))
    first = datetime.fromtimestamp(result.transitions[0].minute * 60, UTC)
    return (f"would have fired {times} in the last {days} days (reached high {high}x, medium "
            f"{medium}x; {spent}; first at {first:%Y-%m-%d %H:%M} UTC)")
