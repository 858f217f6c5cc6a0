"""What the organisation's Sentry plan allows, checked before anything reaches Sentry.

Sentry gates some alert actions by organisation feature: ``BaseActionValidator._check_action_type``
(workflow_engine/endpoints/validators/base/action.py) answers 400 "Organization does not allow
this action type: github" when the integration's actions need a feature the organisation lacks
(``is_action_permitted``, processors/action.py). Tickets from alerts (GitHub, Jira...) need
``organizations:integrations-ticket-rules``, which Sentry's pricing gives the Business and
Enterprise plans; self-hosted Sentry turns every feature on. The plan is ``plan:`` in org.yaml
(or ``retention.plan``); where neither says, the deploy asks Sentry for the features instead
(providers.resolve ``Resolver.features``). The checks are ``config.checks.plans``.
"""

from __future__ import annotations

from sentry_iac.config.models import Organization

TICKET_CHANNEL_KINDS = frozenset({"github"})
TICKET_PLANS = frozenset({"business", "enterprise", "self-hosted"})
# Inbound filters by error message and release need projects:custom-inbound-filters (Sentry's
# pricing: Business and Enterprise; self-hosted turns it on).
CUSTOM_FILTER_PLANS = TICKET_PLANS
# Anomaly detection runs on Seer, which self-hosted Sentry does not run (SENTRY_ALERTS_API.md
# §5; sentry_iac.sentry.anomaly): there Sentry answers every anomaly monitor "Couldn't send
# data to Seer". Which sentry.io plans include it is Sentry's feature flag
# anomaly-detection-alerts, not a plan name (features/temporary.py): the deploy is told.
NO_SEER_PLANS = frozenset({"self-hosted"})


def organisation_plan(org: Organization) -> str | None:
    return org.plan or (org.retention.plan if org.retention is not None else None)
