"""Alert (workflow) endpoints (SENTRY_ALERTS_API.md sections 1.1, 1.3-1.5 and 2.8-2.13).

Sources (getsentry/sentry, ``src/sentry/workflow_engine/endpoints/``):
``organization_workflow_index.py`` ``OrganizationWorkflowIndexEndpoint`` (``post``; ``put`` and
``delete``: the "At least one of …" 400 comes before the body is read, then
``validators/detector_workflow_mutation.py`` ``DetectorWorkflowMutationValidator`` requires
``enabled``; nothing found is a 200 "No workflows found."; ``filter_workflows``) and
``organization_workflow_details.py`` ``OrganizationWorkflowDetailsEndpoint``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_sentry import listing
from tests.fake_sentry.alert_shapes import workflow_body
from tests.fake_sentry.casing import camel_errors, snake_keys
from tests.fake_sentry.links import requested_links
from tests.fake_sentry.lookup import by_numeric_id, object_body, org_of
from tests.fake_sentry.replies import HttpError, Reply
from tests.fake_sentry.state import DATE_UPDATED, FakeOrganization, FakeWorkflow
from tests.fake_sentry.validation import REQUIRED, Invalid, boolean
from tests.fake_sentry.workflow_checks import clean_workflow

if TYPE_CHECKING:
    from tests.fake_sentry.routes import Call

BULK_FILTERS = ("id", "query", "project", "projectSlug")
NO_FILTER = "At least one of 'id', 'query', 'project', or 'projectSlug' must be provided."


def _link(org: FakeOrganization, workflow_id: str, detector_ids: set[str] | None) -> None:
    if detector_ids is None:
        return  # absent: the links stay as they are
    org.links = {(d, w) for d, w in org.links if w != workflow_id}
    org.links |= {(d, workflow_id) for d in detector_ids}


def create_workflow(call: Call) -> Reply:
    org = org_of(call)
    body = object_body(call)
    with camel_errors():
        values = clean_workflow(org, snake_keys(body))
        detector_ids = requested_links(
            body, "detectorIds", org.detectors, "detectors", creating=True, wrapped=False
        )
    workflow = FakeWorkflow(id=org.next_id(), **values)
    org.workflows[workflow.id] = workflow
    _link(org, workflow.id, detector_ids)
    return Reply(201, workflow_body(org, workflow))


def _actions(workflow: FakeWorkflow) -> list[dict[str, Any]]:
    return [a for f in workflow.action_filters for a in f["actions"]]


def _matches(workflow: FakeWorkflow, term: listing.Term) -> bool:
    if term.key == "action":
        return any(term.matches(a["type"]) for a in _actions(workflow)) != term.negated
    return listing.contains(term, workflow.name) != term.negated


def _selected(call: Call) -> list[FakeWorkflow]:
    org = org_of(call)
    ids = listing.requested_ids(call.query)
    projects = listing.project_ids(org, call.query, "project", "projectSlug")
    wanted_detectors = set(call.query.get("detector", []))
    terms = listing.parse_query(call.query.get("query", [""])[0])
    links: dict[str, list[str]] = {}
    for detector_id, workflow_id in org.links:  # once, not once per workflow
        links.setdefault(workflow_id, []).append(detector_id)
    found = []
    for workflow in org.workflows.values():
        linked = links.get(workflow.id, [])
        in_projects = (
            projects is None
            or not linked
            or any(org.detectors[d].project_id in projects for d in linked)
        )  # Sentry also returns alerts linked to no monitor at all
        if (
            in_projects
            and (ids is None or workflow.id in ids)
            and (not wanted_detectors or wanted_detectors & set(linked))
            and all(_matches(workflow, term) for term in terms)
        ):
            found.append(workflow)
    listing.sort(
        found,
        call.query,
        {
            "id": lambda w: 0,
            "name": lambda w: w.name.lower(),
            "dateCreated": lambda w: 0,
            "dateUpdated": lambda w: w.date_updated,
            "connectedDetectors": lambda w: len(links.get(w.id, [])),
            "actions": lambda w: len(_actions(w)),
            "lastTriggered": lambda w: 0,
            "priorityDetector": lambda w: 0,
        },
    )
    return found


def list_workflows(call: Call) -> Reply:
    return listing.counted_page(_selected(call), call.query, call.page_size, call.url,
                                lambda w: workflow_body(call.org, w))


def _bulk_targets(call: Call) -> list[FakeWorkflow]:
    if not any(name in call.query for name in BULK_FILTERS):
        raise HttpError(
            400,
            {"detail": NO_FILTER},
        )
    return _selected(call)


def bulk_update_workflows(call: Call) -> Reply:
    body = object_body(call)
    _bulk_targets(call)  # the filter check comes first
    if "enabled" not in body:
        raise Invalid({"enabled": [REQUIRED]})
    enabled, errors = boolean(body["enabled"])
    if errors:
        raise Invalid({"enabled": errors})
    found = _bulk_targets(call)
    if not found:
        return Reply(200, {"detail": "No workflows found."})
    for workflow in found:
        workflow.enabled = enabled
        workflow.date_updated = DATE_UPDATED
    items = [workflow_body(call.org, w) for w in found]
    return listing.counted(items, call.query, call.page_size, call.url)


def _delete(org: FakeOrganization, workflow: FakeWorkflow) -> None:
    del org.workflows[workflow.id]
    org.links = {(d, w) for d, w in org.links if w != workflow.id}


def bulk_delete_workflows(call: Call) -> Reply:
    found = _bulk_targets(call)
    if not found:
        return Reply(200, {"detail": "No workflows found."})
    for workflow in found:
        _delete(call.org, workflow)
    return Reply(204)


def _workflow(call: Call) -> FakeWorkflow:
    return by_numeric_id(org_of(call).workflows, call.params["workflow_id"])


def get_workflow(call: Call) -> Reply:
    return Reply(200, workflow_body(call.org, _workflow(call)))


def put_workflow(call: Call) -> Reply:
    workflow = _workflow(call)
    org = call.org
    body = object_body(call)
    with camel_errors():
        values = clean_workflow(org, snake_keys(body), workflow)
        detector_ids = requested_links(body, "detectorIds", org.detectors, "detectors")
    for name, value in values.items():
        setattr(workflow, name, value)
    workflow.date_updated = DATE_UPDATED
    _link(org, workflow.id, detector_ids)
    return Reply(200, workflow_body(org, workflow))


def delete_workflow(call: Call) -> Reply:
    _delete(call.org, _workflow(call))
    return Reply(204)
