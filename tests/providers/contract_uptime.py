"""The uptime part of the contract scenario: an uptime monitor through the detectors endpoint
(checked against Sentry's public schema) and through the project uptime endpoint of older
Sentry, which the public schema leaves out (checked against the shapes below, from
``uptime/endpoints/validators.py`` ``UptimeMonitorValidator`` and ``serializers.py``
``UptimeDetectorSerializer``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sentry_iac.providers import SentryApiError, SentryClient, api_path
from tests.fake_sentry import FakeSentry

UPTIME = "/api/0/projects/{organization_id_or_slug}/{project_id_or_slug}/uptime/"
ORG_UPTIME = "/api/0/organizations/{organization_id_or_slug}/uptime/"
_TEXT = {"type": "string"}
UPTIME_MONITOR_REQUEST = {"type": "object", "required": ["name", "url", "intervalSeconds",
                                                         "timeoutMs"]}
UPTIME_MONITOR = {
    "type": "object",
    "required": ["id", "projectSlug", "environment", "name", "status", "uptimeStatus", "mode",
                 "owner", "url", "method", "body", "headers", "intervalSeconds", "timeoutMs",
                 "traceSampling"],
    "properties": {
        "id": _TEXT, "projectSlug": _TEXT, "environment": {"type": ["string", "null"]},
        "name": _TEXT, "status": {"enum": ["active", "disabled"]},
        "uptimeStatus": {"type": "integer"}, "mode": {"type": "integer"},
        "owner": {"type": ["object", "null"]}, "url": _TEXT, "method": _TEXT,
        "body": {"type": ["string", "null"]},
        "headers": {"type": "array", "items": {"type": "array", "items": _TEXT}},
        "intervalSeconds": {"enum": [60, 300, 600, 1200, 1800, 3600]},
        "timeoutMs": {"type": "integer"}, "traceSampling": {"type": "boolean"},
        "recoveryThreshold": {"type": "integer"}, "downtimeThreshold": {"type": "integer"}},
}


def _detector(project_id: str, team_id: str) -> dict[str, Any]:
    return {"name": "Website [production]", "type": "uptime_domain_failure",
            "projectId": project_id, "owner": f"team:{team_id}", "enabled": True,
            "description": None,
            "dataSources": [{"url": "https://example.org/", "intervalSeconds": 60,
                             "timeoutMs": 5000, "method": "GET",
                             "headers": [["Accept", "text/html"]], "body": None,
                             "traceSampling": False}],
            "config": {"mode": 1, "environment": "production", "recoveryThreshold": 1,
                       "downtimeThreshold": 3}}


def _flat(name: str) -> dict[str, Any]:
    return {"name": name, "status": "active", "environment": "production",
            "url": "https://example.org/health/", "intervalSeconds": 300, "timeoutMs": 5000,
            "method": "GET", "headers": [], "body": None, "recoveryThreshold": 1,
            "downtimeThreshold": 3}


def run_uptime_scenario(fake: FakeSentry, client: SentryClient) -> None:
    team = next(iter(fake.org.teams.values()))
    project = next(iter(fake.org.projects.values()))
    made = client.create(api_path("organizations", "dbca", "projects", project.slug,
                                  "detectors"), _detector(project.id, team.id))
    item = api_path("organizations", "dbca", "detectors", str(made["id"]))
    client.get(item)
    client.put(item, {**_detector(project.id, team.id), "name": "Website"})
    list(client.paginate(api_path("organizations", "dbca", "detectors"),
                         {"project": project.id, "query": "type:uptime_domain_failure"}))
    client.delete(item)

    monitors = api_path("projects", "dbca", project.slug, "uptime")
    legacy = client.create(monitors, _flat("Health [production]"))
    one = api_path("projects", "dbca", project.slug, "uptime", str(legacy["id"]))
    client.get(one)
    client.put(one, {"status": "disabled"})
    list(client.paginate(api_path("organizations", "dbca", "uptime"), {"project": project.id}))
    client.delete(one)

    rejected: list[Callable[[], object]] = [
        lambda: client.create(api_path("organizations", "dbca", "projects", project.slug,
                                       "detectors"),
                              {**_detector(project.id, team.id), "dataSources": [
                                  {"url": "https://example.org/", "intervalSeconds": 90,
                                   "timeoutMs": 5000}]}),
        lambda: client.create(monitors, {**_flat("x"), "timeoutMs": 60001}),
        lambda: client.get(api_path("projects", "dbca", project.slug, "uptime", "999999")),
    ]
    for call in rejected:
        with pytest.raises(SentryApiError):
            call()
