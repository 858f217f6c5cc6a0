"""Uptime checks -> resources for one stack: an ``UptimeMonitor`` per check (this stack's site,
in this stack's environment) and, unless the stack pauses the check, the ``UptimeAlert`` that
tells the priority's channels. Both are children of the project's component, so a project
rename carries over to them.

Every stack makes its own monitors, as it makes its own alert rules; a stack other than the
owner needs the owner stack's projects deployed first. A monitor is released when its check
leaves the YAML (Sentry keeps it, checks and history) unless ``delete_when_removed``.

On the ``legacy`` alerts backend (Sentry releases whose detectors endpoint takes no uptime
monitors) the monitor is a ``LegacyUptimeMonitor`` of the project uptime endpoint, and its
alert what Sentry itself made then: an issue rule on the project's new and regressed issues
that carry the monitor's id in the ``uptime_rule`` tag, in the stack's environment. Such a
rule hears of the site going down, not of its recovery (issue rules fire on events)."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumiverse_sentry as sentry

from sentry_iac.config.loader import Spec
from sentry_iac.config.stack_views import StackUptime, stack_uptime
from sentry_iac.providers.uptime_resources import LegacyUptimeMonitor, UptimeAlert, UptimeMonitor
from sentry_iac.resources.crons import after_project
from sentry_iac.resources.legacy_alerts import issue_action
from sentry_iac.resources.lifecycle import renamed_aliases
from sentry_iac.resources.payloads.uptime import (
    legacy_monitor_payload,
    uptime_detector_payload,
    uptime_workflow_payload,
)
from sentry_iac.sentry.alerts import MATCH_CODES
from sentry_iac.sentry.legacy_rules import CONDITIONS, FILTERS
from sentry_iac.sentry.uptime import FIELD_NAMES, LEGACY_TAG

# Sentry's fields in a 400 answer (flattened: dataSources.0.url) -> our key for it.
_SOURCE_KEYS = {f"dataSources.0.{api}": ours for ours, api in FIELD_NAMES.items()
                if not api.endswith("Threshold")}
_CONFIG_KEYS = {f"config.{api}": ours for ours, api in FIELD_NAMES.items()
                if api.endswith("Threshold")}
# Set per stack where an override gives them.
_PER_STACK = ("url", "every", "timeout")


def _sources(spec: Spec, base: tuple[str | int, ...], item: StackUptime) -> dict[str, str]:
    """API field -> where the YAML says it, so Sentry's 400 answers name the YAML key."""
    override = item.check.environments.get(item.stack)

    def where(key: str) -> str:
        if override is not None and key in _PER_STACK and getattr(override, key) is not None:
            return spec.where((*base, "environments", item.stack, key))
        return spec.where((*base, key))

    sources = {"name": where("name"), "owner": where("owner"), "dataSources": where("url"),
               "enabled": where("id"), "config.environment": where("id")}
    sources.update({api: where(ours) for api, ours in (*_SOURCE_KEYS.items(),
                                                         *_CONFIG_KEYS.items())})
    return sources


# A legacy issue rule may notify again for the same issue after this many minutes (Sentry's
# least for issue rules): a site that comes back and goes down again is told again.
LEGACY_FREQUENCY = 5


def _legacy(spec: Spec, item: StackUptime, parent: pulumi.Resource, sources: dict[str, str],
            team_ids: Mapping[str, pulumi.Output[str]]) -> None:
    organization = spec.org.organization
    flat = {api.removeprefix("dataSources.0.").removeprefix("config."): where
            for api, where in sources.items()}
    monitor = LegacyUptimeMonitor(
        item.key, organization=organization, project=item.project.slug,
        monitor=legacy_monitor_payload(item), sources=flat,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=after_project(parent),
                                    retain_on_delete=not item.check.delete_when_removed),
        renamed_from=item.project.previous_slugs)
    if item.paused:
        return
    name = item.legacy_key
    sentry.SentryIssueAlert(
        name, organization=organization, project=item.project.slug, name=item.display_name,
        environment=item.environment, action_match="any", filter_match="all",
        frequency=LEGACY_FREQUENCY,
        conditions=[{"id": CONDITIONS["first-seen"]}, {"id": CONDITIONS["regression"]}],
        filters=[{"id": FILTERS["tag"], "key": LEGACY_TAG, "match": MATCH_CODES["equals"],
                  "value": monitor.id}],
        actions=[issue_action(organization, c, team_ids) for _, c in item.channels],
        opts=pulumi.ResourceOptions(parent=parent, aliases=renamed_aliases(
            name, item.project.slug, item.project.previous_slugs)))


def build_uptime(spec: Spec, stack: str, projects: Mapping[str, pulumi.Resource],
                 team_ids: Mapping[str, pulumi.Output[str]]) -> None:
    """Register this stack's uptime monitors and their alerts."""
    organization = spec.org.organization
    adopted = spec.adoptions.get(stack, {})  # objects `sentry-iac import` found in Sentry
    legacy = spec.stack(stack).alerts_backend == "legacy"
    index = {(project.slug, check.id): (i, j) for i, project in enumerate(spec.org.projects)
             for j, check in enumerate(project.uptime)}
    for item in stack_uptime(spec.org, stack):
        parent = projects[item.project.slug]
        i, j = index[(item.project.slug, item.check.id)]
        sources = _sources(spec, ("projects", i, "uptime", j), item)
        if legacy:
            _legacy(spec, item, parent, sources, team_ids)
            continue
        # Its check history is data: released on removal unless opted in.
        monitor = UptimeMonitor(
            item.key, organization=organization, project=item.project.slug,
            detector=uptime_detector_payload(item),
            sources=sources,
            adopt=adopted.get(("UptimeMonitor", item.key)),
            opts=pulumi.ResourceOptions(parent=parent, depends_on=after_project(parent),
                                        retain_on_delete=not item.check.delete_when_removed),
            renamed_from=item.project.previous_slugs)
        if item.paused:
            continue  # the monitor checks nothing here, so nobody is told
        UptimeAlert(item.key, organization=organization, project=item.project.slug,
                    workflow=uptime_workflow_payload(item), monitor=monitor.id,
                    priority=item.priority, adopt=adopted.get(("UptimeAlert", item.key)),
                    opts=pulumi.ResourceOptions(parent=parent),
                    renamed_from=item.project.previous_slugs)
