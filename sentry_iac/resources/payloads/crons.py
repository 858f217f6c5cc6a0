"""Cron monitors -> Sentry's Crons API (``/organizations/{org}/monitors/``) and the alert that
tells a stack's channels about missed or failed check-ins. Pure functions; the owner team and
the channels stay by name here and are resolved to ids by the providers at deploy time.

How the alert is wired: Sentry makes a detector of type ``monitor_check_in_failure`` for every
cron monitor. A missed or failed check-in (after ``failure_threshold`` of them in a row) opens
an issue of that detector at high priority (75), in the environment the check-in carried. Each
stack's alert is a workflow connected to that detector, filtered to the stack's environment,
with the same action filter as a metric rule's alert: notify when the issue's priority reaches
high, and again when it de-escalates (the task recovered).
"""

from __future__ import annotations

from typing import Any

from sentry_iac.config.crons import Cron, minutes
from sentry_iac.config.models import Project
from sentry_iac.config.stack_views import StackCron
from sentry_iac.resources.payloads.monitors import (
    NEVER_THROTTLED,
    channel_action,
    level_changes,
)
from sentry_iac.sentry import alerts as codes
from sentry_iac.sentry.alerts import HIGH
from sentry_iac.sentry.shapes import Workflow

# The monitors backend never throttles a cron alert: its notices are the issue opening and
# resolving (NEVER_THROTTLED). The legacy backend's repeat is ``crons.LEGACY_REPEAT``.


def monitor_payload(cron: Cron, project: Project) -> dict[str, Any]:
    """The body of ``POST /organizations/{org}/monitors/``. Sentry's config keys are snake_case;
    every optional setting is sent (null for Sentry's default) so removing one from the YAML
    puts Sentry's default back."""
    owner = cron.owner or project.teams[0]
    return {
        "project": project.slug,
        "name": cron.display_name,
        "slug": cron.slug,
        "status": "active",
        "owner": f"team:{owner}",  # the team's slug; the provider sends team:<id>
        "config": {
            "schedule_type": cron.schedule_type,
            "schedule": cron.sentry_schedule(),
            "timezone": cron.timezone,
            "checkin_margin": minutes(cron.checkin_margin) if cron.checkin_margin else None,
            "max_runtime": minutes(cron.max_runtime) if cron.max_runtime else None,
            "failure_issue_threshold": cron.failure_threshold,
            "recovery_threshold": cron.recovery_threshold,
        },
    }


RESOLUTION_SUFFIX = " (resolved)"


def cron_workflow_payload(item: StackCron) -> Workflow:
    """The alert on the cron's issues in this stack's environment; the provider adds the
    detector (found at deploy time) and resolves the channel actions. One cron monitor, and so
    one detector, serves every environment, so the environment is the alert's filter."""
    actions = [channel_action(name, channel, item) for name, channel in item.channels]
    return {
        "name": item.display_name,
        "enabled": True,
        "environment": item.environment,
        "config": NEVER_THROTTLED.copy(),
        "triggers": {"logic_type": codes.ANY_SHORT, "conditions": []},
        "actionFilters": level_changes(HIGH, actions),
    }


def cron_resolution_payload(item: StackCron) -> Workflow | None:
    """The alert that resolves a cron's pages, or None when the stack pages no one for it.

    Sentry hands a resolution (an Activity, which has no environment) only to alerts without an
    environment (_get_associated_workflows, processors/workflow.py; getsentry/sentry#121153),
    so the environment-filtered alert above never hears of it and a PagerDuty or Opsgenie
    incident it opened would stay open. This alert, for every environment, tells only the
    paging channels that the issue went back down: an incident opened here is resolved, and
    a resolution of another environment's issue names an incident these services never had,
    which they ignore. Chat and email channels get no resolutions from it (they would hear
    of every environment's)."""
    if not item.paging_channels:
        return None
    actions = [channel_action(name, channel, item) for name, channel in item.paging_channels]
    return {
        "name": f"{item.display_name}{RESOLUTION_SUFFIX}",
        "enabled": True,
        "environment": None,
        "config": NEVER_THROTTLED.copy(),
        "triggers": {"logic_type": codes.ANY_SHORT, "conditions": []},
        "actionFilters": [{"logicType": codes.ANY_SHORT, "conditions": [
            {"type": codes.PRIORITY_DEESCALATING, "comparison": HIGH,
             "conditionResult": True}], "actions": actions}],
    }
