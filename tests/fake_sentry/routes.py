"""The endpoints the fake implements. Templates use the OpenAPI schema's parameter names."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from tests.fake_sentry import performance, shapes
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
    return Reply(200, shapes.organization_detail(_org(call), call.api_root))


def put_organization(call: Call) -> Reply:
    org = _org(call)
    org.settings.update(clean_organization_update(_object_body(call)))
    return Reply(200, shapes.organization_detail(org, call.api_root))


def list_organization_projects(call: Call) -> Reply:
    org = _org(call)
    items = [shapes.project_list_item(org, project) for project in org.projects.values()]
    return paginated(items, call.query, call.page_size, call.url)


def list_organization_teams(call: Call) -> Reply:
    org = _org(call)
    items = [shapes.team_list_item(org, team) for team in org.teams.values()]
    return paginated(items, call.query, call.page_size, call.url)


def get_project(call: Call) -> Reply:
    return Reply(200, shapes.project_detail(call.org, _project(call), call.api_root))


def put_project(call: Call) -> Reply:
    project = _project(call)
    project.settings.update(clean_project_update(_object_body(call), project.settings))
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


def list_project_keys(call: Call) -> Reply:
    project = _project(call)
    items = [shapes.project_key(project, key, call.host) for key in project.keys]
    return paginated(items, call.query, call.page_size, call.url)


_ORG_READ = ("org:read", "org:write", "org:admin")
_PROJECT_READ = ("project:read", "project:write", "project:admin")
_PROJECT_WRITE = ("project:write", "project:admin")
PERFORMANCE = PROJECT + "performance-issues/configure/"
ENVIRONMENT = PROJECT + "environments/{environment}/"

ROUTES: tuple[Route, ...] = (
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
    Route("GET", PROJECT + "keys/", list_project_keys, _PROJECT_READ),
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
