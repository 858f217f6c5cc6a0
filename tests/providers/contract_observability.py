"""The cron monitor and dashboard part of the contract scenario: every endpoint, with successes
and typical rejections. Every call is checked against Sentry's schemas by ``test_contract``.

Request bodies use the casing the schemas document: the monitor config and dashboard widgets
in snake_case (``checkin_margin``, ``display_type``, ``min_h``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sentry_iac.providers import SentryApiError, SentryClient, api_path
from tests.fake_sentry import FakeSentry

# Sentry's OpenAPI schema describes a monitor's ``environments`` as one object and ``owner`` as
# never null, but Sentry's MonitorSerializer answers a list (one entry per environment that has
# checked in) and null for a monitor without an owner. Checked against these corrections.
MONITOR_ERRATA = {
    "environments": {"type": "array", "items": {"type": "object"}},
    "owner": {"anyOf": [{"type": "object"}, {"type": "null"}]},
}
# Likewise an interval schedule is answered as [count, unit name] (MonitorConfigSerializer-
# Response: tuple[int, IntervalNames]), where the schema says two integers.
SCHEDULE_ERRATUM = {"anyOf": [
    {"type": "string"},
    {"type": "array", "items": [{"type": "integer"}, {"type": "string"}], "minItems": 2,
     "maxItems": 2},
]}


def _monitor(project: str, slug: str, team_id: str) -> dict[str, Any]:
    return {"project": project, "name": "Nightly import", "slug": slug, "status": "active",
            "owner": f"team:{team_id}",
            "config": {"schedule_type": "crontab", "schedule": "0 2 * * *",
                       "timezone": "Australia/Perth", "checkin_margin": 15, "max_runtime": 120,
                       "failure_issue_threshold": 1, "recovery_threshold": 1}}


def _widget(title: str, display: str, kind: str, fields: list[str], conditions: str,
            y: int) -> dict[str, Any]:
    aggregates = [] if kind == "issue" else fields
    return {"title": title, "display_type": display, "widget_type": kind, "interval": "1h",
            "limit": 10 if kind == "issue" else None,
            "layout": {"x": 0, "y": y, "w": 3, "h": 2, "min_h": 2},
            "queries": [{"name": "", "fields": fields, "aggregates": aggregates,
                         "columns": [f for f in fields if f not in aggregates],
                         "field_aliases": [], "conditions": conditions,
                         "orderby": "freq" if kind == "issue" else ""}]}


def _dashboard(title: str, project_id: int) -> dict[str, Any]:
    return {"title": title, "projects": [project_id], "environment": ["production"],
            "period": "7d", "filters": {},
            "widgets": [_widget("Errors", "big_number", "error-events", ["count()"], "", 0),
                        _widget("p95", "line", "spans", ["p95(span.duration)"],
                                "is_transaction:true", 1),
                        _widget("Top issues", "table", "issue", ["issue", "title"],
                                "is:unresolved", 3)]}


def run_observability_scenario(fake: FakeSentry, client: SentryClient) -> None:
    org = fake.org
    team = next(iter(org.teams.values()))
    project = next(iter(org.projects.values()))
    monitors = api_path("organizations", "dbca", "monitors")
    client.post(monitors, _monitor(project.slug, "nightly-import", team.id))
    client.post(monitors, {**_monitor(project.slug, "hourly-sync", team.id),
                           "config": {"schedule_type": "interval", "schedule": [1, "hour"]}})
    list(client.paginate(monitors, {"project": project.slug}))
    item = api_path("organizations", "dbca", "monitors", "nightly-import")
    client.get(item)
    client.put(item, {**_monitor(project.slug, "nightly-import", team.id), "name": "Import"})
    detectors = api_path("organizations", "dbca", "detectors")
    list(client.paginate(detectors, {"project": project.slug,
                                     "query": "type:monitor_check_in_failure"}))
    client.delete(api_path("organizations", "dbca", "monitors", "hourly-sync"))

    dashboards = api_path("organizations", "dbca", "dashboards")
    created = client.post(dashboards, _dashboard("Weekly report", int(project.id)))
    list(client.paginate(dashboards))
    one = api_path("organizations", "dbca", "dashboards", created["id"])
    client.get(one)
    client.put(one, _dashboard("Weekly report [production]", int(project.id)))
    spare = client.post(dashboards, {"title": "Spare"})
    client.delete(api_path("organizations", "dbca", "dashboards", spare["id"]))

    bad_widget = _widget("x", "pie", "error-events", ["count()"], "", 0)
    rejected: list[Callable[[], object]] = [
        lambda: client.post(monitors, {**_monitor(project.slug, "bad", team.id),
                                       "config": {"schedule_type": "crontab",
                                                  "schedule": "0 2 * * * *"}}),
        lambda: client.post(monitors, _monitor(project.slug, "nightly-import", team.id)),
        lambda: client.put(item, {"config": {"checkin_margin": 40321}}),
        lambda: client.get(api_path("organizations", "dbca", "monitors", "missing")),
        lambda: client.post(dashboards, {"title": "Bad", "widgets": [bad_widget]}),
        lambda: client.put(one, {"widgets": [{**bad_widget, "display_type": "line",
                                              "interval": "weekly"}]}),
        lambda: client.get(api_path("organizations", "dbca", "dashboards", "999999")),
    ]
    for call in rejected:
        with pytest.raises(SentryApiError):
            call()
