"""The project uptime endpoint of older Sentry (``/projects/{org}/{project}/uptime/``), which
the legacy backend uses where the detectors endpoint takes no uptime monitors.

Sources (getsentry/sentry ``src/sentry/uptime/endpoints/``): ``project_uptime_alert_index.py``
``ProjectUptimeAlertIndexEndpoint.post`` (``UptimeMonitorValidator``; it answers with
``self.respond``: 200, not 201), ``project_uptime_alert_details.py`` (GET; PUT with
``partial=True``; DELETE answers 202), ``organiation_uptime_alert_index.py`` (the list, by
``?project=``, serialized as each GET). ``validators.py`` ``UptimeMonitorValidator``: ``name``
``CharField(required=True, max_length=128)``, ``status`` ``ChoiceField`` active/disabled,
``owner`` ``ActorField``, ``environment`` ``CharField(max_length=64, allow_null=True)``, the
request fields as for the detectors' data source (``uptime_checks``; here the ``body`` field
allows blank), ``recovery_threshold`` / ``downtime_threshold`` ``IntegerField(min_value=1)``,
``mode`` superusers only, on update "Mode can only be specified on creation (for now)";
``validate``: ``check_uptime_subscription_limit`` on create ("You may have at most 100
uptime monitors per organization", ``MAX_MANUAL_SUBSCRIPTIONS_PER_ORG``) and the request
size. Answers: ``serializers.py`` ``UptimeDetectorSerializer`` (current) or, with
``org.uptime_thresholds`` off, the older ``ProjectUptimeSubscriptionSerializer``, whose
validator and answer have no thresholds (Sentry then checked 3 failures and 1 success).

The monitor is kept as the detector newer Sentry makes of it, so both endpoints see it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_sentry.actors import check_owner, owner_object
from tests.fake_sentry.casing import camel_errors, snake_keys
from tests.fake_sentry.listing import project_ids
from tests.fake_sentry.lookup import object_body, org_of, project_of
from tests.fake_sentry.pagination import paginated
from tests.fake_sentry.replies import Reply, not_found
from tests.fake_sentry.state import DATE_UPDATED, FakeDetector, FakeOrganization, FakeProject
from tests.fake_sentry.uptime_checks import (
    DEFAULT_DOWNTIME,
    DEFAULT_RECOVERY,
    MANUAL,
    MAX_REQUEST_SIZE_BYTES,
    SOURCE_FIELDS,
    SOURCE_REQUIRED,
    TOO_LARGE,
    UPTIME_DETECTOR,
    UPTIME_SOURCE,
    request_size,
)
from tests.fake_sentry.validation import REQUIRED, Invalid, choice, integer, string

if TYPE_CHECKING:
    from tests.fake_sentry.routes import Call

MAX_MANUAL_SUBSCRIPTIONS_PER_ORG = 100
STATUSES = ("active", "disabled")


def _checkers(org: FakeOrganization) -> dict[str, Any]:
    fields: dict[str, Any] = {
        **SOURCE_FIELDS, "body": string(nullable=True),
        "name": string(128, allow_blank=False), "status": choice(STATUSES),
        "environment": string(64, nullable=True)}
    if org.uptime_thresholds:
        fields.update(recovery_threshold=integer(1), downtime_threshold=integer(1))
    return fields


def _clean(org: FakeOrganization, body: dict[str, Any], current: FakeDetector | None
           ) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    clean: dict[str, Any] = {}
    for name, checker in _checkers(org).items():
        if name in body:  # other keys are dropped, as DRF drops undeclared ones
            value, messages = checker(body[name])
            (errors if messages else clean)[name] = messages or value
        elif current is None and name in (*SOURCE_REQUIRED, "name"):
            errors[name] = [REQUIRED]
    if "owner" in body:
        owner, messages = check_owner(org, body["owner"])
        (errors if messages else clean)["owner"] = messages or owner
    if "mode" in body:
        errors["mode"] = (["Mode can only be specified on creation (for now)"] if current
                          else ["Only superusers can modify `mode`"])
    if errors:
        raise Invalid(errors)
    if current is None and sum(d.type == UPTIME_DETECTOR for d in org.detectors.values()) \
            >= MAX_MANUAL_SUBSCRIPTIONS_PER_ORG:
        raise Invalid({"non_field_errors": [
            f"You may have at most {MAX_MANUAL_SUBSCRIPTIONS_PER_ORG} uptime monitors per "
            "organization"]})
    stored = current.data_source["query"] if current and current.data_source else {
        "method": "GET", "headers": [], "body": None, "trace_sampling": False}
    query = {**stored, **{k: v for k, v in clean.items() if k in SOURCE_FIELDS}}
    if request_size(query["method"], query["url"], query["headers"],
                    query["body"]) > MAX_REQUEST_SIZE_BYTES:
        raise Invalid({"non_field_errors": [TOO_LARGE]})
    return {**clean, "query": query}


def _apply(org: FakeOrganization, detector: FakeDetector, clean: dict[str, Any]) -> None:
    detector.name = clean.get("name", detector.name)
    if "owner" in clean:
        detector.owner = clean["owner"]
    if "status" in clean:
        detector.enabled = clean["status"] == "active"
    config = dict(detector.config)
    config.update({k: clean[k] for k in ("environment", "recovery_threshold",
                                         "downtime_threshold") if k in clean})
    detector.config = config
    source = detector.data_source or {"id": org.next_id(), "source_id": org.next_id(),
                                      "type": UPTIME_SOURCE}
    detector.data_source = {**source, "query": clean["query"]}
    detector.date_updated = DATE_UPDATED


def monitor_body(org: FakeOrganization, detector: FakeDetector) -> dict[str, Any]:
    """``UptimeDetectorSerializer``, or ``ProjectUptimeSubscriptionSerializer`` before the
    thresholds."""
    project = org.find_project_by_id(detector.project_id or "")
    query = (detector.data_source or {}).get("query") or {}
    body: dict[str, Any] = {
        "id": detector.id, "projectSlug": project.slug if project else None,
        "environment": detector.config.get("environment"),
        "name": detector.name or f"Uptime Monitoring for {query.get('url')}",
        "status": "active" if detector.enabled else "disabled", "uptimeStatus": 1,
        "mode": detector.config.get("mode", MANUAL),
        "owner": owner_object(org, detector.owner),
        "url": query.get("url"), "method": query.get("method"), "body": query.get("body"),
        "headers": query.get("headers"), "intervalSeconds": query.get("interval_seconds"),
        "timeoutMs": query.get("timeout_ms"), "traceSampling": query.get("trace_sampling")}
    if org.uptime_thresholds:
        body.update(recoveryThreshold=detector.config["recovery_threshold"],
                    downtimeThreshold=detector.config["downtime_threshold"],
                    assertion=query.get("assertion"))
    return body


def _monitor(call: Call, project: FakeProject) -> FakeDetector:
    found = org_of(call).detectors.get(call.params["uptime_id"])
    if found is None or found.type != UPTIME_DETECTOR or found.project_id != project.id:
        raise not_found()
    return found


def create_monitor(call: Call) -> Reply:
    project = project_of(call)
    org = call.org
    with camel_errors():
        clean = _clean(org, snake_keys(object_body(call)), None)
    detector = FakeDetector(id=org.next_id(), project_id=project.id, name="",
                            type=UPTIME_DETECTOR,
                            config={"mode": MANUAL, "environment": None,
                                    "recovery_threshold": DEFAULT_RECOVERY,
                                    "downtime_threshold": DEFAULT_DOWNTIME},
                            condition_group={"id": org.next_id(), "logic_type": "any",
                                             "conditions": []})
    _apply(org, detector, clean)
    org.detectors[detector.id] = detector
    return Reply(200, monitor_body(org, detector))


def get_monitor(call: Call) -> Reply:
    return Reply(200, monitor_body(call.org, _monitor(call, project_of(call))))


def put_monitor(call: Call) -> Reply:
    detector = _monitor(call, project_of(call))
    with camel_errors():
        clean = _clean(call.org, snake_keys(object_body(call)), detector)
    _apply(call.org, detector, clean)
    return Reply(200, monitor_body(call.org, detector))


def delete_monitor(call: Call) -> Reply:
    org = call.org
    detector = _monitor(call, project_of(call))
    del org.detectors[detector.id]
    org.links = {(d, w) for d, w in org.links if d != detector.id}
    return Reply(202)


def list_monitors(call: Call) -> Reply:
    org = org_of(call)
    wanted = project_ids(org, call.query, "project")
    items = [monitor_body(org, d) for d in org.detectors.values()
             if d.type == UPTIME_DETECTOR and (wanted is None or d.project_id in wanted)]
    return paginated(items, call.query, call.page_size, call.url)
