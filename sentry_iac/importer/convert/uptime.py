"""Sentry's uptime monitors -> ``uptime:`` checks under their projects, verified before kept.

Each uptime detector watches one site in one environment, which picks its stack; the alert
connected to it (one workflow, connected to it alone) gives its channels, and a monitor that
is switched off (with no alert) is a paused check there. The monitors of one project with the
same name (without the `` [<environment>]`` sentry-iac adds) and the same request are one
check: the values of the first stack that checks are the check's, the others' are stack
overrides, and a stack without such a monitor says ``enabled: false``. A monitor is kept only
when the check, rendered for its stack by the program's own functions, is exactly what Sentry
holds (the name aside): the first `up` then writes nothing to it. The rest is reported and
left in Sentry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from sentry_iac.config.durations import format_duration
from sentry_iac.config.models import Channel, Project
from sentry_iac.config.routing import NO_ROUTES
from sentry_iac.config.stack_views import StackUptime, uptime_in_stack
from sentry_iac.config.uptime import UptimeCheck
from sentry_iac.importer.convert.instances import (
    Context,
    _base_name,
    describe_monitor,
    priority_for,
)
from sentry_iac.importer.convert.issues import single_filter
from sentry_iac.importer.convert.names import UniqueNames, slugify
from sentry_iac.importer.convert.problems import NotExpressible
from sentry_iac.importer.convert.verify import Rendered, check_workflow
from sentry_iac.importer.read.snapshot import Json
from sentry_iac.providers.uptime import normalize_uptime_detector
from sentry_iac.resources.payloads.uptime import uptime_detector_payload, uptime_workflow_payload
from sentry_iac.sentry.uptime import MANUAL_MODE, UPTIME_DETECTOR

# What one check says once for every stack; the rest a stack may override.
SHARED = ("method", "headers", "body", "failure_threshold", "recovery_threshold", "owner")
PER_STACK = ("url", "every", "timeout", "priority", "channels")
PAGING = ("pagerduty", "opsgenie")
IDLE_PRIORITY = "standard"  # the priority of a check that is paused wherever it is


@dataclass
class Found:
    """One uptime monitor (and its alert) as a check in one stack."""

    project: str
    stack: str
    environment: str
    name: str
    fields: dict[str, Any]  # the check's keys as the YAML says them, for this stack
    pending: list[tuple[str, Json]]  # (wanted name, channel) of the alert's actions
    detector_id: str
    workflow_id: str | None
    sentry_name: str

    @property
    def paused(self) -> bool:
        return self.workflow_id is None

    def shared(self) -> str:
        return repr((self.project, self.name, [self.fields.get(k) for k in SHARED]))


@dataclass
class ImportedUptime:
    """Each project's ``uptime:`` entries, and what each stack adopts and must register."""

    checks: dict[str, list[Json]] = field(default_factory=dict)  # project -> its entries
    ids: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (type, name, stack)
    rendered: dict[tuple[str, str], Rendered] = field(default_factory=dict)  # (name, stack)
    paused: set[tuple[str, str]] = field(default_factory=set)  # (name, stack): no alert
    claimed: set[str] = field(default_factory=set)  # detector and workflow ids adopted
    paged: set[tuple[str, str]] = field(default_factory=set)  # (project, stack)
    priorities: set[str] = field(default_factory=set)


def _timeout(ms: int) -> str:
    return f"{ms // 1000}s" if ms % 1000 == 0 else f"{ms}ms"


def _validated(entry: Json) -> UptimeCheck:
    try:
        return UptimeCheck.model_validate(entry)
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise NotExpressible(f"sentry-iac would refuse it: {where}: {problem['msg']}") from None


def render(item: StackUptime) -> Rendered:
    return Rendered(dict(uptime_detector_payload(item)), dict(uptime_workflow_payload(item)))


def _comparable(body: Json) -> Json:
    normal = normalize_uptime_detector(body)
    normal.pop("name")
    return normal


class _Reader:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.workflows = {str(w["id"]): w for w in ctx.snapshot.workflows}
        self.team_ids = {slug: team_id for team_id, slug in ctx.channels.teams.items()}

    def _owner(self, owner: Any, project: Project) -> str | None:
        """The owner as the YAML says it: None for the project's first team."""
        if not isinstance(owner, dict) or owner.get("type") != "team":
            who = "no owner" if owner is None else f"owner {owner.get('type')}:{owner.get('id')}"
            raise NotExpressible(f"it has {who}; sentry-iac gives each uptime monitor a team")
        slug = self.ctx.channels.teams.get(str(owner.get("id")))
        if slug is None:
            raise NotExpressible(f"its owner team {owner.get('id')} was not read")
        return None if slug == project.teams[0] else slug

    def _fields(self, detector: Json, project: Project) -> dict[str, Any]:
        sources = detector.get("dataSources") or []
        if len(sources) != 1 or not isinstance(sources[0].get("queryObj"), dict):
            raise NotExpressible("it has no uptime subscription sentry-iac could read")
        query: Json = sources[0]["queryObj"]
        config: Json = detector.get("config") or {}
        if config.get("mode", MANUAL_MODE) != MANUAL_MODE:
            raise NotExpressible(f"Sentry's auto-detection made it (mode {config.get('mode')});"
                                 " adopting it would make it a manual monitor")
        if query.get("traceSampling"):
            raise NotExpressible("it samples traces of its checks, which sentry-iac turns off")
        pairs = query.get("headers") or []
        headers = {str(pair[0]): str(pair[1]) for pair in pairs if len(pair) == 2}
        if len(headers) != len(pairs):
            raise NotExpressible("it sends a header twice (or a malformed one); sentry-iac's "
                                 "headers are one value per name")
        return {"url": query.get("url"),
                "every": format_duration(int(query.get("intervalSeconds") or 0)),
                "timeout": _timeout(int(query.get("timeoutMs") or 0)),
                "method": query.get("method"), "headers": headers, "body": query.get("body"),
                "failure_threshold": config.get("downtimeThreshold"),
                "recovery_threshold": config.get("recoveryThreshold"),
                "owner": self._owner(detector.get("owner"), project)}

    def alert_of(self, detector_id: str) -> Json | None:
        linked = [w for w in self.workflows.values()
                  if detector_id in {str(d) for d in w.get("detectorIds") or []}]
        if len(linked) > 1:
            raise NotExpressible(f"{len(linked)} alerts are connected to it; sentry-iac "
                                 "connects one")
        if linked and len(linked[0].get("detectorIds") or []) != 1:
            raise NotExpressible(f"its alert {linked[0]['id']} is connected to other monitors "
                                 "too")
        return linked[0] if linked else None

    def found(self, detector: Json) -> Found:
        ctx = self.ctx
        slug = ctx.snapshot.project_slug(detector.get("projectId"))
        project = ctx.projects.get(str(slug))
        if project is None:
            raise NotExpressible(f"its project {slug} is not in the YAML (see above)")
        environment = (detector.get("config") or {}).get("environment")
        stacks = [s for s in ctx.stacks if project.environment_for(s) == environment]
        if not environment or not stacks:
            known = ", ".join(f"{s}: {project.environment_for(s)}" for s in ctx.stacks)
            raise NotExpressible(f"its environment '{environment}' is no stack's ({known}); "
                                 "map it to one with --env")
        fields = self._fields(detector, project)
        workflow = self.alert_of(str(detector["id"]))
        pending: list[tuple[str, Json]] = []
        if detector.get("enabled") is False:
            if workflow is not None:
                raise NotExpressible("it is switched off but has an alert; a paused check has "
                                     "none")
        else:
            if workflow is None:
                raise NotExpressible("no alert is connected to it; every uptime check that is "
                                     "on tells someone")
            if workflow.get("enabled") is False:
                raise NotExpressible(f"its alert {workflow['id']} is switched off")
            pending = [ctx.channels.convert(a) for a in
                       single_filter(workflow).get("actions") or []]
            if not pending:
                raise NotExpressible("its alert notifies no one")
        fields["priority"] = priority_for([c for _, c in pending]) if pending else IDLE_PRIORITY
        return Found(project.slug, stacks[0], str(environment),
                     _base_name(str(detector.get("name")), str(environment)), fields, pending,
                     str(detector["id"]), str(workflow["id"]) if workflow else None,
                     str(detector.get("name")))

    def verify(self, found: Found, detector: Json) -> None:
        """The check rendered for its stack must be what Sentry has (the name aside)."""
        trial = [f"pending-{i}" for i in range(len(found.pending))]
        channels = {n: Channel.model_validate(c)
                    for n, (_, c) in zip(trial, found.pending, strict=True)}
        check = _validated({"id": "imported", "name": found.name, "channels": trial,
                            "paused": found.paused,
                            **{k: v for k, v in found.fields.items() if v is not None}})
        item = uptime_in_stack(check, self.ctx.projects[found.project], found.stack, channels,
                               routes=NO_ROUTES)
        assert item is not None
        rendered = render(item)
        ours = dict(rendered.detector or {})
        owner = str(ours["owner"]).removeprefix("team:")
        ours["owner"] = f"team:{self.team_ids.get(owner, owner)}"
        if _comparable(ours) != _comparable(detector):
            raise NotExpressible("its monitor differs from what the YAML can say: Sentry has "
                                 f"{_comparable(detector)}, the YAML would send "
                                 f"{_comparable(ours)}")
        if found.workflow_id is not None:
            check_workflow(rendered.workflow, self.workflows[found.workflow_id],
                           self.ctx.resolver, [found.detector_id])


def _groups(found: list[Found], stacks: tuple[str, ...]) -> list[list[Found]]:
    """The monitors that are one check: same project, name and request, one per stack."""
    groups: dict[str, list[Found]] = {}
    for item in sorted(found, key=lambda f: stacks.index(f.stack)):
        key, number = item.shared(), 0
        while any(m.stack == item.stack for m in groups.get(f"{key}#{number}", [])):
            number += 1
        groups.setdefault(f"{key}#{number}", []).append(item)
    return list(groups.values())


def _entry(members: list[Found], check_id: str, names: dict[str, list[str]],
           ctx: Context) -> Json:
    """The check's YAML: the first stack that checks gives its values, the others override."""
    base = next((m for m in members if not m.paused), members[0])
    entry: Json = {"id": check_id, "name": base.name,
                   **{k: v for k, v in base.fields.items() if v is not None},
                   "channels": names[base.stack]}
    if base.paused:
        entry["paused"] = True
    project = ctx.projects[base.project]
    overrides: dict[str, Json] = {}
    for stack in ctx.stacks:
        item = next((m for m in members if m.stack == stack), None)
        if item is None:
            overrides[stack] = {"enabled": False}
            continue
        if item is base:
            continue
        here: Json = {k: item.fields[k] for k in ("url", "every", "timeout")
                      if item.fields[k] != entry[k]}
        if item.paused != base.paused:
            here["paused"] = item.paused
        if not item.paused:
            if item.fields["priority"] != entry["priority"]:
                here["priority"] = item.fields["priority"]
            if names[stack] != entry["channels"]:
                here["channels"] = names[stack]
        if item.environment != project.environment_for(stack):
            here["environment"] = item.environment
        if here:
            overrides[stack] = here
    if overrides:
        entry["environments"] = overrides
    return entry


def collect_uptime(ctx: Context) -> ImportedUptime:
    """Every uptime monitor that can be adopted, as checks; the rest are reported."""
    reader = _Reader(ctx)
    found: list[Found] = []
    for detector in sorted(ctx.snapshot.detectors, key=lambda d: int(d["id"])):
        if detector.get("type") != UPTIME_DETECTOR:
            continue
        try:
            item = reader.found(detector)
            reader.verify(item, detector)
        except NotExpressible as exc:
            ctx.report.skip(describe_monitor(detector, ctx.snapshot),
                            f"an {UPTIME_DETECTOR} monitor: {exc}")
            continue
        found.append(item)
    out = ImportedUptime()
    ids: dict[str, UniqueNames] = {}
    for members in _groups(found, ctx.stacks):
        first = members[0]
        check_id = ids.setdefault(first.project, UniqueNames()).take(
            slugify(first.name, fallback="site"))
        # Channels get their names only once the check is kept.
        names = {m.stack: [ctx.channels.register(w, c) for w, c in m.pending] for m in members}
        entry = _entry(members, check_id, names, ctx)
        out.checks.setdefault(first.project, []).append(entry)
        check = UptimeCheck.model_validate(entry)
        _record(out, ctx, check, members)
    return out


def _record(out: ImportedUptime, ctx: Context, check: UptimeCheck,
            members: list[Found]) -> None:
    project = ctx.projects[members[0].project]
    key = f"{project.slug}/{check.id}"
    channels = {n: Channel.model_validate(c) for n, c in ctx.channels.channels.items()}
    for item in members:
        stacked = uptime_in_stack(check, project, item.stack, channels, routes=NO_ROUTES)
        assert stacked is not None
        out.rendered[(key, item.stack)] = render(stacked)
        out.ids[("UptimeMonitor", key, item.stack)] = item.detector_id
        out.claimed.add(item.detector_id)
        ctx.report.adopted["uptime monitors"] += 1
        out.priorities.add(stacked.priority)
        display = f"{check.display_name} [{item.environment}]"
        if item.sentry_name != display:
            ctx.report.rename(f"uptime monitor {item.detector_id}", item.sentry_name, display)
        if item.workflow_id is None:
            out.paused.add((key, item.stack))
            continue
        out.ids[("UptimeAlert", key, item.stack)] = item.workflow_id
        out.claimed.add(item.workflow_id)
        ctx.report.adopted["uptime alerts"] += 1
        if stacked.priority == "critical" and any(
                c.kind in PAGING for _, c in stacked.channels):
            out.paged.add((project.slug, item.stack))
