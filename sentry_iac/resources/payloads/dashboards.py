"""Dashboards -> the body of Sentry's ``POST /organizations/{org}/dashboards/``. Pure functions.

A ``measure`` widget reuses the alert rules' metric presets (``config.metrics``): the same
dataset, aggregate and search query, shown as a chart. The dataset picks Sentry's widget type
(errors -> ``error-events``, spans -> ``spans``, release health -> ``metrics``); release
health is charted with Sentry's session functions rather than the alert-only crash-rate
aggregate. Widgets are laid out in order on Sentry's six-column grid.
"""

from __future__ import annotations

from typing import Any

from sentry_iac.config.dashboards import Dashboard, Widget
from sentry_iac.config.durations import parse_duration
from sentry_iac.config.loader import Spec
from sentry_iac.config.metrics import PRESETS
from sentry_iac.config.stack_views import StackDashboard

WIDGET_TYPES = {"events": "error-events", "events_analytics_platform": "spans",
                "metrics": "metrics"}
# Release health on dashboards: Sentry's session functions (in percent, like the alerts).
DASHBOARD_AGGREGATES = {"crash-free-sessions": "crash_free_rate(session)",
                        "crash-free-users": "crash_free_rate(user)"}
ISSUE_SORT = {"frequency": "freq", "users": "user", "new": "new", "recent": "date"}
ISSUE_FIELDS = ["issue", "assignee", "title", "events", "users"]
GRID_COLUMNS = 6
# (width, height) in grid cells: numbers in a row of three, charts and lists two a row.
SIZES = {"big_number": (2, 1), "chart": (3, 2), "issues": (3, 3)}


def chart_interval(period: str) -> str:
    """One point per 5 minutes over a day, per hour over a week, per day beyond."""
    seconds = parse_duration(period)
    return "5m" if seconds <= 86400 else "1h" if seconds <= 7 * 86400 else "1d"


def _query(fields: list[str], aggregates: list[str], conditions: str,
           orderby: str = "") -> dict[str, Any]:
    columns = [f for f in fields if f not in aggregates]
    return {"name": "", "fields": fields, "aggregates": aggregates, "columns": columns,
            "field_aliases": [], "conditions": conditions, "orderby": orderby}


def widget_body(widget: Widget, interval: str) -> dict[str, Any]:
    """A widget without its layout."""
    if widget.issues is not None:
        issues = widget.issues
        return {"title": widget.title, "display_type": "table", "widget_type": "issue",
                "interval": interval, "limit": issues.limit,
                "queries": [_query(ISSUE_FIELDS, [], issues.query, ISSUE_SORT[issues.sort])]}
    name = widget.measure or ""
    preset = PRESETS[name]
    if name in DASHBOARD_AGGREGATES:
        aggregates = [DASHBOARD_AGGREGATES[name]]
    else:
        aggregates = [preset.aggregate_for(p) for p in widget.percentiles or (None,)]
    conditions = " ".join(part for part in (preset.query, widget.search or "") if part)
    return {"title": widget.title, "display_type": widget.display or "line",
            "widget_type": WIDGET_TYPES[preset.dataset], "interval": interval, "limit": None,
            "queries": [_query(aggregates, aggregates, conditions)]}


def _size(widget: Widget) -> tuple[int, int]:
    if widget.issues is not None:
        return SIZES["issues"]
    return SIZES["big_number" if widget.display == "big_number" else "chart"]


def layouts(widgets: tuple[Widget, ...]) -> list[dict[str, int]]:
    """Each widget's place, filling rows left to right."""
    out, x, y, row_height = [], 0, 0, 0
    for widget in widgets:
        w, h = _size(widget)
        if x + w > GRID_COLUMNS:
            x, y, row_height = 0, y + row_height, 0
        out.append({"x": x, "y": y, "w": w, "h": h, "min_h": h})
        x, row_height = x + w, max(row_height, h)
    return out


def dashboard_payload(item: StackDashboard) -> dict[str, Any]:
    """The dashboard filtered to this stack's environment, without its widgets; the provider
    adds them and the project's id."""
    return {"title": item.title, "environment": [item.environment],
            "period": item.dashboard.period, "filters": {}}


def widget_payloads(dashboard: Dashboard) -> list[dict[str, Any]]:
    """Every widget, in order, with its place on the grid."""
    interval = chart_interval(dashboard.period)
    return [{**widget_body(widget, interval), "layout": layout}
            for widget, layout in zip(dashboard.widgets, layouts(dashboard.widgets),
                                      strict=True)]


def dashboard_sources(spec: Spec, index: int, dashboard: Dashboard) -> dict[str, str]:
    """Sentry's field names -> where they are declared, for its 400 answers."""
    base = ("dashboards", index)
    sources = {"title": spec.where((*base, "title")), "period": spec.where((*base, "period")),
               "widgets": spec.where((*base, "widgets"))}
    for n in range(len(dashboard.widgets)):
        sources[f"widgets.{n}"] = spec.where((*base, "widgets", n))
    return sources
