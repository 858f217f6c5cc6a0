"""What the organisation's Sentry plan allows, checked before anything reaches Sentry.

Sentry gates some alert actions by organisation feature: ``BaseActionValidator._check_action_type``
(workflow_engine/endpoints/validators/base/action.py) answers 400 "Organization does not allow
this action type: github" when the integration's actions need a feature the organisation lacks
(``is_action_permitted``, processors/action.py). Tickets from alerts (GitHub, Jira...) need
``organizations:integrations-ticket-rules``, which Sentry's pricing gives the Business and
Enterprise plans; self-hosted Sentry turns every feature on. The plan is ``plan:`` in org.yaml
(or ``retention.plan``); where neither says, the deploy asks Sentry for the features instead
(providers.resolve ``Resolver.features``).
"""

from __future__ import annotations

from collections.abc import Iterable

from sentry_iac.config.alerts import AlertsFile, rule_channels
from sentry_iac.config.errors import SpecError
from sentry_iac.config.models import Organization
from sentry_iac.config.yaml.source import SourceMap
from sentry_iac.sentry.actions import TICKET_FEATURE

TICKET_CHANNEL_KINDS = frozenset({"github"})
TICKET_PLANS = frozenset({"business", "enterprise", "self-hosted"})


def organisation_plan(org: Organization) -> str | None:
    return org.plan or (org.retention.plan if org.retention is not None else None)


def plan_problems(org: Organization, alerts: Iterable[AlertsFile], stacks: Iterable[str],
                  source: SourceMap) -> list[SpecError]:
    """A ticket channel that some rule or cron would use on a plan without tickets."""
    errors: list[SpecError] = []
    if org.plan is not None and org.retention is not None and org.retention.plan != org.plan:
        errors.append(source.error(("retention", "plan"), f"'{org.retention.plan}' is not the "
                                   f"organisation's plan ('{org.plan}')"))
    plan = organisation_plan(org)
    if plan is None or plan in TICKET_PLANS:
        return errors
    routes = org.routes
    users: dict[str, list[str]] = {}
    files = list(alerts)
    for stack in stacks:
        for alerts_file in files:
            for rule in alerts_file.alerts:
                override = rule.environments.get(stack)
                if override is not None and not override.enabled:
                    continue
                for name in rule_channels(rule, stack, routes):
                    users.setdefault(name, []).append(f"{rule.id} ({stack})")
        for project in org.projects:
            for cron in project.crons:
                for name in rule_channels(cron, stack, routes):
                    users.setdefault(name, []).append(f"cron {cron.slug} ({stack})")
    for name, channel in org.channels.items():
        if channel.kind not in TICKET_CHANNEL_KINDS or not users.get(name):
            continue
        used_by = ", ".join(sorted(set(users[name])))
        errors.append(source.error(("channels", name), (
            f"{channel.kind} issues from alerts need Sentry's {TICKET_FEATURE} feature, which "
            f"the {plan} plan does not have (Business and Enterprise do): Sentry would refuse "
            f"the alerts that use this channel: {used_by}. Route them to another channel, or "
            "set `plan:` to the organisation's plan")))
    return errors
