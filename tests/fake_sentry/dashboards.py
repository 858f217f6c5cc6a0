"""Dashboard endpoints (``/organizations/{org}/dashboards/``).

Titles are unique in an organisation: a POST with a taken title answers 409 with Sentry's bare
text "Dashboard title already taken", a PUT 409 with a ``detail`` (``src/sentry/dashboards/
endpoints/organization_dashboards.py`` ``post`` and ``organization_dashboard_details.py`` ``put``
catch the ``IntegrityError``; source not found for the PUT text, kept from SENTRY_API.md).
The list starts with Sentry's prebuilt "General" dashboard, as Sentry's does. A PUT's
``widgets`` replace the dashboard's widgets (those sent without an id are created anew).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_sentry.casing import camel_errors, snake_keys
from tests.fake_sentry.dashboard_checks import clean_dashboard
from tests.fake_sentry.lookup import by_numeric_id, object_body, org_of
from tests.fake_sentry.pagination import paginated
from tests.fake_sentry.replies import HttpError, Reply
from tests.fake_sentry.state import DATE_CREATED, FakeDashboard, FakeOrganization

if TYPE_CHECKING:
    from tests.fake_sentry.routes import Call

PREBUILT = {"id": "default-overview", "title": "General"}
# The user the token belongs to, as Sentry shows a dashboard's creator.
CREATOR = {"id": "1", "name": "IaC", "username": "iac", "email": "iac@example.org",
           "avatarUrl": "https://example.org/avatar", "isActive": True, "isSuspended": False,
           "hasPasswordAuth": False, "isManaged": False, "dateJoined": DATE_CREATED,
           "lastLogin": None, "has2fa": True, "lastActive": None, "isSuperuser": False,
           "isStaff": False, "experiments": {},
           "emails": [{"id": "1", "email": "iac@example.org", "is_verified": True}]}


def _query_body(widget_id: str, query: dict[str, Any]) -> dict[str, Any]:
    return {"id": query["id"], "name": query["name"], "fields": query["fields"],
            "aggregates": query["aggregates"], "columns": query["columns"],
            "fieldAliases": query["field_aliases"], "conditions": query["conditions"],
            "orderby": query["orderby"], "widgetId": widget_id, "onDemand": [],
            "isHidden": False, "selectedAggregate": None, "linkedDashboards": []}


def _widget_body(dashboard: FakeDashboard, widget: dict[str, Any]) -> dict[str, Any]:
    return {"id": widget["id"], "title": widget["title"], "description": None,
            "displayType": widget["display_type"], "thresholds": None,
            "interval": widget["interval"], "dateCreated": DATE_CREATED,
            "dashboardId": dashboard.id, "limit": widget["limit"],
            "widgetType": widget["widget_type"], "layout": widget["layout"],
            "queries": [_query_body(widget["id"], q) for q in widget["queries"]],
            "axisRange": None, "legendType": None, "datasetSource": "user",
            "exploreUrls": None, "changedReason": None}


def dashboard_body(dashboard: FakeDashboard) -> dict[str, Any]:
    """``DashboardDetailsModelSerializer.serialize`` (src/sentry/api/serializers/models/
    dashboard.py): ``environment``, ``period`` and ``utc`` only when the dashboard has them,
    ``filters`` holding its release filters, ``start``/``end`` for a fixed range."""
    body: dict[str, Any] = {
        "id": dashboard.id, "title": dashboard.title, "dateCreated": DATE_CREATED,
        "createdBy": CREATOR, "widgets": [_widget_body(dashboard, w) for w in dashboard.widgets],
        "projects": dashboard.projects,
        "filters": {key: dashboard.filters[key] for key in ("release", "releaseId")
                    if dashboard.filters.get(key)},
        "permissions": None, "isFavorited": False, "prebuiltId": None}
    for key in ("environment", "period", "utc"):
        if dashboard.filters.get(key) is not None:
            body[key] = dashboard.filters[key]
    if dashboard.filters.get("start") and dashboard.filters.get("end"):
        body.update(expired=False, start=dashboard.filters["start"],
                    end=dashboard.filters["end"])
    return body


def _list_item(org: FakeOrganization, dashboard: FakeDashboard | None) -> dict[str, Any]:
    common = {"dateCreated": DATE_CREATED, "createdBy": CREATOR, "filters": {},
              "lastVisited": None, "permissions": None, "isFavorited": False}
    if dashboard is None:
        return {**PREBUILT, **common, "environment": [], "widgetDisplay": [],
                "widgetPreview": [], "projects": [], "prebuiltId": None}
    return {"id": dashboard.id, "title": dashboard.title, **common,
            "environment": dashboard.filters.get("environment") or [],
            "widgetDisplay": [w["display_type"] for w in dashboard.widgets],
            "widgetPreview": [{"displayType": w["display_type"]} for w in dashboard.widgets],
            "projects": dashboard.projects, "prebuiltId": None}


def _title_taken(org: FakeOrganization, title: str | None, keep: str | None) -> bool:
    return any(d.title == title and d.id != keep for d in org.dashboards.values())


def create_dashboard(call: Call) -> Reply:
    org = org_of(call)
    with camel_errors():
        values = clean_dashboard(org, snake_keys(object_body(call)), None)
    if _title_taken(org, values["title"], None):
        raise HttpError(409, "Dashboard title already taken")
    dashboard = FakeDashboard(id=org.next_id(), **values)
    org.dashboards[dashboard.id] = dashboard
    return Reply(201, dashboard_body(dashboard))


def list_dashboards(call: Call) -> Reply:
    org = org_of(call)
    items = [_list_item(org, None)] + [_list_item(org, d) for d in org.dashboards.values()]
    return paginated(items, call.query, call.page_size, call.url)


def _dashboard(call: Call) -> FakeDashboard:
    return by_numeric_id(org_of(call).dashboards, call.params["dashboard_id"])


def get_dashboard(call: Call) -> Reply:
    return Reply(200, dashboard_body(_dashboard(call)))


def put_dashboard(call: Call) -> Reply:
    dashboard = _dashboard(call)
    org = call.org
    with camel_errors():
        values = clean_dashboard(org, snake_keys(object_body(call)), dashboard)
    if _title_taken(org, values.get("title"), dashboard.id):
        raise HttpError(409, {"detail": "Dashboard with that title already exists."})
    filters = values.pop("filters", {})
    for name, value in values.items():
        setattr(dashboard, name, value)
    dashboard.filters.update(filters)
    return Reply(200, dashboard_body(dashboard))


def delete_dashboard(call: Call) -> Reply:
    dashboard = _dashboard(call)
    del call.org.dashboards[dashboard.id]
    return Reply(204)
