"""Dynamic providers for cron monitors: the monitor itself (Sentry's Crons API,
``/organizations/{org}/monitors/``) and the alert on its missed or failed check-ins.

The monitor follows the alerting providers' contract (``alerting._ObjectProvider``): a local
diff, whole-payload updates, reads that show drift, and a create whose answer was lost is never
repeated blindly. Monitor slugs are unique in an organisation and Sentry's paths take them, so
a lost create is found by its slug. Sentry's monitor ids are GUIDs; the resource keeps one as
its id but every call goes through the slug.

The alert is an ``Alert`` (workflow) whose detector is the cron's ``monitor_check_in_failure``
detector, which Sentry creates with the monitor: it is found at deploy time, in every stack,
by the monitor's slug (see ``cron_detector``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pulumi.dynamic as dyn

from sentry_iac.providers.alerting import (
    ALL_PROJECTS,
    SOURCES,
    AlertProvider,
    _ObjectProvider,
)
from sentry_iac.providers.errors import SentryNotFoundError
from sentry_iac.providers.paths import api_path
from sentry_iac.providers.resolve import ResolveError, Resolver, with_owner_team_id
from sentry_iac.providers.wire import WHOLE, WireTypes
from sentry_iac.sentry.crons import (
    CONFIG_KEYS,
    CONFIG_MAXIMA,
    CRON_DATA_SOURCE,
    CRON_DETECTOR,
    SCHEDULE_TYPES,
)

if TYPE_CHECKING:  # the HTTP client is loaded where a provider runs, not where it is declared
    from sentry_iac.providers.client import SentryClient

# Every number of a monitor is a DRF IntegerField (ConfigValidator), the interval's count
# included; an interval is ``[count, unit]``, so its unit is text beside that number. The
# optional settings are sent as null when the YAML has none (the wire drops nulls), so
# removing one puts Sentry's default back.
_OPTIONAL = ("checkin_margin", "max_runtime", "failure_issue_threshold", "recovery_threshold")
CRON_WIRE = WireTypes(
    numbers={"monitor.config.schedule.**": WHOLE,
             **{f"monitor.config.{key}": WHOLE for key in _OPTIONAL}},
    nulls=tuple(f"monitor.config.{key}" for key in _OPTIONAL))


def _actor(owner: Any) -> Any:
    """``{"type": "team", "id": "5"}`` (a response) or ``"team:5"`` (a request) -> ``team:5``."""
    if isinstance(owner, dict):
        return f"{owner.get('type')}:{owner.get('id')}"
    return owner


def normalize_monitor(body: dict[str, Any]) -> dict[str, Any]:
    """A monitor as we send it, from a request body or Sentry's answer."""
    project = body.get("project")
    config = body.get("config") or {}
    return {"project": project.get("slug") if isinstance(project, dict) else project,
            "name": body.get("name"), "slug": body.get("slug"), "status": body.get("status"),
            "owner": _actor(body.get("owner")),
            "config": {key: config.get(key) for key in CONFIG_KEYS}}


def _where(props: dict[str, Any], field: str) -> str:
    location = (props.get(SOURCES) or {}).get(field)
    return f"{location}: " if location else ""


class CronMonitorProvider(_ObjectProvider):
    """``monitor`` is the body of Sentry's create call, with the owner team by slug."""

    # Sentry moves a monitor to another project on update, so only the organisation is fixed.
    identity = ("organization",)
    spec_key = "monitor"

    def wire_types(self) -> WireTypes:
        return CRON_WIRE

    def check_inputs(self, news: dict[str, Any]) -> list[dyn.CheckFailure]:
        failures = super().check_inputs(news)
        config = (news.get(self.spec_key) or {}).get("config") or {}
        for key, highest in CONFIG_MAXIMA.items():
            value = config.get(key)
            if value is not None and not (isinstance(value, int) and 1 <= value <= highest):
                failures.append(dyn.CheckFailure(
                    self.spec_key, f"{_where(news, f'config.{key}')}{key} must be a whole "
                                   f"number from 1 to {highest}, not {value!r}"))
        if config.get("schedule_type") not in SCHEDULE_TYPES:
            failures.append(dyn.CheckFailure(
                self.spec_key, f"{_where(news, 'config.schedule_type')}schedule_type must be "
                               "crontab or interval"))
        return failures

    def collection(self, props: dict[str, Any]) -> str:
        return api_path("organizations", props["organization"], "monitors")

    def item(self, props: dict[str, Any], id_: str) -> str:
        return api_path("organizations", props["organization"], "monitors",
                        props[self.spec_key]["slug"])

    def listing(self, props: dict[str, Any]) -> tuple[str, dict[str, str]] | None:
        # The monitor list serializes each monitor with MonitorSerializer, as its own GET does
        # (OrganizationMonitorIndexEndpoint.get, monitors/endpoints/organization_monitor_index.py),
        # its items keyed by the same GUID. -1 is every project the token can access
        # (get_filter_params); by name, since its default order (status, then the latest
        # check-in) changes as check-ins arrive while the pages are read.
        return self.collection(props), {"project": ALL_PROJECTS, "sort": "name"}

    def find_created(self, client: SentryClient, props: dict[str, Any],
                     body: dict[str, Any]) -> str | None:
        # Slugs are unique in an organisation: the monitor with ours is the one the lost POST
        # made, if it watches our project; one of another project's is not ours to take.
        try:
            found = client.get_object(self.item(props, ""))
        except SentryNotFoundError:
            return None
        if normalize_monitor(found)["project"] != body.get("project"):
            raise ResolveError(
                f"{_where(props, 'slug')}cron monitor slug '{body.get('slug')}' is taken by "
                f"a monitor of project '{normalize_monitor(found)['project']}'; choose "
                "another slug")
        return str(found["id"])

    def payload(self, client: SentryClient, props: dict[str, Any]) -> dict[str, Any]:
        return with_owner_team_id(props[self.spec_key], client, props["organization"],
                                  self.lookups())

    def normalize(self, body: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        return normalize_monitor(body)


def cron_detector(client: SentryClient, resolver: Resolver, project: str, slug: str) -> str:
    """The id of the ``monitor_check_in_failure`` detector Sentry made for monitor ``slug``.
    Its data source (type ``cron_monitor``) carries the monitor; older answers without it are
    matched by the monitor's name. The detector list is read afresh (the monitor may have
    just been made); the project's id comes from ``resolver``'s cache."""
    organization = resolver.organization
    path = api_path("organizations", organization, "detectors")
    project_id = resolver.project_id(project)
    found = list(client.paginate(path, {"project": project_id,
                                        "query": f"type:{CRON_DETECTOR}"}))
    for detector in found:
        for source in detector.get("dataSources") or []:
            monitor = source.get("queryObj") or {}
            if source.get("type") == CRON_DATA_SOURCE and monitor.get("slug") == slug:
                return str(detector["id"])
    try:
        name = client.get_object(api_path("organizations", organization, "monitors", slug))["name"]
    except SentryNotFoundError:
        raise ResolveError(f"cron monitor '{slug}' does not exist in organization "
                           f"'{organization}'; the owner stack creates it, so deploy that "
                           "stack first") from None
    for detector in found:
        if detector.get("name") == name:
            return str(detector["id"])
    raise ResolveError(f"cron monitor '{slug}' has no {CRON_DETECTOR} monitor in project "
                       f"'{project}'; Sentry makes one with every cron monitor")


class CronAlertProvider(AlertProvider):
    """An alert on a cron's missed or failed check-ins: ``cron`` is the monitor's slug."""

    identity = ("organization", "project", "cron")

    def payload(self, client: SentryClient, props: dict[str, Any]) -> dict[str, Any]:
        resolver = Resolver(client, props["organization"], self.lookups())
        detector = cron_detector(client, resolver, props["project"], props["cron"])
        return super().payload(client, {**props, "detectors": [detector]})
