"""What Sentry's workflow engine does with the issues a monitor opens, escalates and resolves:
which alerts hear of each change, which of their action filters pass, and which actions are
held back. A model of Sentry's runtime written from its source (getsentry/sentry,
``src/sentry/workflow_engine/``), so tests can ask what a deployed rule would do:

* ``processors/workflow.py`` ``_get_associated_workflows``: the workflows of the detector whose
  environment is null or the event's. A status change (a resolution) is an ``Activity``, and
  ``get_environment_by_event`` gives it none: only workflows without an environment hear of it
  (getsentry/sentry#121153).
* ``processors/workflow.py`` ``evaluate_workflow_triggers``: a workflow's triggers
  (``when_condition_group``); an alert on a metric monitor has none and always passes.
* ``processors/action.py`` ``filter_recently_fired_workflow_actions`` /
  ``process_workflow_action_group_statuses``: an action fires again for the same issue only
  once ``config.frequency`` minutes have passed since it last did, whatever the change;
  ``workflow.config.get("frequency", 0)``, where earlier versions read a missing frequency as
  30 minutes (``legacy_missing_frequency``).
* ``handlers/condition/``: ``issue_priority_greater_or_equal`` (the issue's priority is at
  least the comparison), ``issue_priority_deescalating`` (``comparison <= highest seen
  priority`` and the issue is below the comparison now or resolved), ``issue_category``
  (``value`` is the issue's ``GroupCategory``, ``include`` default true), and the
  ``first_seen_event``, ``regression_event``, ``reappeared_event`` and
  ``new_high_priority_issue`` triggers.

Conditions it does not model raise ``NotImplementedError`` rather than guess.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.fake_sentry.state import FakeOrganization, FakeWorkflow

HIGH, MEDIUM, RESOLVED_LEVEL = 75, 50, 0  # PriorityLevel
ERROR, PERFORMANCE, CRON, METRIC_ALERT = 1, 2, 4, 8  # GroupCategory (issues/grouptype.py)


@dataclass(frozen=True)
class Notice:
    """One action that fired: the alert's name and the action's type (pagerduty, email...)."""

    workflow: str
    action: str
    minute: float


@dataclass
class Issue:
    """A Sentry group as the conditions see it."""

    category: int
    priority: int = 0
    highest_seen: int = 0
    resolved: bool = False


@dataclass
class Change:
    """What happened to the issue, as the workflow engine is handed it."""

    minute: float
    environment: str | None  # None: an Activity (a status change)
    first_seen: bool = False
    regression: bool = False
    reappeared: bool = False


@dataclass
class Firing:
    org: FakeOrganization
    legacy_missing_frequency: bool = False  # Sentry before frequency defaulted to 0
    issues: dict[str, Issue] = field(default_factory=dict)
    _last_fired: dict[tuple[str, str, str], float] = field(default_factory=dict)

    # -- what monitors do ---------------------------------------------------------------------

    def occurrence(self, detector_id: str, group: str, *, minute: float, priority: int,
                   environment: str, category: int = METRIC_ALERT) -> list[Notice]:
        """The monitor found the issue at ``priority`` (opened, escalated or lowered)."""
        issue = self.issues.get(group)
        first = issue is None or issue.resolved
        if issue is None or issue.resolved:
            issue = self.issues[group] = Issue(category)
        issue.priority = priority
        issue.highest_seen = max(issue.highest_seen, priority)
        return self._process(detector_id, group, Change(minute, environment, first_seen=first))

    def resolution(self, detector_id: str, group: str, *, minute: float) -> list[Notice]:
        """The monitor resolved the issue: a status change, handed over as an Activity."""
        self.issues[group].resolved = True
        return self._process(detector_id, group, Change(minute, None))

    def new_issue(self, detector_id: str, group: str, *, minute: float, environment: str,
                  category: int, priority: int = MEDIUM) -> list[Notice]:
        """A new issue of ``category`` in the issue stream (errors, performance, crons...)."""
        self.issues[group] = Issue(category, priority, priority)
        return self._process(detector_id, group,
                             Change(minute, environment, first_seen=True))

    # -- the workflow engine ------------------------------------------------------------------

    def _workflows(self, detector_id: str, environment: str | None) -> list[FakeWorkflow]:
        found = []
        for workflow_id in self.org.workflow_ids_of(detector_id):
            workflow = self.org.workflows[workflow_id]
            if not workflow.enabled:
                continue
            if workflow.environment is None or (
                    environment is not None and workflow.environment == environment):
                found.append(workflow)
        return found

    def _process(self, detector_id: str, group: str, change: Change) -> list[Notice]:
        issue = self.issues[group]
        fired = []
        for workflow in self._workflows(detector_id, change.environment):
            if not _group_passes(workflow.triggers, issue, change, trigger=True):
                continue
            frequency = float(workflow.config.get(
                "frequency", 30 if self.legacy_missing_frequency else 0))
            for action_filter in workflow.action_filters:
                if not _group_passes(action_filter, issue, change, trigger=False):
                    continue
                for action in action_filter["actions"]:
                    key = (workflow.id, str(action["id"]), group)
                    last = self._last_fired.get(key)
                    if last is not None and change.minute - last <= frequency:
                        continue  # held back: fired less than `frequency` minutes ago
                    self._last_fired[key] = change.minute
                    fired.append(Notice(workflow.name, str(action["type"]), change.minute))
        return fired


def _group_passes(group: dict[str, Any], issue: Issue, change: Change, *, trigger: bool) -> bool:
    conditions = group.get("conditions") or []
    if not conditions:
        return True
    results = [_condition(c, issue, change) for c in conditions]
    logic = group.get("logic_type")
    if logic in ("any", "any-short"):
        return any(results)
    if logic == "all":
        return all(results)
    if logic == "none":
        return not any(results)
    raise NotImplementedError(f"logic type {logic!r}")


def _condition(condition: dict[str, Any], issue: Issue, change: Change) -> bool:
    kind: str = condition["type"]
    comparison: Any = condition["comparison"]
    if kind == "first_seen_event":
        return change.first_seen
    if kind == "regression_event":
        return change.regression
    if kind == "reappeared_event":
        return change.reappeared
    if kind == "new_high_priority_issue":
        return change.first_seen and issue.priority >= HIGH
    if kind == "issue_priority_greater_or_equal":
        return issue.priority >= int(comparison)
    if kind == "issue_priority_deescalating":
        if comparison is True:  # rows from before the priority threshold
            return issue.resolved
        return int(comparison) <= issue.highest_seen and (
            issue.priority < int(comparison) or issue.resolved)
    if kind == "issue_category":
        matches = issue.category == int(comparison["value"])
        return matches == bool(comparison.get("include", True))
    raise NotImplementedError(f"the firing model has no {kind!r} condition")
