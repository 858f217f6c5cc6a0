"""The Pulumi side of the uptime providers: ``UptimeMonitor`` and ``UptimeAlert`` dynamic
resources (``pulumi-python:dynamic/sentry-iac:UptimeMonitor``, ``…:UptimeAlert``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from sentry_iac.providers.alerting import ADOPT, SOURCES
from sentry_iac.providers.dynamic import SentryResource
from sentry_iac.providers.uptime import (
    LegacyUptimeMonitorProvider,
    UptimeAlertProvider,
    UptimeMonitorProvider,
)


class UptimeMonitor(SentryResource, module="sentry-iac", name="UptimeMonitor"):
    """One stack's uptime monitor (a detector of type uptime_domain_failure) of one project."""

    def __init__(
        self, name: str, *, organization: str, project: pulumi.Input[str],
        detector: Mapping[str, Any], sources: Mapping[str, str], adopt: str | None = None,
        opts: pulumi.ResourceOptions | None = None, renamed_from: Sequence[str] = (),
    ) -> None:
        props: dict[str, Any] = {"organization": organization, "project": project,
                                 "detector": dict(detector), SOURCES: dict(sources)}
        if adopt:
            props[ADOPT] = adopt  # an existing detector to take over (sentry-iac import)
        super().__init__(UptimeMonitorProvider(), name, props, opts, renamed_from)


class UptimeAlert(SentryResource, module="sentry-iac", name="UptimeAlert"):
    """The alert (workflow) on one stack's uptime monitor."""

    def __init__(
        self, name: str, *, organization: str, project: pulumi.Input[str],
        workflow: Mapping[str, Any], monitor: pulumi.Input[str], priority: str,
        adopt: str | None = None, opts: pulumi.ResourceOptions | None = None,
        renamed_from: Sequence[str] = (),
    ) -> None:
        # `priority` is not sent to Sentry: it shows reviews and policies what the alert is for.
        props: dict[str, Any] = {"organization": organization, "project": project,
                                 "workflow": dict(workflow), "detectors": [monitor],
                                 "priority": priority}
        if adopt:
            props[ADOPT] = adopt  # an existing workflow to take over (sentry-iac import)
        super().__init__(UptimeAlertProvider(), name, props, opts, renamed_from)


class LegacyUptimeMonitor(SentryResource, module="sentry-iac", name="LegacyUptimeMonitor"):
    """One stack's uptime monitor through the project uptime endpoint of older Sentry."""

    def __init__(
        self, name: str, *, organization: str, project: pulumi.Input[str],
        monitor: Mapping[str, Any], sources: Mapping[str, str],
        opts: pulumi.ResourceOptions | None = None, renamed_from: Sequence[str] = (),
    ) -> None:
        props: dict[str, Any] = {"organization": organization, "project": project,
                                 "monitor": dict(monitor), SOURCES: dict(sources)}
        super().__init__(LegacyUptimeMonitorProvider(), name, props, opts, renamed_from)
