"""The endpoints the fake implements. Templates use the OpenAPI schema's parameter names."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from tests.fake_sentry import (
    crons,
    dashboards,
    detectors,
    events_stats,
    inbound_filters,
    integrations,
    legacy_alerts,
    members,
    migration,
    ownership,
    performance,
    project_options,
    repositories,
    shapes,
    spike,
    team_roles,
    uptime_monitors,
    workflows,
)
from tests.fake_sentry.pagination import paginated
from tests.fake_sentry.replies import HttpError, Reply, not_found
from tests.fake_sentry.state import FakeOrganization, FakeProject
from tests.fake_sentry.validation import (
    REQUIRED,
    Invalid,
    boolean,
    clean_organization_update,
    clean_project_update,
)

ORG = "/api/0/organizations/{organization_id_or_slug}/"
PROJECT = "/api/0/projects/{organization_id_or_slug}/{project_id_or_slug}/"


@dataclass
class Call:
    """One request as a handler sees it."""

    org: FakeOrganization
    params: dict[str, str]  # decoded path parameters
    query: dict[str, list[str]]
    body: Any
    url: str  # absolute URL of the request path, for Link headers
    api_root: str  # e.g. http://127.0.0.1:5000/api/0/
    host: str
    page_size: int
    legacy_brownout: bool = False  # the legacy alert endpoints answer 410
    scopes: frozenset[str] = frozenset()  # the token's scopes


Handler = Callable[[Call], Reply]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    handler: Handler
    scopes: tuple[str, ...]  # any one of these allows the call (from the schema's security)

    @property
    def pattern(self) -> re.Pattern[str]:
        return re.compile("^" + re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", self.template) + "$")

    def match(self, path: str) -> dict[str, str] | None:
        found = self.pattern.match(path)
        if found is None:
            return None
        return {key: unquote(value) for key, value in found.groupdict().items()}


def _org(call: Call) -> FakeOrganization:
    if call.params["organization_id_or_slug"] not in (call.org.slug, call.org.id):
        raise not_found()
    return call.org


def _project(call: Call) -> FakeProject:
    project = _org(call).find_project(call.params["project_id_or_slug"])
    if project is None:
        raise not_found()
    return project


def _object_body(call: Call) -> dict[str, Any]:
    if not isinstance(call.body, dict):
        kind = "null" if call.body is None else type(call.body).__name__
        raise Invalid(
            {"non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]}
        )
    return call.body


def get_organization(call: Call) -> Reply:
    """Features only with ``?include_feature_flags=1`` (organization_details.py, since
    getsentry/sentry#71438; older Sentry always lists them)."""
    org = _org(call)
    body = shapes.organization_detail(org, call.api_root)
    if call.query.get("include_feature_flags", ["0"])[0] != "0":
        body["features"] = sorted(org.features)
    else:
        body.pop("features", None)
    return Reply(200, body)


def put_organization(call: Call) -> Reply:
    org = _org(call)
    org.settings.update(
        clean_organization_update(
            _object_body(call), has_2fa=org.user_has_2fa, sso_enabled=org.sso_enabled
        )
    )
    return Reply(200, shapes.organization_detail(org, call.api_root))


def list_organization_projects(call: Call) -> Reply:
    """``OrganizationProjectsEndpoint.get`` (src/sentry/core/endpoints/organization_projects.py):
    active projects by slug, each with the option rows ``?options=`` asks for when any
    project of the page has one (``project_options``)."""
    org = _org(call)
    listed = sorted((p for p in org.projects.values() if p.slug not in org.vanished),
                    key=lambda p: p.slug)
    items = [shapes.project_list_item(org, project) for project in listed]
    reply = paginated(items, call.query, call.page_size, call.url)
    asked = call.query.get("options", [])
    page = {str(item["slug"]): item for item in reply.body}
    rows = {slug: project_options.asked_options(org.projects[slug], asked) for slug in page}
    for item in page.values():
        item["hasAccess"] = org.project_access
    if any(rows.values()) and org.project_access:  # get_attrs: `if options:`, whole page
        for slug, item in page.items():
            item["options"] = rows[slug]
    return reply


def list_organization_teams(call: Call) -> Reply:
    org = _org(call)
    items = [shapes.team_list_item(org, team) for team in org.teams.values()]
    return paginated(items, call.query, call.page_size, call.url)


def get_project(call: Call) -> Reply:
    return Reply(200, shapes.project_detail(call.org, _project(call), call.api_root))


_PLATFORM = re.compile(r"^[a-z0-9-]+$")


def put_project(call: Call) -> Reply:
    project = _project(call)
    body = _object_body(call)
    platform = body.get("platform", project.platform)
    # ProjectAdminSerializer.validate_platform (core/endpoints/project_details.py) refuses a
    # platform outside Sentry's list with "Invalid platform"; the fake checks its form only.
    if platform is not None and not (isinstance(platform, str) and _PLATFORM.match(platform)):
        raise Invalid({"platform": ["Invalid platform"]})
    project.settings.update(clean_project_update(body, project.settings))
    project.platform = platform
    # The options DictField, applied after the fields (ProjectDetailsEndpoint.put).
    inbound_filters.apply_options(call.org, project, body.get("options"))
    return Reply(200, shapes.project_detail(call.org, project, call.api_root))


def get_performance_settings(call: Call) -> Reply:
    return Reply(200, performance.effective(_project(call).performance))


def put_performance_settings(call: Call) -> Reply:
    project = _project(call)
    project.performance.update(performance.clean_update(_object_body(call), project.performance))
    return Reply(200, performance.effective(project.performance))


def delete_performance_settings(call: Call) -> Reply:
    """Sentry resets the thresholds and keeps the detector toggles."""
    project = _project(call)
    project.performance = {
        key: value
        for key, value in project.performance.items()
        if key not in performance.THRESHOLDS
    }
    return Reply(204)


_VISIBILITY: dict[str, Callable[[bool], bool]] = {
    "all": lambda hidden: True,
    "hidden": lambda hidden: hidden,
    "visible": lambda hidden: not hidden,
}


def list_environments(call: Call) -> Reply:
    project = _project(call)
    visibility = call.query.get("visibility", ["visible"])[0]
    if visibility not in _VISIBILITY:
        raise HttpError(400, {"detail": "Invalid value for 'visibility'."})
    wanted = _VISIBILITY[visibility]
    body = [
        shapes.environment(env) for env in project.environments.values() if wanted(env.is_hidden)
    ]
    return Reply(200, body)


def _environment(call: Call) -> Any:
    env = _project(call).environments.get(call.params["environment"])
    if env is None:
        raise not_found()
    return env


def get_environment(call: Call) -> Reply:
    return Reply(200, shapes.environment(_environment(call)))


def put_environment(call: Call) -> Reply:
    env = _environment(call)
    body = _object_body(call)
    if "isHidden" not in body:
        raise Invalid({"isHidden": [REQUIRED]})
    hidden, errors = boolean(body["isHidden"])
    if errors:
        raise Invalid({"isHidden": errors})
    env.is_hidden = hidden
    return Reply(200, shapes.environment(env))


def get_ownership(call: Call) -> Reply:
    return Reply(200, ownership.serialized(_project(call)))


def put_ownership(call: Call) -> Reply:
    """200, not the schema's 202: ``Response(serialize(ownership, request.user))``."""
    return Reply(200, ownership.update(call.org, _project(call), call.body, call.scopes))


def list_filters(call: Call) -> Reply:
    return inbound_filters.list_filters(call.org, _project(call))


def put_filter(call: Call) -> Reply:
    return inbound_filters.put_filter(call.org, _project(call), call.params["filter_id"],
                                      call.body)


ANY_TOKEN = "*"  # a route any valid token may call, whatever its scopes


def api_index(call: Call) -> Reply:
    """``GET /api/0/`` (IndexEndpoint, src/sentry/api/endpoints/index.py): the API version and
    the calling token's scopes (``auth.scopes`` from ``request.auth.get_scopes()``)."""
    return Reply(200, {"version": "0", "auth": {"scopes": sorted(call.scopes)},
                       "user": {"id": "1", "name": "sentry-iac tests",
                                "email": "maintainer@example.org"}})


def list_project_keys(call: Call) -> Reply:
    project = _project(call)
    items = [shapes.project_key(project, key, call.host) for key in project.keys]
    return paginated(items, call.query, call.page_size, call.url)


def delete_project_key(call: Call) -> Reply:
    """ProjectKeyDetailsEndpoint.delete (api/endpoints/project_key_details.py): 204, or 404
    for a key the project does not have."""
    project = _project(call)
    key = next((k for k in project.keys if k.id == call.params["key_id"]), None)
    if key is None:
        raise not_found()
    project.keys.remove(key)
    return Reply(204, None)


_ORG_READ = ("org:read", "org:write", "org:admin")
_PROJECT_READ = ("project:read", "project:write", "project:admin")
_PROJECT_WRITE = ("project:write", "project:admin")
PERFORMANCE = PROJECT + "performance-issues/configure/"
ENVIRONMENT = PROJECT + "environments/{environment}/"
DETECTORS = ORG + "detectors/"
DETECTOR = DETECTORS + "{detector_id}/"
WORKFLOWS = ORG + "workflows/"
WORKFLOW = WORKFLOWS + "{workflow_id}/"
ISSUE_RULES = PROJECT + "rules/"
METRIC_RULES = ORG + "alert-rules/"
MONITORS = ORG + "monitors/"
MONITOR = MONITORS + "{monitor_id_or_slug}/"
DASHBOARDS = ORG + "dashboards/"
UPTIME = PROJECT + "uptime/"
DASHBOARD = DASHBOARDS + "{dashboard_id}/"
# Scopes as the schemas list them (openapi.json; legacy ones from openapi-2026-05-legacy-alerts).
_ALERTS_READ = ("alerts:read", "org:read", "org:write", "org:admin")
_ALERTS_WRITE = ("alerts:write", "org:write", "org:admin")
_DETECTORS_WRITE = (*_ALERTS_WRITE, "org:read")
_PROJECT_ALERTS_READ = ("alerts:read", "alerts:write", *_PROJECT_READ)
_PROJECT_ALERTS_WRITE = ("alerts:write", *_PROJECT_WRITE)

ROUTES: tuple[Route, ...] = (
    Route("GET", "/api/0/", api_index, (ANY_TOKEN,)),
    Route("GET", ORG + "repos/", repositories.list_repositories, _ORG_READ),
    Route("POST", ORG + "repos/", repositories.create_repository, ("org:write", "org:admin")),
    Route("DELETE", ORG + "repos/{repo_id}/", repositories.delete_repository,
          ("org:write", "org:admin")),
    Route("GET", ORG, get_organization, _ORG_READ),
    Route("PUT", ORG, put_organization, ("org:write", "org:admin")),
    Route("GET", ORG + "projects/", list_organization_projects, _ORG_READ),
    Route("GET", ORG + "teams/", list_organization_teams, _ORG_READ),
    Route("GET", PROJECT, get_project, _PROJECT_READ),
    Route("PUT", PROJECT, put_project, _PROJECT_WRITE),
    Route("GET", PERFORMANCE, get_performance_settings, _PROJECT_READ),
    Route("PUT", PERFORMANCE, put_performance_settings, _PROJECT_WRITE),
    Route("DELETE", PERFORMANCE, delete_performance_settings, _PROJECT_WRITE),
    Route("GET", PROJECT + "environments/", list_environments, _PROJECT_READ),
    Route("GET", ENVIRONMENT, get_environment, _PROJECT_READ),
    Route("PUT", ENVIRONMENT, put_environment, _PROJECT_WRITE),
    # Issue owners (ProjectOwnershipPermission: raw alone with project:read, see ownership)
    # and inbound filters.
    Route("GET", PROJECT + "ownership/", get_ownership, _PROJECT_READ),
    Route("PUT", PROJECT + "ownership/", put_ownership, _PROJECT_READ),
    Route("GET", PROJECT + "filters/", list_filters, _PROJECT_READ),
    Route("PUT", PROJECT + "filters/{filter_id}/", put_filter, _PROJECT_WRITE),
    Route("GET", PROJECT + "keys/", list_project_keys, _PROJECT_READ),
    Route("DELETE", PROJECT + "keys/{key_id}/", delete_project_key, _PROJECT_WRITE),
    # Monitors and alerts (SENTRY_ALERTS_API.md section 1.1).
    Route(
        "POST",
        ORG + "projects/{project_id_or_slug}/detectors/",
        detectors.create_detector,
        _PROJECT_ALERTS_WRITE,
    ),
    Route("GET", DETECTORS, detectors.list_detectors, _ALERTS_READ),
    Route("PUT", DETECTORS, detectors.bulk_update_detectors, _DETECTORS_WRITE),
    Route("DELETE", DETECTORS, detectors.bulk_delete_detectors, _DETECTORS_WRITE),
    Route("GET", DETECTOR, detectors.get_detector, _ALERTS_READ),
    Route("PUT", DETECTOR, detectors.put_detector, _DETECTORS_WRITE),
    Route("DELETE", DETECTOR, detectors.delete_detector, _DETECTORS_WRITE),
    Route("GET", WORKFLOWS, workflows.list_workflows, _ALERTS_READ),
    Route("POST", WORKFLOWS, workflows.create_workflow, _ALERTS_WRITE),
    Route("PUT", WORKFLOWS, workflows.bulk_update_workflows, _ALERTS_WRITE),
    Route("DELETE", WORKFLOWS, workflows.bulk_delete_workflows, _ALERTS_WRITE),
    Route("GET", WORKFLOW, workflows.get_workflow, _ALERTS_READ),
    Route("PUT", WORKFLOW, workflows.put_workflow, _ALERTS_WRITE),
    Route("DELETE", WORKFLOW, workflows.delete_workflow, _ALERTS_WRITE),
    # What alert actions refer to by id.
    Route(
        "GET",
        ORG + "integrations/",
        integrations.list_integrations,
        ("org:integrations", *_ORG_READ),
    ),
    Route(
        "GET",
        ORG + "members/",
        members.list_members,
        ("member:read", "member:write", "member:admin"),
    ),
    # A team's members and their stored team roles (team_members.py; TeamPermission's GET).
    Route("GET", "/api/0/teams/{organization_id_or_slug}/{team_id_or_slug}/members/",
          members.list_team_members, ("team:read", "team:write", "team:admin")),
    # Team roles (organization_member_team_details.py; OrganizationTeamMemberPermission's PUT
    # scopes) and the member they are read from (RelaxedMemberPermission's GET scopes).
    Route("GET", ORG + "members/{member_id}/", team_roles.get_member,
          ("member:read", "member:write", "member:admin")),
    Route("PUT", ORG + "members/{member_id}/teams/{team_id_or_slug}/",
          team_roles.put_member_team_role,
          (*_ORG_READ, "member:read", "member:write", "member:admin", "team:admin",
           "team:write")),
    # Spike protection (openapi.json: project:read/write/admin) and its notification actions
    # (NotificationActionsPermission: org:read/write/admin for every method).
    Route("POST", ORG + "spike-protections/", spike.enable_spike_protection, _PROJECT_READ),
    Route("DELETE", ORG + "spike-protections/", spike.disable_spike_protection, _PROJECT_READ),
    Route("GET", ORG + "notifications/actions/", spike.list_actions, _ORG_READ),
    Route("POST", ORG + "notifications/actions/", spike.create_action, _ORG_READ),
    Route("GET", ORG + "notifications/actions/{action_id}/", spike.get_action, _ORG_READ),
    Route("PUT", ORG + "notifications/actions/{action_id}/", spike.put_action, _ORG_READ),
    Route("DELETE", ORG + "notifications/actions/{action_id}/", spike.delete_action, _ORG_READ),
    # Legacy alerts, deprecated (SENTRY_API.md sections 1-2).
    Route("POST", ISSUE_RULES, legacy_alerts.create_issue_rule, _PROJECT_ALERTS_WRITE),
    Route("GET", ISSUE_RULES, legacy_alerts.list_issue_rules, _PROJECT_ALERTS_READ),
    Route("GET", ISSUE_RULES + "{rule_id}/", legacy_alerts.get_issue_rule, _PROJECT_ALERTS_READ),
    Route("PUT", ISSUE_RULES + "{rule_id}/", legacy_alerts.put_issue_rule, _PROJECT_ALERTS_WRITE),
    Route(
        "DELETE", ISSUE_RULES + "{rule_id}/", legacy_alerts.delete_issue_rule, _PROJECT_ALERTS_WRITE
    ),
    Route("POST", METRIC_RULES, legacy_alerts.create_metric_rule, (*_ALERTS_WRITE, "org:read")),
    Route("GET", METRIC_RULES, legacy_alerts.list_metric_rules, _ALERTS_READ),
    Route("GET", METRIC_RULES + "{alert_rule_id}/", legacy_alerts.get_metric_rule, _ALERTS_READ),
    Route("PUT", METRIC_RULES + "{alert_rule_id}/", legacy_alerts.put_metric_rule, _ALERTS_WRITE),
    Route(
        "DELETE", METRIC_RULES + "{alert_rule_id}/", legacy_alerts.delete_metric_rule, _ALERTS_WRITE
    ),
    # Cron monitors (Crons API) and dashboards: scopes as openapi.json lists them.
    Route("GET", MONITORS, crons.list_monitors, ("alerts:read", *_ORG_READ)),
    Route("POST", MONITORS, crons.create_monitor, ("alerts:write", *_ORG_READ)),
    Route("GET", MONITOR, crons.get_monitor, _PROJECT_ALERTS_READ),
    Route("PUT", MONITOR, crons.put_monitor, _PROJECT_ALERTS_WRITE),
    Route("DELETE", MONITOR, crons.delete_monitor, _PROJECT_ALERTS_WRITE),
    Route("GET", DASHBOARDS, dashboards.list_dashboards, _ORG_READ),
    Route("POST", DASHBOARDS, dashboards.create_dashboard, _ORG_READ),
    Route("GET", DASHBOARD, dashboards.get_dashboard, _ORG_READ),
    Route("PUT", DASHBOARD, dashboards.put_dashboard, _ORG_READ),
    Route("DELETE", DASHBOARD, dashboards.delete_dashboard, _ORG_READ),
    # The project uptime endpoint of older Sentry: ProjectAlertRulePermission for a project's,
    # OrganizationPermission for the organisation's list (uptime/endpoints/).
    Route("POST", UPTIME, uptime_monitors.create_monitor, _PROJECT_ALERTS_WRITE),
    Route("GET", UPTIME + "{uptime_id}/", uptime_monitors.get_monitor, _PROJECT_ALERTS_READ),
    Route("PUT", UPTIME + "{uptime_id}/", uptime_monitors.put_monitor, _PROJECT_ALERTS_WRITE),
    Route("DELETE", UPTIME + "{uptime_id}/", uptime_monitors.delete_monitor,
          _PROJECT_ALERTS_WRITE),
    Route("GET", ORG + "uptime/", uptime_monitors.list_monitors, _ORG_READ),
    # Which legacy rule a migrated alert came from (private; SENTRY_ALERTS_API.md 1.6).
    Route("GET", ORG + "alert-rule-workflow/", migration.get_alert_rule_workflow, _ALERTS_READ),
    # A monitor's series, for `sentry-iac backtest` (OrganizationEventPermission: org:read).
    Route("GET", ORG + "events-stats/", events_stats.get_events_stats, _ORG_READ),
)
LEGACY_TEMPLATES = frozenset(
    route.template for route in ROUTES if route.template.startswith((ISSUE_RULES, METRIC_RULES))
)


def resolve(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route for the request; raises 405 when the path exists for other methods only."""
    other_methods = False
    for route in ROUTES:
        params = route.match(path)
        if params is None:
            continue
        if route.method == method:
            return route, params
        other_methods = True
    if other_methods:
        raise HttpError(405, {"detail": f'Method "{method}" not allowed.'})
    return None
