"""``legacy/...``: what the retired alert-rule API cannot express, in the stacks that deploy
through it (``alertsBackend: legacy``). Checked on the validated models, once nothing else is
wrong."""

from __future__ import annotations

from collections.abc import Iterator

from sentry_iac.config.alerts import legacy_problems
from sentry_iac.config.checks.context import CheckContext, Finding
from sentry_iac.config.checks.registry import check
from sentry_iac.config.crons import legacy_issue_rule
from sentry_iac.config.models import Channel, Organization
from sentry_iac.config.routing import cron_routing, rule_channel_names
from sentry_iac.config.stack_views import rule_is_on, stack_uptime
from sentry_iac.config.uptime import legacy_issue_rule as uptime_rule
from sentry_iac.sentry.uptime import LEGACY_MAX_NAME


def channel_kinds(org: Organization) -> dict[str, tuple[str, bool]]:
    """Channel -> (kind, whether the legacy alert-rule API can use it)."""
    return {name: ("email-owners" if c.email and c.email.issue_owners else c.kind,
                   _legacy_usable(c)) for name, c in org.channels.items()}


def _legacy_usable(channel: Channel) -> bool:
    if channel.email is not None:
        return channel.email.member is None
    if channel.pagerduty is not None:
        return channel.pagerduty.service_id is not None
    return channel.opsgenie is None


def _legacy_stacks(context: CheckContext) -> list[str]:
    return sorted(s for s, c in context.stack_configs.items() if c.alerts_backend == "legacy")


@check("legacy/rule", "an alert rule the legacy backend cannot express, in a legacy stack",
       after_validation=True)
def legacy_rule(context: CheckContext) -> Iterator[Finding]:
    org = context.model
    if org is None:
        return
    kinds = channel_kinds(org)
    projects = {p.slug: p for p in org.projects}
    for stack in _legacy_stacks(context):
        for source, alerts_file in context.alert_models:
            for index, rule in enumerate(alerts_file.alerts):
                if not rule_is_on(rule, stack):
                    continue
                channels = rule_channel_names(rule, stack, org, projects)
                for problem in legacy_problems(rule, kinds, channels):
                    yield Finding(source, ("alerts", index), f"in stack '{stack}': {problem}")


@check("legacy/cron", "a cron's alert the legacy backend cannot express (its channels), in a "
                      "legacy stack", after_validation=True)
def legacy_cron(context: CheckContext) -> Iterator[Finding]:
    org, source = context.model, context.org_source
    if org is None or source is None:
        return
    kinds = channel_kinds(org)
    for stack in _legacy_stacks(context):
        for i, project in enumerate(org.projects):
            for j, cron in enumerate(project.crons):
                override = cron.environments.get(stack)
                if override is not None and not override.enabled:
                    continue
                rule = legacy_issue_rule(cron, project.slug)
                channels = cron_routing(cron, project, stack, org).channels
                for problem in legacy_problems(rule, kinds, channels):
                    yield Finding(source, ("projects", i, "crons", j),
                                  f"in stack '{stack}': {problem}")


@check("legacy/uptime", "an uptime check the legacy backend cannot express (channels, long "
                        "name), in a legacy stack", after_validation=True)
def legacy_uptime(context: CheckContext) -> Iterator[Finding]:
    org, source = context.model, context.org_source
    if org is None or source is None:
        return
    kinds = channel_kinds(org)
    index = {(p.slug, c.id): (i, j) for i, p in enumerate(org.projects)
             for j, c in enumerate(p.uptime)}
    for stack in _legacy_stacks(context):
        for item in stack_uptime(org, stack):
            path = ("projects", *index[(item.project.slug, item.check.id)])
            at = (path[0], path[1], "uptime", path[2])
            if len(item.display_name) > LEGACY_MAX_NAME:
                yield Finding(source, at, (
                    f"in stack '{stack}': its name there, '{item.display_name}', is longer "
                    f"than the {LEGACY_MAX_NAME} characters Sentry's uptime endpoint takes; "
                    "shorten name:"))
            if item.paused:
                continue
            rule = uptime_rule(item.check, item.project.slug)
            names = tuple(name for name, _ in item.channels)
            for problem in legacy_problems(rule, kinds, names):
                yield Finding(source, at, f"in stack '{stack}': {problem}")
