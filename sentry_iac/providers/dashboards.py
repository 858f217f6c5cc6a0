"""A dynamic provider for dashboards (``/organizations/{org}/dashboards/``).

It follows the alerting providers' contract (``alerting._ObjectProvider``). Sentry keeps
dashboard titles unique in an organisation, and ours carry the project and environment, so a
create whose answer was lost is found by its title. An update sends every widget without an
id: Sentry then replaces the dashboard's widgets with exactly those. The project filter is
sent as Sentry's numeric project id, looked up at deploy time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pulumi.dynamic as dyn

from sentry_iac.providers.alerting import _ObjectProvider
from sentry_iac.providers.paths import api_path
from sentry_iac.providers.resolve import ResolveError
from sentry_iac.providers.wire import WHOLE, WireTypes

if TYPE_CHECKING:  # the HTTP client is loaded where a provider runs, not where it is declared
    from sentry_iac.providers.client import SentryClient

MAX_WIDGETS = 30
# Every number of a dashboard is an integer: a widget's layout (LayoutField takes only ints,
# api/serializers/rest_framework/dashboard.py) and its limit; the project ids are looked up.
DASHBOARD_WIRE = WireTypes(numbers={"widgets.**": WHOLE})
_QUERY_KEYS = (("name", "name"), ("fields", "fields"), ("aggregates", "aggregates"),
               ("columns", "columns"), ("fieldAliases", "field_aliases"),
               ("conditions", "conditions"), ("orderby", "orderby"))
_WIDGET_KEYS = (("title", "title"), ("displayType", "display_type"),
                ("widgetType", "widget_type"), ("interval", "interval"), ("limit", "limit"))


def _get(item: dict[str, Any], camel: str, snake: str) -> Any:
    """Requests are snake_case (as Sentry's schema spells them), answers camelCase."""
    return item.get(camel, item.get(snake))


def _layout(layout: Any) -> dict[str, Any] | None:
    if not isinstance(layout, dict):
        return None
    return {"x": layout.get("x"), "y": layout.get("y"), "w": layout.get("w"),
            "h": layout.get("h"), "minH": _get(layout, "minH", "min_h")}


def normalize_dashboard(body: dict[str, Any]) -> dict[str, Any]:
    """A dashboard as we send it, from a request body or Sentry's answer."""
    widgets = []
    for widget in body.get("widgets") or []:
        queries = [{camel: _get(q, camel, snake) for camel, snake in _QUERY_KEYS}
                   for q in widget.get("queries") or []]
        widgets.append({**{camel: _get(widget, camel, snake) for camel, snake in _WIDGET_KEYS},
                        "layout": _layout(widget.get("layout")), "queries": queries})
    return {"title": body.get("title"),
            "projects": [int(p) for p in body.get("projects") or []],
            "environment": list(body.get("environment") or []),
            "period": body.get("period"), "widgets": widgets}


class DashboardProvider(_ObjectProvider):
    """``dashboard`` is the body of Sentry's create call without ``widgets`` (an input of
    their own) and ``projects``: ``project`` (a slug) becomes the project filter."""

    spec_key = "dashboard"
    name_key = "title"

    def wire_types(self) -> WireTypes:
        return DASHBOARD_WIRE

    def check_inputs(self, news: dict[str, Any]) -> list[dyn.CheckFailure]:
        failures = super().check_inputs(news)
        widgets = news.get("widgets") or []
        if len(widgets) > MAX_WIDGETS:
            failures.append(dyn.CheckFailure(
                self.spec_key, f"Sentry allows at most {MAX_WIDGETS} widgets on a dashboard"))
        return failures

    def collection(self, props: dict[str, Any]) -> str:
        return api_path("organizations", props["organization"], "dashboards")

    def item(self, props: dict[str, Any], id_: str) -> str:
        return api_path("organizations", props["organization"], "dashboards", id_)

    def find_created(self, client: SentryClient, props: dict[str, Any],
                     body: dict[str, Any]) -> str | None:
        # Titles are unique in an organisation (a second one is 409 "Dashboard title already
        # taken"): one with ours is what an interrupted deploy made if it shows our project.
        for dashboard in client.paginate(self.collection(props)):
            if dashboard.get("title") != body["title"]:
                continue
            details = client.get_object(self.item(props, str(dashboard["id"])))
            projects = [int(p) for p in details.get("projects") or []]
            if projects == body["projects"]:
                return str(dashboard["id"])
            raise ResolveError(
                f"dashboard title '{body['title']}' is taken by dashboard {dashboard['id']}, "
                f"which shows other projects ({projects or 'all'}); rename one of them, or "
                "adopt it with `sentry-iac import`")
        return None

    def payload(self, client: SentryClient, props: dict[str, Any]) -> dict[str, Any]:
        project = client.get_object(api_path("projects", props["organization"], props["project"]))
        return {**props[self.spec_key], "widgets": props.get("widgets") or [],
                "projects": [int(project["id"])]}

    def normalize(self, body: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        return normalize_dashboard(body)
