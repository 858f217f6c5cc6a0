"""The import's part of the contract scenario: the private ``alert-rule-workflow`` lookup, which
Sentry's public schema leaves out, checked against a schema built from SENTRY_ALERTS_API.md
section 1.6 (``{"ruleId", "alertRuleId", "workflowId"}``, strings or null)."""

from __future__ import annotations

import pytest

from sentry_iac.providers import SentryClient, SentryNotFoundError, api_path
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.migration import mark_migrated
from tests.fake_sentry.routes import ORG

ALERT_RULE_WORKFLOW = ORG + "alert-rule-workflow/"
_ID = {"type": ["string", "null"]}
ALERT_RULE_WORKFLOW_RESPONSE = {
    "type": "object",
    "properties": {"ruleId": _ID, "alertRuleId": _ID, "workflowId": {"type": "string"}},
    "required": ["ruleId", "alertRuleId", "workflowId"],
    "additionalProperties": False,
}


def run_import_scenario(fake: FakeSentry, client: SentryClient) -> None:
    """A migrated alert is found by its workflow id and by its legacy rule id; another is not."""
    org = fake.org.slug
    path = api_path("organizations", org, "alert-rule-workflow")
    workflow_id = next(iter(fake.org.workflows), "1")
    mark_migrated(fake.org, workflow_id, rule_id="4521")
    assert client.get(path, {"workflowId": workflow_id})["ruleId"] == "4521"
    assert client.get(path, {"ruleId": "4521"})["workflowId"] == workflow_id
    with pytest.raises(SentryNotFoundError):
        client.get(path, {"workflowId": "999999"})
