"""Legacy rule ids of migrated alerts: ``GET /organizations/{org}/alert-rule-workflow/``.

A private endpoint (SENTRY_ALERTS_API.md sections 1.6 and 6): ``ruleId``, ``alertRuleId`` or
``workflowId`` in the query finds one mapping, answered as strings; 404 when there is none (an
alert made through the new API has no legacy rule).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.fake_sentry.lookup import org_of
from tests.fake_sentry.replies import HttpError, Reply, not_found
from tests.fake_sentry.state import FakeOrganization

if TYPE_CHECKING:
    from tests.fake_sentry.routes import Call

KEYS = {"ruleId": "ruleId", "rule_id": "ruleId", "alertRuleId": "alertRuleId",
        "alert_rule_id": "alertRuleId", "workflowId": "workflowId", "workflow_id": "workflowId"}


def mark_migrated(org: FakeOrganization, workflow_id: str, *, rule_id: str | None = None,
                  alert_rule_id: str | None = None) -> None:
    """Record that ``workflow_id`` was migrated from a legacy issue or metric alert."""
    org.legacy_ids[workflow_id] = {"ruleId": rule_id, "alertRuleId": alert_rule_id}


def get_alert_rule_workflow(call: Call) -> Reply:
    org = org_of(call)
    asked = {KEYS[k]: v[0] for k, v in call.query.items() if k in KEYS and v}
    if len(asked) != 1:
        raise HttpError(400, {"detail": "Exactly one of ruleId, alertRuleId or workflowId is "
                                        "required."})
    (key, value), = asked.items()
    for workflow_id, ids in org.legacy_ids.items():
        row = {**ids, "workflowId": workflow_id}
        if row.get(key) == value:
            return Reply(200, row)
    raise not_found()
