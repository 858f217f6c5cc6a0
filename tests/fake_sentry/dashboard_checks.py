"""Dashboard payload checks with Sentry's texts (``DashboardDetailsSerializer``,
``DashboardWidgetSerializer`` and ``DashboardWidgetQuerySerializer`` in
``src/sentry/api/serializers/rest_framework/dashboard.py``).

- ``DashboardWidgetSerializer``: ``title`` ``CharField(allow_blank=True, max_length=255)``,
  ``display_type`` / ``widget_type`` ``ChoiceField``s (``models/dashboard_widget.py``
  ``DashboardWidgetDisplayTypes`` / ``DashboardWidgetTypes``), ``interval`` checked by
  ``validate_interval`` (``utils/dates.py`` ``parse_stats_period``: "Invalid interval"),
  ``limit`` ``IntegerField(1..10, allow_null)``, ``layout`` ``LayoutField``; ``validate``:
  "One or more queries are required to create a widget", "Title is required during creation.",
  "displayType is required during creation.".
- ``LayoutField.to_internal_value``: "Missing required keys: …" (camelCased, sorted); a key
  that is null is skipped; any other value must pass ``isinstance(value, int)`` ("Expected
  number for: <key>"): unlike DRF's ``IntegerField`` it refuses ``0.0`` (and, being
  ``isinstance``, it takes ``True``).
- ``DashboardWidgetQuerySerializer``: list fields of ``CharField``s; ``validate``: "fields are
  required during creation." / "conditions are required during creation." together.
- ``DashboardDetailsSerializer``: ``title`` (required on create, max 255), ``widgets``
  ("Number of widgets must be less than <n>"), ``projects`` ``ListField(child=IntegerField())``
  and ``validate_projects`` / ``validate_project_ids`` (403 for projects the caller cannot see).
  source not found for ``MAX_WIDGETS`` (30): from SENTRY_API.md.
"""

from __future__ import annotations

import re
from typing import Any

from tests.fake_sentry.groups import choice_error, dict_error, list_error
from tests.fake_sentry.replies import NO_PERMISSION, HttpError
from tests.fake_sentry.state import FakeDashboard, FakeOrganization
from tests.fake_sentry.validation import REQUIRED, Invalid, drf_int, integer, string

MAX_WIDGETS = 30
DISPLAY_TYPES = ("line", "area", "bar", "table", "big_number", "details", "categorical_bar",
                 "wheel", "rage_and_dead_clicks", "server_tree", "text", "agents_traces_table",
                 "heatmap")
WIDGET_TYPES = ("discover", "issue", "metrics", "error-events", "transaction-like", "spans",
                "logs", "tracemetrics", "preprod-app-size")
LAYOUT_KEYS = ("x", "y", "w", "h", "min_h")
_PERIOD = re.compile(r"^\d+[smhdw]$")
_QUERY_LISTS = ("fields", "aggregates", "columns", "field_aliases")


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part.title() for part in rest)


def _layout(layout: Any) -> tuple[Any, list[str]]:
    if layout is None:
        return None, []
    if not isinstance(layout, dict):
        return None, [dict_error(layout)]
    missing = sorted(_camel(k) for k in LAYOUT_KEYS if k not in layout)
    if missing:
        return None, [f"Missing required keys: {', '.join(missing)}"]
    # LayoutField.to_internal_value checks isinstance(value, int) itself: unlike DRF's
    # IntegerField it refuses 0.0; null keys are skipped (not stored).
    for key in LAYOUT_KEYS:
        if layout[key] is not None and not isinstance(layout[key], int):
            return None, [f"Expected number for: {key}"]
    return {_camel(k): layout[k] for k in LAYOUT_KEYS if layout[k] is not None}, []


def _query(query: Any, org: FakeOrganization) -> tuple[dict[str, Any], dict[str, Any]]:
    if not isinstance(query, dict):
        return {}, {"non_field_errors": [dict_error(query)]}
    if "fields" not in query or "conditions" not in query:
        return {}, {"fields": "fields are required during creation.",
                    "conditions": "conditions are required during creation."}
    errors: dict[str, Any] = {}
    clean: dict[str, Any] = {"id": org.next_id(), "name": query.get("name") or ""}
    for key in _QUERY_LISTS:
        value = query.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            errors[key] = [list_error(value)]
        clean[key] = value
    for key in ("conditions", "orderby"):
        value, problems = string()(query.get(key, ""))
        errors.update({key: problems} if problems else {})
        clean[key] = value
    return clean, errors


def _widget(widget: Any, org: FakeOrganization) -> tuple[dict[str, Any], dict[str, Any]]:
    """A new widget (we never send ids, so every widget is created anew)."""
    if not isinstance(widget, dict):
        return {}, {"non_field_errors": [dict_error(widget)]}
    if widget.get("id"):
        raise Invalid({"widgets": ["You cannot update widgets that are not part of this "
                                   "dashboard."]})
    errors: dict[str, Any] = {}
    clean: dict[str, Any] = {"id": org.next_id()}
    title, problems = string(255)(widget.get("title", ""))
    errors.update({"title": problems} if problems else {})
    clean["title"] = title
    for key, choices in (("display_type", DISPLAY_TYPES), ("widget_type", WIDGET_TYPES)):
        value = widget.get(key)
        if value is not None and value not in choices:
            errors[key] = [choice_error(value)]
        clean[key] = value
    interval = widget.get("interval", "5m")
    if not isinstance(interval, str) or not _PERIOD.match(interval):
        errors["interval"] = ["Invalid interval"]
    clean["interval"] = interval
    limit, problems = integer(1, 10, nullable=True)(widget.get("limit"))
    errors.update({"limit": problems} if problems else {})
    clean["limit"] = limit
    layout, problems = _layout(widget.get("layout"))
    errors.update({"layout": problems} if problems else {})
    clean["layout"] = layout
    queries = widget.get("queries") or []
    checked = [_query(q, org) for q in queries] if isinstance(queries, list) else []
    if any(problems for _, problems in checked):
        errors["queries"] = [problems for _, problems in checked]
    clean["queries"] = [q for q, _ in checked]
    if not errors:
        if not queries:
            errors["queries"] = "One or more queries are required to create a widget"
        elif not title and clean["widget_type"] != "metrics":
            errors["title"] = "Title is required during creation."
        elif clean["display_type"] is None:
            errors["displayType"] = "displayType is required during creation."
    return clean, errors


def clean_dashboard(
    org: FakeOrganization, body: dict[str, Any], current: FakeDashboard | None
) -> dict[str, Any]:
    """Validated fields (snake_case) of a create (``current`` None) or an update."""
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    if current is None and "title" not in body:
        errors["title"] = [REQUIRED]
    if "title" in body:
        title, problems = string(255)(body["title"])
        errors.update({"title": problems} if problems else {})
        values["title"] = title
    if "widgets" in body:
        widgets = body["widgets"]
        if not isinstance(widgets, list):
            errors["widgets"] = [list_error(widgets)]
        else:
            checked = [_widget(w, org) for w in widgets]
            if any(problems for _, problems in checked):
                errors["widgets"] = [problems for _, problems in checked]
            values["widgets"] = [w for w, _ in checked]
            if len(widgets) > MAX_WIDGETS:
                errors["non_field_errors"] = [
                    f"Number of widgets must be less than {MAX_WIDGETS}"]
    if "projects" in body:
        # DashboardDetailsSerializer.projects: ListField(child=IntegerField()).
        raw = body["projects"]
        projects = [drf_int(p) for p in raw] if isinstance(raw, list) else None
        if projects is None or None in projects:
            errors["projects"] = ["A valid integer is required."]
        else:
            known = {int(p.id) for p in org.projects.values()}
            if set(projects) - known - {-1}:
                raise HttpError(403, NO_PERMISSION)  # Sentry's validate_project_ids
            values["projects"] = projects
    for key in ("environment", "period"):
        if key in body:
            values.setdefault("filters", {})[key] = body[key]
    if errors:
        raise Invalid(errors)
    return values
