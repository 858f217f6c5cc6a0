"""Cron monitors -> resources for one stack: the owner stack creates each ``CronMonitor`` (one
Sentry object shared by every environment: check-ins carry their environment); every stack
creates the ``CronAlert`` that routes its environment's missed or failed check-ins to the
priority's channels (an issue rule on the legacy backend). Both are children of the project's
component, so a project rename carries over to them."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

from sentry_iac.config.crons import Cron, legacy_issue_rule
from sentry_iac.config.loader import Spec
from sentry_iac.config.stack_views import StackCron, stack_crons, stack_rule
from sentry_iac.providers.observability_resources import CronAlert, CronMonitor
from sentry_iac.resources.legacy_alerts import legacy_alert
from sentry_iac.resources.payloads.crons import (
    cron_resolution_payload,
    cron_workflow_payload,
    monitor_payload,
)
from sentry_iac.sentry.codes import inverse
from sentry_iac.sentry.crons import CONFIG_FIELDS

# Sentry's field names -> our keys, for its 400 answers.
_CONFIG_KEYS = inverse(CONFIG_FIELDS)


def _sources(spec: Spec, base: tuple[str | int, ...], cron: Cron) -> dict[str, str]:
    schedule = "schedule" if cron.schedule is not None else "every"
    sources = {"slug": spec.where((*base, "slug")), "name": spec.where((*base, "name")),
               "owner": spec.where((*base, "owner")),
               "config.schedule": spec.where((*base, schedule)),
               "config.schedule_type": spec.where((*base, schedule))}
    sources.update({f"config.{api}": spec.where((*base, ours))
                    for api, ours in _CONFIG_KEYS.items()})
    return sources


def after_project(component: pulumi.Resource) -> list[pulumi.Resource]:
    """What a child of the project's component waits for: the project, where this stack
    creates it (a child may not depend on its own parent component). The project goes in as
    its slug, never as an output: an output is unknown in a preview whenever the project is
    registered anew, and an unknown project looks like another one to a provider's diff."""
    created: pulumi.Resource | None = getattr(component, "project_resource", None)
    return [created] if created is not None else []


def _legacy_alert(item: StackCron, spec: Spec, team_ids: Mapping[str, pulumi.Output[str]],
                  parent: pulumi.Resource, after: list[pulumi.Resource]) -> None:
    """The alert as an issue rule on the legacy backend (``crons.legacy_issue_rule``)."""
    rule = stack_rule(legacy_issue_rule(item.cron, item.project.slug), item.project,
                      item.stack, spec.org.channels, spec.org)
    legacy_alert(rule, spec.org.organization, team_ids, parent, after)


def build_crons(spec: Spec, stack: str, projects: Mapping[str, pulumi.Resource],
                team_ids: Mapping[str, pulumi.Output[str]]) -> None:
    """Register this stack's cron monitors (owner stack) and alerts (every stack)."""
    organization = spec.org.organization
    adopted = spec.adoptions.get(stack, {})  # objects `sentry-iac import` found in Sentry
    monitors: dict[str, CronMonitor] = {}
    if spec.is_owner(stack):
        for i, project in enumerate(spec.org.projects):
            for j, cron in enumerate(project.crons):
                key = f"{project.slug}/{cron.slug}"
                parent = projects[project.slug]
                monitors[key] = CronMonitor(
                    key, organization=organization, project=project.slug,
                    monitor=monitor_payload(cron, project),
                    sources=_sources(spec, ("projects", i, "crons", j), cron),
                    # Its check-in history is data: released on removal unless opted in.
                    opts=pulumi.ResourceOptions(parent=parent, depends_on=after_project(parent),
                                                retain_on_delete=not cron.delete_when_removed),
                    renamed_from=project.previous_slugs,
                    adopt=adopted.get(("CronMonitor", key)))
    for item in stack_crons(spec.org, stack):
        parent = projects[item.project.slug]
        # The owner stack's alert waits for its monitor; other stacks find the monitor made
        # by the owner stack when they deploy.
        after: list[pulumi.Resource] = [monitors[item.key]] if item.key in monitors else []
        if spec.stack(stack).alerts_backend == "legacy":
            _legacy_alert(item, spec, team_ids, parent, after)
            continue
        opts = pulumi.ResourceOptions(parent=parent, depends_on=after)
        CronAlert(item.key, organization=organization, project=item.project.slug,
                  cron=item.cron.slug, workflow=cron_workflow_payload(item),
                  priority=item.priority, opts=opts, renamed_from=item.project.previous_slugs,
                  adopt=adopted.get(("CronAlert", item.key)))
        resolution = cron_resolution_payload(item)
        if resolution is not None:
            name = f"{item.key}/resolution"
            CronAlert(name, organization=organization,
                      project=item.project.slug, cron=item.cron.slug, workflow=resolution,
                      priority=item.priority, opts=opts, renamed_from=item.project.previous_slugs,
                      adopt=adopted.get(("CronAlert", name)))
