"""Installed integrations, which alert actions name by id (SENTRY_ALERTS_API.md section 2.13).

``GET /organizations/{org}/integrations/?providerKey=pagerduty`` (Sentry also reads
``provider_key``); a PagerDuty integration lists its services in ``configData.service_table``.

Source: ``src/sentry/integrations/api/endpoints/organization_integrations_index.py``
``OrganizationIntegrationsEndpoint.get`` (``providerKey`` / ``provider_key`` and ``features``
filters). source not found for the providers' feature lists (``FEATURES`` below): each
provider's ``IntegrationProvider.features`` was not read; they matter for
``processors/action.py`` ``is_action_permitted``, which the fake does not model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_sentry.lookup import org_of
from tests.fake_sentry.pagination import paginated
from tests.fake_sentry.replies import Reply
from tests.fake_sentry.state import PROVIDERS, FakeIntegration, FakeOrganization

if TYPE_CHECKING:
    from tests.fake_sentry.routes import Call

FEATURES = {
    "slack": ["alert-rule", "chat-unfurl"],
    "msteams": ["alert-rule", "chat-unfurl"],
    "discord": ["alert-rule", "chat-unfurl"],
    "pagerduty": ["alert-rule", "incident-management"],
    "opsgenie": ["alert-rule", "incident-management"],
    "github": ["codeowners", "commits", "issue-basic", "stacktrace-link"],
    "github_enterprise": ["codeowners", "commits", "issue-basic", "stacktrace-link"],
    "jira": ["issue-basic", "issue-sync"],
    "jira_server": ["issue-basic", "issue-sync"],
    "vsts": ["commits", "issue-basic", "issue-sync"],
}


def integration_body(org: FakeOrganization, integration: FakeIntegration) -> dict[str, Any]:
    key = integration.provider
    return {
        "id": integration.id,
        "name": integration.name,
        "icon": None,
        "domainName": f"{integration.external_id}.{key}.example" if key == "slack" else None,
        "accountType": None,
        "scopes": None,
        "outOfDate": False,
        "status": integration.status,
        "provider": {
            "key": key,
            "slug": key,
            "name": PROVIDERS[key],
            "canAdd": True,
            "canDisable": False,
            "features": FEATURES[key],
            "aspects": {},
        },
        "configOrganization": [],
        "configData": integration.config_data,
        "externalId": integration.external_id,
        "organizationId": int(org.id),
        "organizationIntegrationStatus": "active",
        "gracePeriodEnd": None,
    }


def list_integrations(call: Call) -> Reply:
    org = org_of(call)
    wanted = (call.query.get("providerKey") or call.query.get("provider_key") or [""])[0]
    features = set(call.query.get("features", []))
    items = [
        integration_body(org, integration)
        for integration in org.integrations.values()
        if (not wanted or integration.provider == wanted)
        and features <= set(FEATURES[integration.provider])
    ]
    return paginated(items, call.query, call.page_size, call.url)
