"""The legacy backend: the same stack rules as ``pulumiverse_sentry.SentryIssueAlert`` and
``SentryMetricAlert``, with the condition / filter / action maps Sentry's retired alert-rule API
stores (every value a string). For self-hosted Sentry releases older than the Monitors API.

Integration ids come from the ``getSentryOrganizationIntegration`` data source at deploy time;
team ids from the teams (owner stack) or their lookups (other stacks)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumiverse_sentry as sentry

from sentry_iac.config.alerts import IssueFilter
from sentry_iac.config.models import Channel
from sentry_iac.config.stack_views import StackRule
from sentry_iac.resources.lifecycle import renamed_aliases
from sentry_iac.resources.payloads.monitors import comparison_value, level_match, metric_query
from sentry_iac.sentry.actions import ACTIVE_MEMBERS
from sentry_iac.sentry.alerts import CATEGORY_IDS, LEVEL_NUMBERS, MATCH_CODES
from sentry_iac.sentry.legacy_rules import (
    ACTIONS,
    CONDITIONS,
    EVENT_FREQUENCY,
    FILTERS,
    USER_FREQUENCY,
)


def legacy_condition(f: IssueFilter) -> dict[str, str] | None:
    """Event and user counts are legacy *conditions*; None for anything that is a filter."""
    if f.events is not None:
        out = {"id": EVENT_FREQUENCY, "interval": f.events.in_}
        if f.events.more_than is not None:
            return {**out, "value": str(f.events.more_than), "comparisonType": "count"}
        return {**out, "value": f"{f.events.percent_more_than:g}", "comparisonType": "percent",
                "comparisonInterval": str(f.events.compared_to)}
    if f.users is not None:
        return {"id": USER_FREQUENCY, "value": str(f.users.more_than), "interval": f.users.in_,
                "comparisonType": "count"}
    return None


def legacy_filter(f: IssueFilter) -> dict[str, str]:
    out = {"id": FILTERS[f.kind]}
    if f.tag is not None:
        out.update(key=f.tag.key, match=MATCH_CODES[f.tag.match])
        if f.tag.value is not None:
            out["value"] = f.tag.value
    elif f.level is not None:
        match, level = level_match(f)
        out.update(match=match, level=str(LEVEL_NUMBERS[level]))
    elif f.age is not None:
        from sentry_iac.resources.payloads.monitors import _age

        age = _age(f.age)
        out.update(comparison_type=age["comparisonType"], value=str(age["value"]),
                   time=age["time"])
    elif f.occurrences is not None:
        out["value"] = str(f.occurrences.at_least)
    elif f.category is not None:
        out["value"] = str(CATEGORY_IDS[f.category])
    return out


def _integration(organization: str, provider: str, name: str) -> pulumi.Output[str]:
    found = sentry.get_sentry_organization_integration_output(
        organization=organization, provider_key=provider, name=name)
    return found.internal_id


def issue_action(organization: str, channel: Channel,
                 team_ids: Mapping[str, pulumi.Output[str]]) -> dict[str, Any]:
    kind = channel.kind
    out: dict[str, Any] = {"id": ACTIONS[kind]}
    if channel.email is not None:
        if channel.email.issue_owners:
            out.update(targetType="IssueOwners", fallthroughType=ACTIVE_MEMBERS)
        else:
            out.update(targetType="Team", targetIdentifier=team_ids[channel.email.team or ""],
                       fallthroughType=ACTIVE_MEMBERS)
    elif channel.msteams is not None:
        out.update(team=_integration(organization, "msteams", channel.msteams.team),
                   channel=channel.msteams.channel)
    elif channel.slack is not None:
        out.update(workspace=_integration(organization, "slack", channel.slack.workspace),
                   channel=channel.slack.channel)
    elif channel.discord is not None:
        out.update(server=_integration(organization, "discord", channel.discord.server),
                   channel_id=channel.discord.channel_id)
    elif channel.pagerduty is not None:
        out.update(account=_integration(organization, "pagerduty", channel.pagerduty.service),
                   service=channel.pagerduty.service_id or "",
                   severity=channel.pagerduty.severity)
    elif channel.github is not None:
        owner = channel.github.repo.split("/", 1)[0]
        out.update(integration=_integration(organization, "github", owner),
                   repo=channel.github.repo, labels=",".join(channel.github.labels))
    return out


def metric_action(organization: str, channel: Channel,
                  team_ids: Mapping[str, pulumi.Output[str]]) -> dict[str, Any]:
    def integration_id(provider: str, name: str) -> pulumi.Output[int]:
        return _integration(organization, provider, name).apply(int)

    if channel.email is not None:
        return {"type": "email", "target_type": "team",
                "target_identifier": team_ids[channel.email.team or ""]}
    if channel.msteams is not None:
        return {"type": "msteams", "target_type": "specific",
                "target_identifier": channel.msteams.channel,
                "integration_id": integration_id("msteams", channel.msteams.team)}
    if channel.slack is not None:
        return {"type": "slack", "target_type": "specific",
                "target_identifier": channel.slack.channel,
                "integration_id": integration_id("slack", channel.slack.workspace)}
    if channel.discord is not None:
        return {"type": "discord", "target_type": "specific",
                "target_identifier": channel.discord.channel_id,
                "integration_id": integration_id("discord", channel.discord.server)}
    assert channel.pagerduty is not None  # others are refused by validation (legacy_problems)
    return {"type": "pagerduty", "target_type": "specific",
            "target_identifier": channel.pagerduty.service_id or "",
            "integration_id": integration_id("pagerduty", channel.pagerduty.service)}


def legacy_alert(
    item: StackRule, organization: str, team_ids: Mapping[str, pulumi.Output[str]],
    parent: pulumi.Resource, depends_on: list[pulumi.Resource],
) -> None:
    opts = pulumi.ResourceOptions(parent=parent, depends_on=depends_on, aliases=renamed_aliases(
        item.key, item.project.slug, item.project.previous_slugs))
    channels = [c for _, c in item.channels]
    if not item.rule.is_metric:
        counts = [c for f in item.rule.filters if (c := legacy_condition(f)) is not None]
        triggers = [{"id": CONDITIONS[t]} for t in item.rule.when]
        filters = [legacy_filter(f) for f in item.rule.filters if legacy_condition(f) is None]
        sentry.SentryIssueAlert(
            item.key, opts=opts, organization=organization, project=item.project.slug,
            name=item.display_name, environment=item.environment,
            action_match="any" if triggers and not counts else "all",
            filter_match=item.rule.filter_match, frequency=item.repeat_seconds // 60,
            conditions=triggers + counts, filters=filters,
            actions=[issue_action(organization, c, team_ids) for c in channels])
        return
    assert item.critical is not None and item.window_seconds is not None
    query = metric_query(item)
    actions = [metric_action(organization, c, team_ids) for c in channels]
    threshold_type = 0 if item.critical.direction == "above" else 1
    resolve = comparison_value(item, item.resolve) if item.resolve else None
    metric_triggers: list[dict[str, Any]] = [{
        "label": "critical", "alert_threshold": comparison_value(item, item.critical),
        "threshold_type": threshold_type, "actions": actions}]
    if item.warning is not None:
        # A warning level routed on its own tells its channels; the legacy API keeps actions
        # per trigger, as Sentry's migration of them to workflows shows (one action filter per
        # trigger, migration_helpers/alert_rule.py).
        warned = ([metric_action(organization, c, team_ids) for _, c in item.warning_channels]
                  if item.warning_channels is not None else actions)
        metric_triggers.append({"label": "warning",
                                "alert_threshold": comparison_value(item, item.warning),
                                "threshold_type": threshold_type, "actions": warned})
    sentry.SentryMetricAlert(
        item.key, opts=opts, organization=organization, project=item.project.slug,
        name=item.display_name, environment=item.environment, dataset=query["dataset"],
        query=query["query"], aggregate=query["aggregate"], event_types=query["eventTypes"],
        time_window=item.window_seconds / 60, threshold_type=threshold_type,
        resolve_threshold=resolve, triggers=metric_triggers)
