"""Cron monitor endpoints (Crons API, ``/organizations/{org}/monitors/``).

As Sentry does, creating a monitor also creates its ``monitor_check_in_failure`` detector, with
a ``cron_monitor`` data source naming the monitor; deleting the monitor removes both. Monitor
ids are GUIDs; paths take the slug (or the GUID). DELETE answers 202, as Sentry's does.

Sources: ``src/sentry/monitors/validators.py`` ``MonitorValidator.create`` (``ensure_cron_detector``
in ``monitors/utils.py``; a monitor without a seat is created disabled), the checks in
``cron_checks``; ``src/sentry/monitors/endpoints/organization_monitor_index.py`` and
``base_monitor_details.py`` for the routes. source not found for the 202 of DELETE (not
re-read): kept from SENTRY_API.md.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from tests.fake_sentry import shapes
from tests.fake_sentry.actors import owner_object
from tests.fake_sentry.casing import camel_errors, snake_keys
from tests.fake_sentry.cron_checks import clean_monitor
from tests.fake_sentry.listing import project_ids
from tests.fake_sentry.lookup import object_body, org_of
from tests.fake_sentry.pagination import paginated
from tests.fake_sentry.replies import Reply, not_found
from tests.fake_sentry.state import DATE_CREATED, FakeCronMonitor, FakeDetector, FakeOrganization

if TYPE_CHECKING:
    from tests.fake_sentry.routes import Call

CRON_DETECTOR = "monitor_check_in_failure"


def monitor_body(org: FakeOrganization, monitor: FakeCronMonitor) -> dict[str, Any]:
    project = next(p for p in org.projects.values() if p.id == monitor.project_id)
    return {
        "id": monitor.id,
        "name": monitor.name,
        "slug": monitor.slug,
        "status": monitor.status,
        "isMuted": monitor.is_muted,
        "isUpserting": False,
        "config": {**monitor.config, "alert_rule_id": None},
        "dateCreated": DATE_CREATED,
        "project": shapes.project_summary(org, project),
        "environments": [],  # environments appear with the first check-in
        "owner": owner_object(org, monitor.owner),
    }


def cron_data_source(org: FakeOrganization, source: dict[str, Any]) -> dict[str, Any]:
    """A cron detector's data source as the detector endpoints show it."""
    monitor = next((m for m in org.monitors.values() if m.internal_id == source["source_id"]),
                   None)
    return {"id": source["id"], "organizationId": org.id, "type": "cron_monitor",
            "sourceId": source["source_id"],
            "queryObj": monitor_body(org, monitor) if monitor else None}


def _monitor(call: Call) -> FakeCronMonitor:
    org = org_of(call)
    key = call.params["monitor_id_or_slug"]
    found = org.monitors.get(key) or next((m for m in org.monitors.values() if m.id == key), None)
    if found is None:
        raise not_found()
    return found


def create_monitor(call: Call) -> Reply:
    org = org_of(call)
    with camel_errors():
        values = clean_monitor(org, snake_keys(object_body(call)), None)
    slug = values.pop("slug", None) or values["name"].lower().replace(" ", "-")[:50]
    monitor = FakeCronMonitor(id=str(uuid.UUID(int=int(org.next_id()))),
                              internal_id=org.next_id(), slug=slug, **values)
    detector = FakeDetector(id=org.next_id(), project_id=monitor.project_id, name=monitor.name,
                            type=CRON_DETECTOR, owner=monitor.owner,
                            enabled=monitor.status == "active",
                            data_source={"id": org.next_id(), "type": "cron_monitor",
                                         "source_id": monitor.internal_id})
    monitor.detector_id = detector.id
    org.detectors[detector.id] = detector
    org.monitors[monitor.slug] = monitor
    return Reply(201, monitor_body(org, monitor))


def list_monitors(call: Call) -> Reply:
    """``OrganizationMonitorIndexEndpoint.get``: ``sort`` is ``status`` (the default: by the
    monitor environments' status, then the latest check-in; this fake has no check-ins, so its
    monitors stay in the order they were made), ``name`` or ``muted``; ``asc=0`` reverses it;
    any other ``sort`` leaves the database's order."""
    org = org_of(call)
    wanted = project_ids(org, call.query, "project")
    monitors = [m for m in org.monitors.values() if wanted is None or m.project_id in wanted]
    sort = (call.query.get("sort") or ["status"])[0]
    if sort == "name":
        monitors.sort(key=lambda m: m.name)
    elif sort == "muted":
        monitors.sort(key=lambda m: (m.is_muted, m.name))
    if (call.query.get("asc") or ["1"])[0] != "1" and sort in ("status", "name", "muted"):
        monitors.reverse()
    items = [monitor_body(org, m) for m in monitors]
    return paginated(items, call.query, call.page_size, call.url)


def get_monitor(call: Call) -> Reply:
    return Reply(200, monitor_body(call.org, _monitor(call)))


def put_monitor(call: Call) -> Reply:
    monitor = _monitor(call)
    org = call.org
    with camel_errors():
        values = clean_monitor(org, snake_keys(object_body(call)), monitor)
    if "slug" in values and values["slug"] != monitor.slug:
        del org.monitors[monitor.slug]
        org.monitors[values["slug"]] = monitor
    for name, value in values.items():
        setattr(monitor, name, value)
    detector = org.detectors.get(monitor.detector_id or "")
    if detector is not None:  # Sentry keeps the detector in step with its monitor
        detector.name, detector.owner = monitor.name, monitor.owner
        detector.project_id, detector.enabled = monitor.project_id, monitor.status == "active"
    return Reply(200, monitor_body(org, monitor))


def delete_monitor(call: Call) -> Reply:
    monitor = _monitor(call)
    org = call.org
    del org.monitors[monitor.slug]
    org.detectors.pop(monitor.detector_id or "", None)
    org.links = {(d, w) for d, w in org.links if d != monitor.detector_id}
    return Reply(202)
