"""Cron alerts and dashboards as one stack sees them: overrides applied, the project's
environment name filled in, the priority's channels for the stack added. Pure functions of the
spec, shared by ``build`` (resources) and ``review`` (render, diff)."""

from __future__ import annotations

from dataclasses import dataclass

from sentry_iac.config.alerts import rule_channels
from sentry_iac.config.crons import Cron
from sentry_iac.config.dashboards import Dashboard
from sentry_iac.config.models import Channel, Organization, Project


@dataclass(frozen=True)
class StackCron:
    """One cron monitor as one stack alerts on it."""

    cron: Cron
    project: Project
    stack: str
    environment: str
    priority: str
    channels: tuple[tuple[str, Channel], ...]

    @property
    def key(self) -> str:
        """The logical name: the project and the monitor's slug (unique in Sentry)."""
        return f"{self.project.slug}/{self.cron.slug}"

    @property
    def display_name(self) -> str:
        return f"{self.cron.display_name} [{self.environment}]"


def stack_crons(org: Organization, stack: str) -> list[StackCron]:
    """Every cron whose alert is on in ``stack``, in file order."""
    routes = {name: p.routes for name, p in org.priorities.items()}
    out = []
    for project in org.projects:
        for cron in project.crons:
            override = cron.environments.get(stack)
            if override is not None and not override.enabled:
                continue
            priority = override.priority if override and override.priority else cron.priority
            environment = (override.environment if override and override.environment
                           else project.environment_for(stack))
            channels = tuple((name, org.channels[name])
                             for name in rule_channels(cron, stack, routes))
            out.append(StackCron(cron, project, stack, environment, priority, channels))
    return out


@dataclass(frozen=True)
class StackDashboard:
    """One dashboard on one project in one stack."""

    dashboard: Dashboard
    project: Project
    stack: str
    environment: str

    @property
    def key(self) -> str:
        """The logical name: the dashboard id and project, never the title."""
        return f"{self.dashboard.id}/{self.project.slug}"

    @property
    def title(self) -> str:
        """Unique in the organisation (Sentry requires it): names the project and environment."""
        return f"{self.dashboard.title}: {self.project.display_name} [{self.environment}]"


def stack_dashboards(org: Organization, stack: str) -> list[tuple[int, StackDashboard]]:
    """(index in ``dashboards:``, dashboard) for every dashboard on in ``stack``."""
    out = []
    for index, dashboard in enumerate(org.dashboards):
        override = dashboard.environments.get(stack)
        if override is not None and not override.enabled:
            continue
        for project in org.projects:
            if dashboard.projects is None or project.slug in dashboard.projects:
                out.append((index, StackDashboard(dashboard, project, stack,
                                                  project.environment_for(stack))))
    return out
