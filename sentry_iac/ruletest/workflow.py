"""Sentry's workflow engine on one change of one issue: which alerts hear of it, whether their
triggers and action filters pass, and which actions their frequency holds back.

* ``processors/workflow.py`` ``_get_associated_workflows``: a workflow hears of a change when
  its ``environment`` is null or the change's; a status change (a resolution) is an
  ``Activity``, which has no environment, so only workflows without one hear of it
  (getsentry/sentry#121153).
* ``processors/workflow.py`` ``evaluate_workflow_triggers``: the workflow's ``triggers``
  (when-condition group) must pass; an empty group passes.
* ``processors/workflow.py`` ``evaluate_workflows_action_filters``: each action filter that
  passes contributes its actions.
* ``processors/action.py`` ``process_workflow_action_group_statuses``: an action fires for a
  group when it never did, or when ``now - last > frequency`` minutes
  (``workflow.config.get("frequency", 0)``); firing records the time. Every action is
  throttled so, escalations and resolutions included. The inputs of one minute arrive at its
  start, so with a frequency of 5 a change 5 minutes after the last is held back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sentry_iac.ruletest.conditions import Change, Issue, group_passes


@dataclass
class Workflows:
    """The action statuses of every workflow of a test (``WorkflowActionGroupStatus``)."""

    last_fired: dict[tuple[str, int, int, str], int] = field(default_factory=dict)

    def process(self, key: str, workflow: dict[str, Any], issue: Issue,
                change: Change) -> list[str] | None:
        """The channels (``via`` of each action) ``workflow`` notifies of ``change``; None when
        it did not hear of the change or its triggers or filters did not pass."""
        if not workflow.get("enabled", True):
            return None
        environment = workflow.get("environment")
        if environment is not None and environment != change.environment:
            return None
        if not group_passes(workflow.get("triggers") or {}, issue, change):
            return None
        passed = [(i, f) for i, f in enumerate(workflow.get("actionFilters") or [])
                  if group_passes(f, issue, change)]
        if not passed:
            return None
        frequency = int((workflow.get("config") or {}).get("frequency", 0))
        notified: list[str] = []
        for filter_index, action_filter in passed:
            for index, action in enumerate(action_filter.get("actions") or []):
                status = (key, filter_index, index, issue.key)
                last = self.last_fired.get(status)
                if last is not None and frequency and change.minute - last <= frequency:
                    continue  # held back: fired within the last `frequency` minutes
                self.last_fired[status] = change.minute
                notified.append(str(action.get("via", action.get("type", "?"))))
        return notified
