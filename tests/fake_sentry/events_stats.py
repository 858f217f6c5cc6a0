"""``GET /organizations/{org}/events-stats/``: a time series of one aggregate, answered from
series a test seeds (``seed_series``), with Sentry's rules for the request and the answer
(getsentry/sentry ``src/sentry/``):

* ``api/endpoints/organization_events_stats.py`` ``OrganizationEventsStatsEndpoint.get``:
  ``yAxis`` (default ``count()``), ``query``, ``environment``, ``dataset`` (one of
  ``DATASET_OPTIONS``, ``api/utils.py``: 400 otherwise), the projects as in every
  organisation endpoint (``listing.project_ids``).
* ``utils/dates.py`` ``get_rollup_from_request`` / ``validate_interval``: ``interval`` (default
  1h) must leave at most 10,000 buckets in the range (2,016 through the spans RPC,
  ``search/eap/constants.py`` ``MAX_ROLLUP_POINTS``), else 400 "Your interval and date range
  would create too many results. Use a larger interval, or a smaller date range."; the range
  is ``start``/``end`` or ``statsPeriod``.
* ``snuba/discover.py`` ``zerofill``: one point per bucket from the start of the range, 0
  where nothing was stored; each point ``[epoch seconds, [{"count": value}]]``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from tests.fake_sentry.listing import project_ids
from tests.fake_sentry.replies import HttpError, Reply

if TYPE_CHECKING:
    from tests.fake_sentry.routes import Call
    from tests.fake_sentry.state import FakeOrganization

DATASET_OPTIONS = ("discover", "errors", "issuePlatform", "metrics", "metricsEnhanced",
                   "profileFunctions", "spans", "transactions", "ourlogs")
MAX_POINTS = {"spans": 2016}
DEFAULT_MAX_POINTS = 10000
TOO_MANY = ("Your interval and date range would create too many results. Use a larger "
            "interval, or a smaller date range.")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
SeriesKey = tuple[str, str, str, str, str | None]  # project id, dataset, yAxis, query, env


def seed_series(org: FakeOrganization, project_id: str, *, dataset: str, y_axis: str,
                query: str, environment: str | None, values: dict[int, float]) -> None:
    """Stored values by bucket start (epoch seconds) for one aggregate of one project."""
    org.stats_series[(project_id, dataset, y_axis, query, environment)] = dict(values)


def _seconds(text: str, name: str) -> int:
    found = re.fullmatch(r"(\d+)([smhdw])", text)
    if found is None or int(found.group(1)) == 0:
        raise HttpError(400, {"detail": f"Invalid {name}"})
    return int(found.group(1)) * _UNITS[found.group(2)]


def _moment(text: str) -> int:
    try:
        return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())
    except ValueError:
        raise HttpError(400, {"detail": f"{text} is not a valid ISO8601 date query"}) from None


def _one(call: Call, name: str, default: str | None = None) -> str | None:
    values = call.query.get(name)
    return values[0] if values else default


def get_events_stats(call: Call) -> Reply:
    dataset = _one(call, "dataset", "discover") or "discover"
    if dataset not in DATASET_OPTIONS:
        raise HttpError(400, {"detail": f"dataset must be one of: {', '.join(DATASET_OPTIONS)}"})
    projects = sorted(project_ids(call.org, call.query, "project")
                      or {p.id for p in call.org.projects.values()})
    interval = _seconds(_one(call, "interval", "1h") or "1h", "interval")
    start_text, end_text = _one(call, "start"), _one(call, "end")
    if start_text and end_text:
        start, end = _moment(start_text), _moment(end_text)
    else:
        end = int(datetime.now(UTC).timestamp())
        start = end - _seconds(_one(call, "statsPeriod", "14d") or "14d", "statsPeriod")
    if (end - start) / interval > MAX_POINTS.get(dataset, DEFAULT_MAX_POINTS):
        raise HttpError(400, {"detail": TOO_MANY})
    key: tuple[str, str, str | None] = (_one(call, "yAxis", "count()") or "count()",
                                        _one(call, "query", "") or "", _one(call, "environment"))
    stored = [call.org.stats_series.get((p, dataset, *key), {}) for p in projects]
    first = start - start % interval
    data = [[t, [{"count": sum(s.get(t, 0) for s in stored)}]]
            for t in range(first, end, interval)]
    return Reply(200, {"data": data, "start": first, "end": end, "isMetricsData": False})
