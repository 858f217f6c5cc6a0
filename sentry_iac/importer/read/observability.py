"""Cron monitors and dashboards, read through ``SentryClient`` (GET only), trimmed on arrival.

* Cron monitors: ``GET /organizations/{org}/monitors/?project=-1`` (every accessible project:
  without it Sentry lists only the projects the token's user is a member of,
  ``OrganizationEndpoint.get_filter_params`` in ``OrganizationMonitorIndexEndpoint.get``,
  src/sentry/monitors/endpoints/organization_monitor_index.py). That list is an offset page of
  a non-unique order (status, then last check-in), so the ``monitor_check_in_failure``
  detectors, read beside the other monitors, are the check: a monitor one of them names that the
  list did not show is read on its own (``GET .../monitors/{slug}/``).
* Dashboards: ``GET /organizations/{org}/dashboards/`` lists titles only
  (``DashboardListSerializer``); each is read with ``GET .../dashboards/{id}/``
  (``DashboardDetailsModelSerializer``, src/sentry/api/serializers/models/dashboard.py, which
  answers ``environment``, ``period`` and ``utc`` only when the dashboard has them, and
  ``start``/``end`` for a fixed range). Sentry's prebuilt dashboards ("General", with an id
  that is not a number) are Sentry's own and are not read.
"""

from __future__ import annotations

import contextlib
from typing import Any

from sentry_iac.importer.read.progress import Progress
from sentry_iac.importer.read.snapshot import Json, keep
from sentry_iac.importer.report import Report
from sentry_iac.providers.client import SentryClient
from sentry_iac.providers.errors import SentryNotFoundError
from sentry_iac.providers.paths import api_path
from sentry_iac.sentry.crons import CRON_DATA_SOURCE, CRON_DETECTOR

MONITOR_FIELDS = ("id", "name", "slug", "status", "isMuted", "config", "owner")
DASHBOARD_FIELDS = ("id", "title", "projects", "environment", "period", "filters", "start",
                    "end", "utc", "widgets")
WIDGET_FIELDS = ("title", "description", "displayType", "widgetType", "interval", "limit",
                 "layout", "queries", "thresholds")
QUERY_FIELDS = ("name", "fields", "aggregates", "columns", "fieldAliases", "conditions",
                "orderby")


def monitor(body: Json) -> Json:
    """A monitor with its project as ``{"id", "slug"}`` (Sentry answers the whole project)."""
    found = keep(body, MONITOR_FIELDS)
    found["project"] = keep(body.get("project"), ("id", "slug"))
    return found


def dashboard(body: Json) -> Json:
    found = keep(body, DASHBOARD_FIELDS)
    found["widgets"] = [{**keep(w, WIDGET_FIELDS),
                         "queries": [keep(q, QUERY_FIELDS) for q in w.get("queries") or []]}
                        for w in body.get("widgets") or [] if isinstance(w, dict)]
    return found


def monitor_slugs(detectors: list[Json]) -> dict[str, str]:
    """The monitor slug each cron detector names (its ``cron_monitor`` data source), by the
    detector's id."""
    slugs = {}
    for detector in detectors:
        if detector.get("type") != CRON_DETECTOR:
            continue
        for source in detector.get("dataSources") or []:
            query = source.get("queryObj") if isinstance(source, dict) else None
            if source.get("type") == CRON_DATA_SOURCE and isinstance(query, dict) \
                    and query.get("slug"):
                slugs[str(detector["id"])] = str(query["slug"])
    return slugs


def read_monitors(client: SentryClient, organization: str, detectors: list[Json],
                  progress: Progress) -> list[Json]:
    progress.step("reading cron monitors")
    path = api_path("organizations", organization, "monitors")
    found: dict[str, Json] = {}
    for item in client.paginate(path, {"project": "-1"}):
        found.setdefault(str(item.get("slug")), monitor(item))
        progress.advance()
    for slug in sorted(set(monitor_slugs(detectors).values()) - set(found)):
        try:
            found[slug] = monitor(client.get_object(
                api_path("organizations", organization, "monitors", slug)))
        except SentryNotFoundError:
            continue  # deleted since its detector was listed
        progress.advance()
    return sorted(found.values(), key=lambda m: str(m.get("slug")))


def is_prebuilt(item: dict[str, Any]) -> bool:
    return not str(item.get("id", "")).isdigit() or bool(item.get("prebuiltId"))


def read_dashboards(client: SentryClient, organization: str, progress: Progress,
                    report: Report) -> list[Json]:
    progress.step("reading dashboards")
    path = api_path("organizations", organization, "dashboards")
    listed = list(client.paginate(path))
    progress.step("reading dashboards", len(listed))
    dashboards = []
    for item in listed:
        if is_prebuilt(item):
            report.not_read(f"dashboard '{item.get('title')}'",
                            "one of Sentry's prebuilt dashboards; Sentry keeps it")
        else:
            with contextlib.suppress(SentryNotFoundError):  # deleted since it was listed
                dashboards.append(dashboard(client.get_object(
                    api_path("organizations", organization, "dashboards", str(item["id"])))))
        progress.advance()
    return dashboards
