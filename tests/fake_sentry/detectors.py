"""Monitor (detector) endpoints (SENTRY_ALERTS_API.md sections 1.1, 1.4, 1.5 and 4).

Sources (getsentry/sentry, ``src/sentry/workflow_engine/endpoints/``):
``organization_project_detector_index.py`` (create), ``organization_detector_index.py``
``OrganizationDetectorIndexEndpoint`` (``get``: "Invalid sort field"; ``put`` / ``delete``: the
"At least one of …" 400 before the body is read, ``DetectorWorkflowMutationValidator``
requiring ``enabled``, "Some detectors were not found or you do not have permission to
update/delete them." when ``id`` names missing ones, 200 "No detectors found.",
``can_delete_detectors`` refusing system monitors with 403) and
``organization_detector_details.py`` ``OrganizationDetectorDetailsEndpoint`` (``delete``:
``can_delete_detector``, 403 for system monitors).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tests.fake_sentry import listing
from tests.fake_sentry.alert_shapes import detector_body
from tests.fake_sentry.anomaly import hand_to_seer
from tests.fake_sentry.casing import camel_errors, snake_keys
from tests.fake_sentry.detector_checks import clean_detector
from tests.fake_sentry.links import requested_links
from tests.fake_sentry.lookup import by_numeric_id, object_body, org_of, project_of
from tests.fake_sentry.replies import NO_PERMISSION, HttpError, Reply
from tests.fake_sentry.state import DATE_UPDATED, FakeDetector, FakeOrganization
from tests.fake_sentry.validation import REQUIRED, Invalid, boolean

if TYPE_CHECKING:
    from tests.fake_sentry.routes import Call

NOT_ALL_FOUND = "Some detectors were not found or you do not have permission to {verb} them."
NO_FILTER = "At least one of 'id', 'query', 'project', or 'projectSlug' must be provided."


def _sort_keys(org: FakeOrganization) -> dict[str, Callable[[FakeDetector], Any]]:
    return {
        "id": lambda d: 0,  # ties are broken by id anyway
        "name": lambda d: d.name.lower(),
        "type": lambda d: d.type,
        "connectedWorkflows": lambda d: len(org.workflow_ids_of(d.id)),
        "latestGroup": lambda d: 0,  # the fake has no issues
        "openIssues": lambda d: 0,
    }


def _link(org: FakeOrganization, detector_id: str, workflow_ids: set[str] | None) -> None:
    if workflow_ids is None:
        return  # absent: the links stay as they are
    org.links = {(d, w) for d, w in org.links if d != detector_id}
    org.links |= {(detector_id, w) for w in workflow_ids}


def create_detector(call: Call) -> Reply:
    project = project_of(call)
    org = call.org
    body = object_body(call)
    with camel_errors():
        snake = snake_keys(body)
        values = clean_detector(org, snake)
        workflow_ids = requested_links(
            body, "workflowIds", org.workflows, "workflows", creating=True
        )
    hand_to_seer(org, values)
    # clean_detector has checked the type: a metric or an uptime monitor
    detector = FakeDetector(id=org.next_id(), project_id=project.id, type=str(snake["type"]),
                            **values)
    org.detectors[detector.id] = detector
    _link(org, detector.id, workflow_ids)
    return Reply(201, detector_body(org, detector))


def _matches(org: FakeOrganization, detector: FakeDetector, term: listing.Term) -> bool:
    if term.key is None:
        return listing.contains(term, detector.name, detector.type, detector.description)
    if term.key == "type":
        return term.matches(detector.type)
    if term.key == "name":
        return listing.contains(term, detector.name) != term.negated
    if term.key == "assignee":
        return term.matches(_assignee(org, detector.owner))
    return listing.contains(listing.Term(None, (f"{term.key}:{term.values[0]}",)), detector.name)


def _assignee(org: FakeOrganization, owner: str | None) -> str:
    if owner is None:
        return "none"
    kind, _, actor_id = owner.partition(":")
    if kind == "team":
        team = org.find_team_by_id(actor_id)
        return f"#{team.slug}" if team else owner
    member = org.find_member_by_user(actor_id)
    return member.email if member else owner


def _selected(call: Call) -> list[FakeDetector]:
    org = org_of(call)
    ids = listing.requested_ids(call.query)
    projects = (
        None if ids is not None else listing.project_ids(org, call.query, "project", "projectSlug")
    )
    terms = listing.parse_query(call.query.get("query", [""])[0])
    found = [
        d
        for d in org.detectors.values()
        if (projects is None or d.project_id in projects)
        and (ids is None or d.id in ids)
        and all(_matches(org, d, term) for term in terms)
    ]
    listing.sort(found, call.query, _sort_keys(org))
    return found


def list_detectors(call: Call) -> Reply:
    return listing.counted_page(_selected(call), call.query, call.page_size, call.url,
                                lambda d: detector_body(call.org, d))


def _require_filter(call: Call) -> None:
    if not any(name in call.query for name in ("id", "query", "project", "projectSlug")):
        raise HttpError(400, {"detail": NO_FILTER})


def _bulk_targets(call: Call, verb: str) -> list[FakeDetector]:
    _require_filter(call)
    found = _selected(call)
    ids = listing.requested_ids(call.query)
    if ids is not None and len(found) < len(set(ids)):
        raise HttpError(400, {"detail": NOT_ALL_FOUND.format(verb=verb)})
    return found


def bulk_update_detectors(call: Call) -> Reply:
    body = object_body(call)
    _require_filter(call)
    if "enabled" not in body:
        raise Invalid({"enabled": [REQUIRED]})
    enabled, errors = boolean(body["enabled"])
    if errors:
        raise Invalid({"enabled": errors})
    found = _bulk_targets(call, "update")
    if not found:
        return Reply(200, {"detail": "No detectors found."})
    for detector in found:
        detector.enabled = enabled
        detector.date_updated = DATE_UPDATED
    items = [detector_body(call.org, d) for d in found]
    return listing.counted(items, call.query, call.page_size, call.url)


def _delete(org: FakeOrganization, detectors: list[FakeDetector]) -> None:
    if any(d.system for d in detectors):
        raise HttpError(403, NO_PERMISSION)  # system monitors can never be deleted
    for detector in detectors:
        del org.detectors[detector.id]
        org.links = {(d, w) for d, w in org.links if d != detector.id}


def bulk_delete_detectors(call: Call) -> Reply:
    found = _bulk_targets(call, "delete")
    if not found:
        return Reply(200, {"detail": "No detectors found."})
    _delete(call.org, found)
    return Reply(204)


def _detector(call: Call) -> FakeDetector:
    return by_numeric_id(org_of(call).detectors, call.params["detector_id"])


def get_detector(call: Call) -> Reply:
    return Reply(200, detector_body(call.org, _detector(call)))


def put_detector(call: Call) -> Reply:
    detector = _detector(call)
    org = call.org
    body = object_body(call)
    with camel_errors():
        values: dict[str, Any] = clean_detector(org, snake_keys(body), detector)
        workflow_ids = requested_links(body, "workflowIds", org.workflows, "workflows")
    hand_to_seer(org, values, detector)
    for name, value in values.items():
        setattr(detector, name, value)
    detector.date_updated = DATE_UPDATED
    _link(org, detector.id, workflow_ids)
    return Reply(200, detector_body(org, detector))


def delete_detector(call: Call) -> Reply:
    _delete(call.org, [_detector(call)])
    return Reply(204)
