"""Cron monitors and the alerts on their missed or failed check-ins -> ``crons:`` of a project.

A cron monitor is Sentry's object (``/monitors/``); Sentry makes a ``monitor_check_in_failure``
detector for it, and each stack's alert is a workflow connected to that detector, filtered to
the stack's environment (``resources.payloads.crons``), with a second one for every
environment that resolves the pages (``cron_resolution_payload``). Each is rendered the way the
program would send it and compared with Sentry's (``verify``); only exact matches are adopted.
The priority is ``critical`` when the alert pages someone, else ``standard``, as for rules;
what differs per stack goes under ``environments:``, and a stack without an alert gets
``enabled: false``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from sentry_iac.config.crons import Cron
from sentry_iac.config.durations import format_duration
from sentry_iac.config.models import Channel, Project
from sentry_iac.config.stack_views import StackCron
from sentry_iac.importer.convert.instances import Context, priority_for
from sentry_iac.importer.convert.issues import single_filter
from sentry_iac.importer.convert.problems import NotExpressible
from sentry_iac.importer.convert.verify import check_monitor, check_workflow
from sentry_iac.importer.read.observability import monitor_slugs
from sentry_iac.importer.read.snapshot import Json
from sentry_iac.resources.payloads.crons import (
    RESOLUTION_SUFFIX,
    cron_resolution_payload,
    cron_workflow_payload,
    monitor_payload,
)
from sentry_iac.sentry.crons import CRON_DETECTOR, INTERVAL_UNITS

# Sentry's interval unit -> our letter (``6h``); Sentry's months and years have none.
INTERVAL_LETTERS = {name: letter for letter, (name, _) in INTERVAL_UNITS.items()}
PLACEHOLDER_PRIORITY = "standard"  # a cron's model needs one before its alerts are read
# What a cron monitor's answer may leave unset that the program always sends, with the value
# Sentry reads for "unset" (monitors/logic/mark_failed.py: a missing failure threshold is 1;
# mark_ok.py likewise for recovery; schedules default to UTC).
_UNSET = {"timezone": "UTC", "failure_issue_threshold": 1, "recovery_threshold": 1}
_CONFIG_FIELDS = (("checkin_margin", "checkin_margin"), ("max_runtime", "max_runtime"))
_THRESHOLDS = (("failure_issue_threshold", "failure_threshold"),
               ("recovery_threshold", "recovery_threshold"))
MISSING = object()


@dataclass
class CronsFound:
    """What the crons of the organisation become."""

    entries: dict[str, list[Json]] = field(default_factory=dict)  # project slug -> YAML
    # (short type, logical name, stack) -> the Sentry id the stack adopts
    ids: dict[tuple[str, str, str], str] = field(default_factory=dict)
    # (short type, logical name, stack) -> the input the plan must register, as verified
    rendered: dict[tuple[str, str, str], Json] = field(default_factory=dict)
    priorities: set[str] = field(default_factory=set)


def schedule_fields(config: Json) -> dict[str, Any]:
    """``schedule:`` (a crontab, as Sentry stores it) or ``every:`` (an interval)."""
    kind, schedule = config.get("schedule_type"), config.get("schedule")
    if kind == "crontab" and isinstance(schedule, str):
        return {"schedule": schedule}
    if kind == "interval" and isinstance(schedule, list) and len(schedule) == 2:
        count, unit = schedule
        letter = INTERVAL_LETTERS.get(str(unit))
        if letter is None:
            raise NotExpressible(f"it runs every {count} {unit}(s); sentry-iac's intervals "
                                 "count minutes, hours, days or weeks")
        return {"every": f"{int(count)}{letter}"}
    raise NotExpressible(f"its schedule ({kind} {schedule!r}) is neither a crontab nor an "
                         "interval")


def cron_fields(monitor: Json, project: Project, teams: dict[str, str]
                ) -> tuple[dict[str, Any], list[tuple[str, str, str]]]:
    """The YAML of one monitor (without its routing) and (setting, Sentry's, ours) for each
    setting Sentry leaves unset that the first `up` stores. ``teams`` maps team ids to slugs."""
    config: Json = monitor.get("config") or {}
    slug = str(monitor.get("slug"))
    fields: dict[str, Any] = {"slug": slug}
    if monitor.get("name") and monitor["name"] != slug:
        fields["name"] = monitor["name"]
    fields.update(schedule_fields(config))
    changes: list[tuple[str, str, str]] = []
    timezone = config.get("timezone")
    if timezone is None:
        changes.append(("timezone", "none", "UTC"))
    elif timezone != "UTC":
        fields["timezone"] = timezone
    for key, ours in _CONFIG_FIELDS:
        if config.get(key) is not None:
            fields[ours] = format_duration(int(config[key]) * 60)
    for key, ours in _THRESHOLDS:
        value = config.get(key)
        if value is None:
            changes.append((ours.replace("_", " "), "none (Sentry counts 1)", "1"))
        elif int(value) != 1:
            fields[ours] = int(value)
    owner = monitor.get("owner", MISSING)
    default = project.teams[0]
    if owner is MISSING or owner is None:
        changes.append(("owner", "none", f"team {default} (the project's first team)"))
    elif not isinstance(owner, dict) or owner.get("type") != "team":
        raise NotExpressible("it is owned by a person; sentry-iac's cron owners are teams")
    else:
        team = teams.get(str(owner.get("id")))
        if team is None:
            raise NotExpressible(f"its owner team {owner.get('id')} is not in the organisation")
        if team != default:
            fields["owner"] = team
    return fields, changes


def cron_model(fields: dict[str, Any]) -> Cron:
    try:
        return Cron.model_validate({"priority": PLACEHOLDER_PRIORITY, **fields})
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise NotExpressible(f"sentry-iac would refuse it: {where}: {problem['msg']}") from None


def unset_as_ours(sentry: Json, ours: Json) -> Json:
    """Sentry's monitor with the settings it leaves unset taken from ``ours`` (reported as
    changes): the rest must then be exactly what the YAML sends."""
    config = dict(sentry.get("config") or {})
    for key in _UNSET:
        if config.get(key) is None:
            config[key] = ours["config"][key]
    adjusted = {**sentry, "config": config}
    if adjusted.get("owner") is None:
        adjusted["owner"] = ours["owner"]
    return adjusted


@dataclass
class _Alert:
    workflow: Json
    priority: str
    channels: list[tuple[str, Json]]  # (wanted name, channel), not registered yet


class _Crons:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.found = CronsFound()
        self.teams = {str(t["id"]): str(t["slug"]) for t in ctx.snapshot.teams}
        self.team_ids = {slug: team_id for team_id, slug in self.teams.items()}
        self.detectors = [d for d in ctx.snapshot.detectors if d.get("type") == CRON_DETECTOR]
        self.slugs = monitor_slugs(self.detectors)
        self.owner_stack = ctx.stacks[0]

    # -- finding what belongs to a monitor -----------------------------------------------------

    def detector_of(self, monitor: Json) -> Json | None:
        """The monitor's ``monitor_check_in_failure`` detector: named by its data source, else
        (older answers) the one of its project with the monitor's name."""
        slug = str(monitor.get("slug"))
        named = [d for d in self.detectors if self.slugs.get(str(d["id"])) == slug]
        if named:
            return named[0]
        project_id = str((monitor.get("project") or {}).get("id"))
        return next((d for d in self.detectors if str(d.get("projectId")) == project_id
                     and str(d["id"]) not in self.slugs and d.get("name") == monitor.get("name")),
                    None)

    def alerts_on(self, detector_id: str) -> list[Json]:
        """The workflows connected to this detector only; others connected to it as well are
        reported by the alert import (they watch several monitors)."""
        return sorted((w for w in self.ctx.snapshot.workflows
                       if [str(d) for d in w.get("detectorIds") or []] == [detector_id]),
                      key=lambda w: int(w["id"]))

    # -- one alert -----------------------------------------------------------------------------

    def item(self, cron: Cron, project: Project, stack: str, alert: _Alert,
             names: list[str]) -> StackCron:
        channels = tuple((name, Channel.model_validate(channel))
                         for name, (_, channel) in zip(names, alert.channels, strict=True))
        return StackCron(cron, project, stack, project.environment_for(stack), alert.priority,
                         channels)

    def trial(self, cron: Cron, project: Project, stack: str, workflow: Json,
              detector_id: str) -> _Alert:
        """The stack's alert, if ``workflow`` is exactly what the YAML would send."""
        if workflow.get("enabled") is False:
            raise NotExpressible("it is switched off; sentry-iac declares alerts that are on "
                                 "(`enabled: false` for a stack means no alert there)")
        actions = single_filter(workflow).get("actions") or []
        pending = [self.ctx.channels.convert(action) for action in actions]
        if not pending:
            raise NotExpressible("it notifies no one; every cron alert reaches a channel")
        alert = _Alert(workflow, priority_for([c for _, c in pending]), pending)
        trial = self.item(cron, project, stack, alert, [f"pending-{i}" for i in
                                                        range(len(pending))])
        check_workflow(dict(cron_workflow_payload(trial)), workflow, self.ctx.resolver,
                       [detector_id])
        return alert

    def resolution(self, item: StackCron, candidates: list[Json], detector_id: str
                   ) -> Json | None:
        """The alert that resolves this stack's pages, among the alerts for every environment:
        the one named for it first."""
        expected = cron_resolution_payload(item)
        if expected is None:
            return None
        name = f"{item.display_name}{RESOLUTION_SUFFIX}"
        for workflow in sorted(candidates, key=lambda w: w.get("name") != name):
            try:
                check_workflow(dict(expected), workflow, self.ctx.resolver, [detector_id])
            except NotExpressible:
                continue
            return workflow
        return None

    # -- one monitor ---------------------------------------------------------------------------

    def monitor(self, monitor: Json) -> None:
        slug = str(monitor.get("slug"))
        project_slug = str((monitor.get("project") or {}).get("slug"))
        subject = f"cron monitor '{slug}' ({project_slug})"
        detector = self.detector_of(monitor)
        workflows = self.alerts_on(str(detector["id"])) if detector else []
        if detector is not None:
            self.ctx.claimed.add(str(detector["id"]))
        self.ctx.claimed.update(str(w["id"]) for w in workflows)
        try:
            project, cron, fields, changes = self.checked_monitor(monitor, project_slug)
        except NotExpressible as exc:
            self.ctx.report.skip(subject, str(exc))
            for workflow in workflows:
                self.ctx.report.skip(_describe(workflow), f"its cron monitor '{slug}' is not "
                                                          "imported (see that monitor)")
            return
        if monitor.get("isMuted"):
            self.ctx.report.note(subject, "it is muted in Sentry; sentry-iac does not manage "
                                          "muting, so it stays muted")
        if config_rule := (monitor.get("config") or {}).get("alert_rule_id"):
            self.ctx.report.note(subject, f"Sentry's legacy issue alert {config_rule} for it "
                                          "is not read; it keeps working as it is")
        key = f"{project.slug}/{slug}"
        adopted = self.alerts(cron, project, key, workflows,
                              str(detector["id"]) if detector else None)
        entry = self.entry(fields, adopted)
        final = cron_model(entry)
        self.found.entries.setdefault(project.slug, []).append(entry)
        self.found.ids[("CronMonitor", key, self.owner_stack)] = str(monitor["id"])
        self.found.rendered[("CronMonitor", key, self.owner_stack)] = {
            "monitor": monitor_payload(final, project)}
        self.ctx.report.adopted["cron monitors"] += 1
        for what, old, new in changes:
            self.ctx.report.change(f"{subject} {what}", old, new)
        if detector is None:
            self.ctx.report.note(subject, f"Sentry shows no {CRON_DETECTOR} monitor for it, so "
                                          "no alert on it was read; its alerts are off in every "
                                          "stack")

    def checked_monitor(self, monitor: Json, project_slug: str
                        ) -> tuple[Project, Cron, dict[str, Any], list[tuple[str, str, str]]]:
        project = self.ctx.projects.get(project_slug)
        if project is None:
            raise NotExpressible(f"its project {project_slug} is not in the YAML (see above)")
        if monitor.get("status") != "active":
            raise NotExpressible(f"it is {monitor.get('status')} in Sentry; sentry-iac declares "
                                 "monitors that are on")
        fields, changes = cron_fields(monitor, project, self.teams)
        cron = cron_model(fields)
        ours = monitor_payload(cron, project)
        owner = str(ours["owner"]).removeprefix("team:")
        ours["owner"] = f"team:{self.team_ids[owner]}"  # as the provider resolves it
        check_monitor(ours, unset_as_ours(monitor, ours))
        return project, cron, fields, changes

    def alerts(self, cron: Cron, project: Project, key: str, workflows: list[Json],
               detector_id: str | None) -> dict[str, tuple[str, list[str]]]:
        """Each stack's (priority, channel names) of the alerts adopted; the rest reported."""
        adopted: dict[str, tuple[str, list[str]]] = {}
        taken: set[str] = set()
        reasons: dict[str, str] = {}
        for stack in self.ctx.stacks:
            environment = project.environment_for(stack)
            for workflow in (w for w in workflows if w.get("environment") == environment):
                if stack in adopted:
                    reasons[str(workflow["id"])] = (f"a second alert on this cron in "
                                                    f"'{environment}'; sentry-iac writes one "
                                                    "per stack")
                    continue
                assert detector_id is not None
                try:
                    alert = self.trial(cron, project, stack, workflow, detector_id)
                except NotExpressible as exc:
                    reasons[str(workflow["id"])] = str(exc)
                    continue
                names = [self.ctx.channels.register(wanted, channel)
                         for wanted, channel in alert.channels]
                adopted[stack] = (alert.priority, names)
                taken.add(str(workflow["id"]))
                self.adopt(cron, project, key, stack, alert, names, workflows, taken)
        known = {project.environment_for(s) for s in self.ctx.stacks}
        for workflow in workflows:
            workflow_id = str(workflow["id"])
            if workflow_id in taken:
                continue
            filtered = workflow.get("environment")
            reason = reasons.get(workflow_id) or (
                f"its environment '{filtered}' is no stack's; map it to one with --env"
                if filtered and filtered not in known else
                "an alert for every environment that resolves no stack's pages")
            self.ctx.report.skip(_describe(workflow), reason)
        return adopted

    def adopt(self, cron: Cron, project: Project, key: str, stack: str, alert: _Alert,
              names: list[str], workflows: list[Json], taken: set[str]) -> None:
        item = self.item(cron, project, stack, alert, names)
        workflow = alert.workflow
        self.found.ids[("CronAlert", key, stack)] = str(workflow["id"])
        self.found.rendered[("CronAlert", key, stack)] = {
            "workflow": dict(cron_workflow_payload(item))}
        self.found.priorities.add(alert.priority)
        self.ctx.report.adopted["cron alerts"] += 1
        if workflow.get("name") != item.display_name:
            self.ctx.report.rename(f"alert {workflow['id']}, cron {key} ({stack})",
                                   str(workflow.get("name")), item.display_name)
        resolution = cron_resolution_payload(item)
        if resolution is None:
            return
        detector_id = str(workflow["detectorIds"][0])
        candidates = [w for w in workflows if w.get("environment") is None
                      and str(w["id"]) not in taken]
        found = self.resolution(item, candidates, detector_id)
        name = f"{key}/resolution"
        self.found.rendered[("CronAlert", name, stack)] = {"workflow": dict(resolution)}
        if found is None:
            self.ctx.report.note(f"cron {key} ({stack})",
                                 "Sentry has no alert that resolves its pages; the first "
                                 "`pulumi up` creates one")
            return
        taken.add(str(found["id"]))
        self.found.ids[("CronAlert", name, stack)] = str(found["id"])
        self.ctx.report.adopted["cron alerts"] += 1
        if found.get("name") != resolution["name"]:
            self.ctx.report.rename(f"alert {found['id']}, cron {key} ({stack})",
                                   str(found.get("name")), str(resolution["name"]))

    def entry(self, fields: dict[str, Any], adopted: dict[str, tuple[str, list[str]]]
              ) -> dict[str, Any]:
        """The cron's YAML: its monitor, then the first stack's routing and what differs."""
        stacks = [s for s in self.ctx.stacks if s in adopted]
        priority, channels = adopted[stacks[0]] if stacks else (PLACEHOLDER_PRIORITY, [])
        self.found.priorities.add(priority)
        entry = {**fields, "priority": priority}
        if channels:
            entry["channels"] = channels
        environments: dict[str, Any] = {}
        for stack in self.ctx.stacks:
            if stack not in adopted:
                environments[stack] = {"enabled": False}
                continue
            override: dict[str, Any] = {}
            if adopted[stack][0] != priority:
                override["priority"] = adopted[stack][0]
            if adopted[stack][1] != channels:
                override["channels"] = adopted[stack][1]
            if override:
                environments[stack] = override
        if environments:
            entry["environments"] = environments
        return entry


def _describe(workflow: Json) -> str:
    env = workflow.get("environment") or "all environments"
    return f"alert {workflow.get('id')} '{workflow.get('name')}' ({env})"


def convert_crons(ctx: Context) -> CronsFound:
    """Every cron monitor and its alerts; the workflows and detectors met are added to
    ``ctx.claimed`` so the alert import does not report them again."""
    crons = _Crons(ctx)
    for monitor in ctx.snapshot.monitors:
        crons.monitor(monitor)
    read = {str(m.get("slug")) for m in ctx.snapshot.monitors}
    for detector in crons.detectors:
        detector_id = str(detector["id"])
        if detector_id in ctx.claimed:
            continue
        ctx.claimed.add(detector_id)
        slug = crons.slugs.get(detector_id)
        if slug is None or slug not in read:
            ctx.report.skip(f"monitor {detector_id} '{detector.get('name')}'",
                            "a cron check-in monitor whose cron monitor could not be read")
    return crons.found
