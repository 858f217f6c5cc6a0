"""The backtest's part of the contract scenario: ``events-stats``, which Sentry's public schema
leaves out (it documents ``events-timeseries``), checked against a schema of what
``api/endpoints/organization_events_stats.py`` answers for one ``yAxis``
(``{"data": [[epoch, [{"count": value}]], ...], "start", "end"}``)."""

from __future__ import annotations

import pytest

from sentry_iac.providers import SentryClient, SentryValidationError, api_path
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.events_stats import seed_series
from tests.fake_sentry.routes import ORG

EVENTS_STATS = ORG + "events-stats/"
_POINT = {"type": "array", "minItems": 2, "maxItems": 2, "items": [
    {"type": "integer"},
    {"type": "array", "items": {"type": "object", "required": ["count"],
                                "properties": {"count": {"type": ["number", "null"]}}}}]}
EVENTS_STATS_RESPONSE = {
    "type": "object",
    "properties": {"data": {"type": "array", "items": _POINT},
                   "start": {"type": "integer"}, "end": {"type": "integer"}},
    "required": ["data", "start", "end"],
}


def run_backtest_scenario(fake: FakeSentry, client: SentryClient) -> None:
    """A seeded series comes back bucket by bucket, zero-filled; too many buckets are 400."""
    project = fake.org.projects["spms-backend"].id
    seed_series(fake.org, project, dataset="errors", y_axis="count()", query="",
                environment="production", values={1764547200: 12})
    path = api_path("organizations", fake.org.slug, "events-stats")
    params = {"project": project, "dataset": "errors", "yAxis": "count()", "query": "",
              "environment": "production", "interval": "1m",
              "start": "2025-12-01T00:00:00", "end": "2025-12-01T00:03:00"}
    body = client.get(path, params)
    assert body["data"] == [[1764547200, [{"count": 12}]], [1764547260, [{"count": 0}]],
                            [1764547320, [{"count": 0}]]]
    with pytest.raises(SentryValidationError, match="too many results"):
        client.get(path, {**params, "end": "2025-12-08T00:00:00"})
