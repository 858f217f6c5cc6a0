"""Dashboards -> resources for one stack: every stack owns its environment's dashboards, one per
project, as children of the project's component (a project rename carries over to them)."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

from sentry_iac.config.loader import Spec
from sentry_iac.config.stack_views import stack_dashboards
from sentry_iac.providers.observability_resources import Dashboard
from sentry_iac.resources.crons import after_project
from sentry_iac.resources.payloads.dashboards import (
    dashboard_payload,
    dashboard_sources,
    widget_payloads,
)


def build_dashboards(spec: Spec, stack: str, projects: Mapping[str, pulumi.Resource]) -> None:
    adopted = spec.adoptions.get(stack, {})  # dashboards `sentry-iac import` found in Sentry
    for index, item in stack_dashboards(spec.org, stack):
        parent = projects[item.project.slug]
        Dashboard(item.key, organization=spec.org.organization,
                  project=item.project.slug,
                  dashboard=dashboard_payload(item), widgets=widget_payloads(item.dashboard),
                  sources=dashboard_sources(spec, index, item.dashboard),
                  opts=pulumi.ResourceOptions(parent=parent, depends_on=after_project(parent)),
                  renamed_from=item.project.previous_slugs,
                  adopt=adopted.get(("Dashboard", item.key)))
