"""The Pulumi side of the alerting providers: ``Monitor`` and ``Alert`` dynamic resources
(``pulumi-python:dynamic/sentry-iac:Monitor``, ``…:Alert``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi.dynamic as dyn

from sentry_iac.providers.alerting import AlertProvider, MonitorProvider
from sentry_iac.providers.pickling import unwrap_pulumi_pickler


class Monitor(dyn.Resource, module="sentry-iac", name="Monitor"):
    """A metric monitor (Sentry detector of type metric_issue) in one project."""

    def __init__(
        self, name: str, *, organization: str, project: pulumi.Input[str],
        detector: dict[str, Any], opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        props = {"organization": organization, "project": project, "detector": detector}
        unwrap_pulumi_pickler()
        super().__init__(MonitorProvider(), name, props, opts)


class Alert(dyn.Resource, module="sentry-iac", name="Alert"):
    """An alert (Sentry workflow) connected to monitors, or to the project's issue stream."""

    def __init__(
        self, name: str, *, organization: str, project: pulumi.Input[str],
        workflow: dict[str, Any], detectors: Sequence[pulumi.Input[str]] = (),
        priority: str | None = None, opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        # `priority` is the rule's priority name: not sent to Sentry, kept so reviews and
        # policies can see what the alert is for.
        props = {"organization": organization, "project": project, "workflow": workflow,
                 "detectors": list(detectors), "priority": priority}
        unwrap_pulumi_pickler()
        super().__init__(AlertProvider(), name, props, opts)
