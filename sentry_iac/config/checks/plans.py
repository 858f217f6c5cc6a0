"""``plan/...``: what the organisation's Sentry plan allows (see ``config.plans``), checked on
the validated models once nothing else is wrong."""

from __future__ import annotations

from collections.abc import Iterator

from sentry_iac.config.checks.context import CheckContext, Finding
from sentry_iac.config.checks.registry import check
from sentry_iac.config.models import Organization
from sentry_iac.config.plans import (
    CUSTOM_FILTER_PLANS,
    NO_SEER_PLANS,
    TICKET_CHANNEL_KINDS,
    TICKET_PLANS,
    organisation_plan,
)
from sentry_iac.config.routing import cron_routing, rule_channel_names
from sentry_iac.config.stack_views import rule_is_on, stack_uptime
from sentry_iac.sentry.actions import TICKET_FEATURE
from sentry_iac.sentry.filters import CUSTOM_FILTERS_FEATURE


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
    users: dict[str, list[str]] = {}
    projects = {p.slug: p for p in org.projects}
    for stack in context.stack_configs:
        for _, alerts_file in context.alert_models:
            for rule in alerts_file.alerts:
                if not rule_is_on(rule, stack):
                    continue
                for name in rule_channel_names(rule, stack, org, projects):
                    users.setdefault(name, []).append(f"{rule.id} ({stack})")
        for project in org.projects:
            for cron in project.crons:
                for name in cron_routing(cron, project, stack, org).channels:
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


@check("plan/custom-inbound-filters", "a project filters by error message or release on a plan "
                                      "without custom inbound filters", after_validation=True)
def custom_inbound_filters_on_plan(context: CheckContext) -> Iterator[Finding]:
    """Sentry answers 400 "You do not have that feature enabled" to ``filters:error_messages``
    and ``filters:releases`` without ``projects:custom-inbound-filters``
    (``ProjectDetailsEndpoint.put``, core/endpoints/project_details.py)."""
    org, source = context.model, context.org_source
    plan = organisation_plan(org) if org is not None else None
    if org is None or source is None or plan is None or plan in CUSTOM_FILTER_PLANS:
        return
    for index, project in enumerate(org.projects):
        filters = project.inbound_filters
        for key in ("error_messages", "releases"):
            if filters is not None and getattr(filters, key) is not None:
                yield Finding(source, ("projects", index, "inbound_filters", key), (
                    f"filtering by {key.replace('_', ' ')} needs Sentry's "
                    f"{CUSTOM_FILTERS_FEATURE} feature, which the {plan} plan does not have "
                    "(Business and Enterprise do): Sentry would refuse it. Leave it out, or "
                    "set `plan:` to the organisation's plan"))


@check("plan/anomaly-detection", "a rule detects anomalies on a Sentry without Seer "
                                 "(self-hosted)", after_validation=True)
def anomaly_detection_on_plan(context: CheckContext) -> Iterator[Finding]:
    org = context.model
    plan = organisation_plan(org) if org is not None else None
    if plan not in NO_SEER_PLANS:
        return
    for source, alerts_file in context.alert_models:
        for index, rule in enumerate(alerts_file.alerts):
            on = [s for s in sorted(context.stack_configs)
                  if (rule.only is None or s in rule.only)
                  and ((o := rule.environments.get(s)) is None or o.enabled)]
            if rule.anomaly is not None and on:
                yield Finding(source, ("alerts", index, "anomaly"), (
                    f"anomaly detection runs on Sentry's Seer, which {plan} Sentry does not "
                    f"have: Sentry would refuse this rule's monitor in {', '.join(on)}. Use "
                    "critical/warning thresholds, or set `plan:` to the organisation's "
                    "sentry.io plan"))


# Team roles are applied only where the organisation has organizations:team-roles
# (organization_member_team_details.py put); Sentry's membership docs give team-level roles
# to the Business and Enterprise plans, and self-hosted Sentry has every feature.
TEAM_ROLE_PLANS = frozenset({"business", "enterprise", "self-hosted"})


@check("plan/team-roles", "a member is made team admin on a plan without team roles (Sentry "
                          "ignores it)", after_validation=True)
def team_roles_on_plan(context: CheckContext) -> Iterator[Finding]:
    org, source = context.model, context.org_source
    plan = organisation_plan(org) if org is not None else None
    if org is None or source is None or plan is None or plan in TEAM_ROLE_PLANS:
        return
    for i, member in enumerate(org.members):
        for j, team in enumerate(member.teams):
            if team.declared_role == "admin" and member.role == "member":
                yield Finding(source, ("members", i, "teams", j, "role"), (
                    f"team roles need Sentry's team-roles feature, which the {plan} plan does "
                    "not have (Business and Enterprise do): Sentry would answer without error "
                    "and leave the member a contributor. Leave role out, or set `plan:` to the "
                    "organisation's plan"))


@check("plan/spike-protection", "spike protection is declared for a self-hosted Sentry, which "
                                "has none", after_validation=True)
def spike_protection_on_plan(context: CheckContext) -> Iterator[Finding]:
    org, source = context.model, context.org_source
    if org is None or source is None or organisation_plan(org) != "self-hosted":
        return
    message = ("spike protection is part of sentry.io (getsentry's spike-protections "
               "endpoints); a self-hosted Sentry has neither the switch nor its notifications. "
               "Remove it")
    for i, project in enumerate(org.projects):
        if project.spike_protection is not None:
            yield Finding(source, ("projects", i, "spike_protection"), message)
    if org.spike_notifications is not None:
        yield Finding(source, ("spike_notifications",), message)
