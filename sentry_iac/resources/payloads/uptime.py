"""Uptime checks -> Sentry's detectors endpoint (a detector of type ``uptime_domain_failure``
with an ``uptime_subscription`` data source) and the alert that tells a stack's channels.

Pure functions; the owner team and the channels stay by name here and are resolved to ids by
the providers at deploy time.

How the alert is wired: each stack's monitor checks that stack's site and opens its issues in
that stack's environment (the detector's ``config.environment``). After ``failure_threshold``
failed checks in a row the detector opens an issue at high priority (75), and after
``recovery_threshold`` good ones it resolves it (``UptimeDetectorHandler.thresholds``,
``uptime/grouptype.py``). The alert is a workflow connected to that one detector, for every
environment: the detector already keeps to the stack's, and Sentry delivers a resolution (an
Activity, which has no environment) only to workflows without one
(``_get_associated_workflows``, ``workflow_engine/processors/workflow.py``;
getsentry/sentry#121153). So the channels hear when the site goes down and when it is back.
"""

from __future__ import annotations

from typing import Any

from sentry_iac.config.stack_views import StackUptime
from sentry_iac.resources.payloads.monitors import (
    NEVER_THROTTLED,
    channel_action,
    level_changes,
)
from sentry_iac.sentry import alerts as codes
from sentry_iac.sentry.alerts import HIGH
from sentry_iac.sentry.shapes import Workflow
from sentry_iac.sentry.uptime import MANUAL_MODE, UPTIME_DETECTOR


def uptime_detector_payload(item: StackUptime) -> dict[str, Any]:
    """The body of ``POST /organizations/{org}/projects/{project}/detectors/``. Every setting
    is sent (the body as null when there is none, the headers as an empty list), so removing
    one from the YAML puts Sentry's default back. ``traceSampling`` stays off: sentry-iac
    does not manage it, and Sentry's default is off."""
    check = item.check
    return {
        "name": item.display_name,
        "type": UPTIME_DETECTOR,
        "enabled": not item.paused,
        "description": None,
        "owner": f"team:{item.owner}",  # the team's slug; the provider sends team:<id>
        "dataSources": [{
            "url": item.url,
            "intervalSeconds": item.interval_seconds,
            "timeoutMs": item.timeout_ms,
            "method": check.method,
            "headers": [[name, value] for name, value in check.headers.items()],
            "body": check.sent_body,
            "traceSampling": False,
        }],
        "config": {
            "mode": MANUAL_MODE,
            "environment": item.environment,
            "recoveryThreshold": check.recovery_threshold,
            "downtimeThreshold": check.failure_threshold,
        },
    }


def legacy_monitor_payload(item: StackUptime) -> dict[str, Any]:
    """The body of ``POST /projects/{org}/{project}/uptime/`` (Sentry before its detectors
    took uptime monitors): the same settings, flat. The thresholds are sent too; releases
    whose validator has none drop them (DRF ignores unknown keys) and check 3 failures and 1
    success."""
    detector = uptime_detector_payload(item)
    source, config = detector["dataSources"][0], detector["config"]
    return {"name": detector["name"], "status": "disabled" if item.paused else "active",
            "owner": detector["owner"], "environment": config["environment"], **source,
            "recoveryThreshold": config["recoveryThreshold"],
            "downtimeThreshold": config["downtimeThreshold"]}


def uptime_workflow_payload(item: StackUptime) -> Workflow:
    """The alert on the monitor's issues; the provider adds the detector and resolves the
    channel actions. Notified when the issue opens (high priority) and when it de-escalates
    or resolves (the site answers again); never throttled."""
    actions = [channel_action(name, channel, item) for name, channel in item.channels]
    return {
        "name": item.display_name,
        "enabled": True,
        "environment": None,
        "config": NEVER_THROTTLED.copy(),
        "triggers": {"logic_type": codes.ANY_SHORT, "conditions": []},
        "actionFilters": level_changes(HIGH, actions),
    }
