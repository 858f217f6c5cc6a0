"""Team roles, spike protection and spike notifications: their part of the contract scenario,
successes and typical rejections, checked against Sentry's public schema like every other
exchange (``test_contract``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from sentry_iac.providers import SentryApiError, SentryClient, api_path
from tests.fake_sentry import FakeSentry


def with_quota_errata(document: dict[str, Any]) -> dict[str, Any]:
    """The notification-action list answers 200 with a page of actions (``self.paginate``),
    where its ``extend_schema`` documents a 201 of one action (notification_actions_index.py
    ``get``)."""
    listing = document["paths"]["/api/0/organizations/{organization_id_or_slug}/"
                                "notifications/actions/"]["get"]
    one = listing["responses"]["201"]
    schema = one["content"]["application/json"]["schema"]
    listing["responses"].setdefault("200", {
        **one, "content": {"application/json": {"schema": {"type": "array", "items": schema}}}})
    return document


def run_quotas_scenario(fake: FakeSentry, client: SentryClient) -> None:
    org = fake.org
    base = ("organizations", org.slug)
    lead = org.add_member("lead@example.org", teams=["backend"])
    member = api_path(*base, "members", lead.id)
    client.get(member)
    role = api_path(*base, "members", lead.id, "teams", "backend")
    client.put(role, {"teamRole": "admin"})
    list(client.paginate(api_path("teams", org.slug, "backend", "members")))  # listTeamMembers
    spikes = api_path(*base, "spike-protections")
    client.post(spikes, {"projects": ["spms-backend"]})
    client.delete(spikes, json={"projects": ["spms-backend"]})
    slack = org.add_integration("slack", name="dbca")
    actions = api_path(*base, "notifications", "actions")
    made = client.create(actions, {"trigger_type": "spike-protection", "service_type": "slack",
                                   "integration_id": int(slack.id), "target_type": "specific",
                                   "target_display": "#ops", "projects": ["spms-backend"]})
    list(client.paginate(actions, {"triggerType": "spike-protection"}))
    action = api_path(*base, "notifications", "actions", str(made["id"]))
    client.get(action)
    client.put(action, {"trigger_type": "spike-protection",
                        "service_type": "sentry_notification", "target_type": "specific",
                        "target_identifier": "default", "target_display": "default",
                        "projects": ["spms-backend"]})
    client.delete(action)
    rejected: list[Callable[[], object]] = [
        lambda: client.put(role, {"teamRole": "owner"}),
        lambda: client.put(api_path(*base, "members", lead.id, "teams", "frontend"),
                           {"teamRole": "admin"}),
        lambda: client.post(spikes, {}),
        lambda: client.post(actions, {"trigger_type": "spike-protection",
                                      "service_type": "slack"}),
    ]
    for call in rejected:
        with pytest.raises(SentryApiError):
            call()
