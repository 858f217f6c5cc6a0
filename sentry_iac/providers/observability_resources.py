"""The Pulumi side of the cron and dashboard providers: ``CronMonitor``, ``CronAlert`` and
``Dashboard`` dynamic resources (``pulumi-python:dynamic/sentry-iac:CronMonitor``, ...)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from sentry_iac.providers.alerting import ADOPT
from sentry_iac.providers.crons import CronAlertProvider, CronMonitorProvider
from sentry_iac.providers.dashboards import DashboardProvider
from sentry_iac.providers.dynamic import SentryResource


class CronMonitor(SentryResource, module="sentry-iac", name="CronMonitor"):
    """A cron monitor (Sentry's Crons) of one project; created by the owner stack."""

    def __init__(
        self, name: str, *, organization: str, project: pulumi.Input[str],
        monitor: dict[str, Any], sources: dict[str, str],
        opts: pulumi.ResourceOptions | None = None, renamed_from: Sequence[str] = (),
        adopt: str | None = None,
    ) -> None:
        props = {"organization": organization, "project": project, "monitor": monitor,
                 "sources": sources}
        if adopt:
            props[ADOPT] = adopt  # an existing monitor to take over (sentry-iac import)
        super().__init__(CronMonitorProvider(), name, props, opts, renamed_from)


class CronAlert(SentryResource, module="sentry-iac", name="CronAlert"):
    """The alert (workflow) on a cron monitor's missed or failed check-ins in one stack."""

    def __init__(
        self, name: str, *, organization: str, project: pulumi.Input[str], cron: str,
        workflow: Mapping[str, Any], priority: str, opts: pulumi.ResourceOptions | None = None,
        renamed_from: Sequence[str] = (), adopt: str | None = None,
    ) -> None:
        # `priority` is not sent to Sentry: it shows reviews and policies what the alert is for.
        props: dict[str, Any] = {"organization": organization, "project": project,
                                 "cron": cron, "workflow": workflow, "priority": priority}
        if adopt:
            props[ADOPT] = adopt  # an existing workflow to take over (sentry-iac import)
        super().__init__(CronAlertProvider(), name, props, opts, renamed_from)


class Dashboard(SentryResource, module="sentry-iac", name="Dashboard"):
    """A dashboard of one project, filtered to one stack's environment."""

    def __init__(
        self, name: str, *, organization: str, project: pulumi.Input[str],
        dashboard: dict[str, Any], widgets: list[dict[str, Any]], sources: dict[str, str],
        opts: pulumi.ResourceOptions | None = None, renamed_from: Sequence[str] = (),
        adopt: str | None = None,
    ) -> None:
        # Widgets sit beside the dashboard's own settings so a plan lists one per line.
        props: dict[str, Any] = {"organization": organization, "project": project,
                                 "dashboard": dashboard, "widgets": widgets, "sources": sources}
        if adopt:
            props[ADOPT] = adopt  # an existing dashboard to take over (sentry-iac import)
        super().__init__(DashboardProvider(), name, props, opts, renamed_from)
