"""``plan/...``: what the organisation's Sentry plan allows (see ``config.plans``), checked on
the validated models once nothing else is wrong."""

from __future__ import annotations

from collections.abc import Iterator

from sentry_iac.config.alerts import rule_channels
from sentry_iac.config.checks.context import CheckContext, Finding
from sentry_iac.config.checks.registry import check
from sentry_iac.config.models import Organization
from sentry_iac.config.plans import (
    TICKET_CHANNEL_KINDS,
    TICKET_PLANS,
    organisation_plan,
)
from sentry_iac.config.stack_views import stack_uptime
from sentry_iac.sentry.actions import TICKET_FEATURE


@check("plan/retention-mismatch", "retention.plan is not the organisation's plan (plan:)",
       after_validation=True)
def retention_plan_mismatch(context: CheckContext) -> Iterator[Finding]:
    org, source = context.model, context.org_source
    if org is None or source is None or org.plan is None or org.retention is None:
        return
    if org.retention.plan != org.plan:
        yield Finding(source, ("retention", "plan"), f"'{org.retention.plan}' is not the "
                                                     f"organisation's plan ('{org.plan}')")


def _channel_users(context: CheckContext, org: Organization) -> dict[str, list[str]]:
    """Channel -> the rules and crons (with the stack) that send to it."""
    routes = org.routes
    users: dict[str, list[str]] = {}
    for stack in context.stack_configs:
        for _, alerts_file in context.alert_models:
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
        for item in stack_uptime(org, stack):
            if not item.paused:
                for name, _ in item.channels:
                    users.setdefault(name, []).append(f"uptime {item.check.id} ({stack})")
    return users


@check("plan/ticket-channel", "an alert or cron opens tickets (GitHub issues) on a plan "
                              "without them", after_validation=True)
def ticket_channel_on_plan(context: CheckContext) -> Iterator[Finding]:
    org, source = context.model, context.org_source
    plan = organisation_plan(org) if org is not None else None
    if org is None or source is None or plan is None or plan in TICKET_PLANS:
        return
    users = _channel_users(context, org)
    for name, channel in org.channels.items():
        if channel.kind not in TICKET_CHANNEL_KINDS or not users.get(name):
            continue
        used_by = ", ".join(sorted(set(users[name])))
        yield Finding(source, ("channels", name), (
            f"{channel.kind} issues from alerts need Sentry's {TICKET_FEATURE} feature, which "
            f"the {plan} plan does not have (Business and Enterprise do): Sentry would refuse "
            f"the alerts that use this channel: {used_by}. Route them to another channel, or "
            "set `plan:` to the organisation's plan"))
