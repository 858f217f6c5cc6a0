"""``workflowIds`` on a monitor and ``detectorIds`` on an alert: the exact set of links.

Sources (getsentry/sentry, ``src/sentry/workflow_engine/endpoints/``):

- The endpoints read both keys from the raw body (``request.data.get("detectorIds")`` in
  ``organization_workflow_index.py`` ``post`` and ``organization_workflow_details.py`` ``put``;
  ``request.data.get("workflowIds")`` in the detector create and
  ``organization_detector_details.py`` ``put``), so only the camelCase spelling counts
  (SENTRY_ALERTS_API.md section 1.3). On POST an absent, null or empty list links nothing; on
  PUT an absent or null key keeps the links, a list (even empty) replaces them.
- ``validators/detector_workflow.py`` ``BulkWorkflowDetectorsValidator`` /
  ``BulkDetectorWorkflowsValidator``: ``ListField(child=IntegerField())``, DRF's integer rules
  item by item. Their errors are the camelCased ``{"detectorIds": …}``; every endpoint but the
  alert POST wraps them once more under the key (``ValidationError({"detectorIds":
  bulk_validator.errors})``), the alert POST raises them as they are.
- Unknown ids are refused by the validators' ``create`` (``validators/utils.py``
  ``validate_detectors_exist_and_have_permissions`` / ``validate_workflows_exist``: "Some
  detectors do not exist: {…}"), i.e. while saving, so the answer is a bare list.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tests.fake_sentry.groups import list_error
from tests.fake_sentry.replies import HttpError
from tests.fake_sentry.validation import Invalid, drf_int


def requested_links(
    body: Mapping[str, Any],
    key: str,
    known: Mapping[str, Any],
    noun: str,
    *,
    creating: bool = False,
    wrapped: bool = True,
) -> set[str] | None:
    """The ids under camelCase ``key``, or None when the links stay as they are."""
    raw = body.get(key)
    if raw is None or (creating and not raw):
        return None  # POST: nothing to link; PUT: keep the links
    if not isinstance(raw, list):
        errors: dict[str, Any] = {key: [list_error(raw)]}
    else:
        bad = {str(n): ["A valid integer is required."]
               for n, item in enumerate(raw) if drf_int(item) is None}
        errors = {key: bad} if bad else {}
    if errors:
        raise Invalid({key: errors} if wrapped else errors)
    ids = {str(drf_int(item)) for item in raw}
    missing = ids - set(known)
    if missing:
        shown = "{" + ", ".join(sorted(missing, key=int)) + "}"
        raise HttpError(400, [f"Some {noun} do not exist: {shown}"])
    return ids
