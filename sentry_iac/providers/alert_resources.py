"""The Pulumi side of the alerting providers: ``Monitor`` and ``Alert`` dynamic resources
(``pulumi-python:dynamic/sentry-iac:Monitor``, ``…:Alert``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from sentry_iac.providers.alerting import ADOPT, SOURCES, AlertProvider, MonitorProvider
from sentry_iac.providers.dynamic import SentryResource


class Monitor(SentryResource, module="sentry-iac", name="Monitor"):
    """A metric monitor (Sentry detector of type metric_issue) in one project."""

    def __init__(
        self, name: str, *, organization: str, project: pulumi.Input[str],
        detector: Mapping[str, Any], adopt: str | None = None,
        opts: pulumi.ResourceOptions | None = None, renamed_from: Sequence[str] = (),
        sources: Mapping[str, str] | None = None,
    ) -> None:
        props: dict[str, Any] = {"organization": organization, "project": project,
                                 "detector": detector}
        if sources:
            # API field -> "alerts/x.yaml:12:5: alerts[0].anomaly": where Sentry's refusals
            # are told (bookkeeping only: diff ignores it)
            props[SOURCES] = dict(sources)
        if adopt:
            props[ADOPT] = adopt  # an existing detector to take over (sentry-iac import)
        super().__init__(MonitorProvider(), name, props, opts, renamed_from)


class Alert(SentryResource, module="sentry-iac", name="Alert"):
    """An alert (Sentry workflow) connected to monitors, or to the project's issue stream."""

    def __init__(
        self, name: str, *, organization: str, project: pulumi.Input[str],
        workflow: Mapping[str, Any], detectors: Sequence[pulumi.Input[str]] = (),
        priority: str | None = None, adopt: str | None = None,
        opts: pulumi.ResourceOptions | None = None, renamed_from: Sequence[str] = (),
    ) -> None:
        # `priority` is the rule's priority name: not sent to Sentry, kept so reviews and
        # policies can see what the alert is for.
        props: dict[str, Any] = {"organization": organization, "project": project,
                                 "workflow": workflow, "detectors": list(detectors),
                                 "priority": priority}
        if adopt:
            props[ADOPT] = adopt  # an existing workflow to take over (sentry-iac import)
        super().__init__(AlertProvider(), name, props, opts, renamed_from)
