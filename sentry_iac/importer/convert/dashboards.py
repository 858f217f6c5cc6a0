"""Dashboards -> ``dashboards:`` of ``org.yaml``, the inverse of ``resources.payloads.dashboards``.

sentry-iac makes one dashboard per project and stack, filtered to the stack's environment and
titled ``<title>: <project> [<environment>]``; its widgets are charts of the alert rules'
measures (``measure``, ``percentile``, ``search``, ``display``) and lists of issues. A Sentry
dashboard is adopted when the YAML renders it exactly, apart from its title (renamed) and how
its widgets are laid out and charted (``layout``, ``interval``: changed, and reported). Anything
else, one widget the vocabulary cannot say included, leaves the whole dashboard in Sentry:
adopting it without that widget would delete the widget on the first update.

Dashboards of the same title and widgets become one entry: its ``projects`` are those that have
it in the same stacks, and a stack without it gets ``enabled: false``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from sentry_iac.config.dashboards import TITLE_MAX, Dashboard
from sentry_iac.config.metrics import PRESETS
from sentry_iac.config.models import Project
from sentry_iac.config.stack_views import StackDashboard
from sentry_iac.importer.convert.names import UniqueNames, slugify
from sentry_iac.importer.convert.problems import NotExpressible
from sentry_iac.importer.convert.verify import check_dashboard
from sentry_iac.importer.read.snapshot import Json, Snapshot
from sentry_iac.importer.report import Report
from sentry_iac.resources.payloads.dashboards import (
    DASHBOARD_AGGREGATES,
    ISSUE_SORT,
    WIDGET_TYPES,
    dashboard_payload,
    widget_payloads,
)
from sentry_iac.sentry.codes import inverse

DATASETS = inverse(WIDGET_TYPES)  # Sentry's widget type -> the measures' dataset
SORTS = inverse(ISSUE_SORT)
RELEASE_HEALTH = inverse(DASHBOARD_AGGREGATES)
PERCENTILES = ("p50", "p75", "p90", "p95", "p99")
CHARTS = ("area", "bar", "big_number")  # and "line", the default
DEFAULT_PERIOD = "7d"
ISSUE_DEFAULTS = {"sort": "frequency", "limit": 10, "query": "is:unresolved"}


@dataclass
class DashboardsFound:
    entries: list[Json] = field(default_factory=list)  # the YAML, in order
    ids: dict[tuple[str, str, str], str] = field(default_factory=dict)
    rendered: dict[tuple[str, str, str], Json] = field(default_factory=dict)


def _after(base: str, text: str) -> str | None:
    """What a widget's ``search:`` adds to a preset's query, or None if it adds nothing to it."""
    if not base:
        return text
    if text == base:
        return ""
    return text[len(base) + 1:] if text.startswith(base + " ") else None


def _percentiles(aggregates: list[str], aggregate: str) -> list[str] | None:
    """The percentiles ``aggregates`` chart of a duration preset's ``{percentile}(...)``."""
    found = []
    for text in aggregates:
        percentile = next((p for p in PERCENTILES if aggregate.format(percentile=p) == text),
                          None)
        if percentile is None:
            return None
        found.append(percentile)
    return found


def measure_widget(query: Json, dataset: str) -> dict[str, Any]:
    """``measure`` (+ ``percentile``, ``search``) of the preset the query charts; the preset
    with the longest query of its own wins, so what is left for ``search`` is the least."""
    aggregates = [str(a) for a in query.get("aggregates") or []]
    conditions = str(query.get("conditions") or "")
    best: tuple[int, dict[str, Any]] | None = None
    for name, preset in PRESETS.items():
        if preset.dataset != dataset:
            continue
        fields: dict[str, Any] = {"measure": name}
        if name in DASHBOARD_AGGREGATES:
            if aggregates != [DASHBOARD_AGGREGATES[name]]:
                continue
        elif preset.percentile:
            percentiles = _percentiles(aggregates, preset.aggregate)
            if not percentiles:
                continue
            fields["percentile"] = percentiles[0] if len(percentiles) == 1 else percentiles
        elif aggregates != [preset.aggregate]:
            continue
        search = _after(preset.query, conditions)
        if search is None:
            continue
        if search:
            fields["search"] = search
        if best is None or len(preset.query) > best[0]:
            best = (len(preset.query), fields)
    if best is None:
        raise NotExpressible(f"it charts {', '.join(aggregates) or 'nothing'} where "
                             f"'{conditions}', which no measure of sentry-iac's is")
    return best[1]


def widget_fields(widget: Json) -> dict[str, Any]:
    """One widget in our words; ``NotExpressible`` says why not."""
    for extra in ("description", "thresholds"):
        if widget.get(extra):
            raise NotExpressible(f"it has {extra}, which sentry-iac does not write (an update "
                                 "would drop them)")
    queries = widget.get("queries") or []
    if len(queries) != 1:
        raise NotExpressible(f"it has {len(queries)} queries; sentry-iac's widgets have one")
    query, kind = queries[0], str(widget.get("widgetType"))
    fields: dict[str, Any] = {"title": widget.get("title")}
    if kind == "issue":
        sort = SORTS.get(str(query.get("orderby") or ""))
        if sort is None:
            raise NotExpressible(f"its issues are sorted by '{query.get('orderby')}'; "
                                 f"sentry-iac sorts by {', '.join(ISSUE_SORT)}")
        issues = {"sort": sort, "limit": widget.get("limit"),
                  "query": str(query.get("conditions") or "")}
        fields["issues"] = {k: v for k, v in issues.items() if v != ISSUE_DEFAULTS[k]}
        return fields
    dataset = DATASETS.get(kind)
    if dataset is None:
        raise NotExpressible(f"a '{kind}' widget; sentry-iac charts errors (error-events), "
                             "spans and release health (metrics)")
    fields.update(measure_widget(query, dataset))
    display = widget.get("displayType")
    if display != "line":
        if display not in CHARTS:
            raise NotExpressible(f"it is drawn as '{display}'; sentry-iac draws line, "
                                 f"{', '.join(CHARTS)}")
        fields["display"] = display
    return fields


def dashboard_model(fields: dict[str, Any]) -> Dashboard:
    try:
        return Dashboard.model_validate({"id": "imported", **fields})
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise NotExpressible(f"sentry-iac would refuse it: {where}: {problem['msg']}") from None


def base_title(title: str, project: Project, environment: str) -> str:
    suffix = f": {project.display_name} [{environment}]"
    base = title[: -len(suffix)] if title.endswith(suffix) and len(title) > len(suffix) else title
    return base.strip()[:TITLE_MAX].strip() or "Imported dashboard"


def presented_as_ours(ours: Json, sentry: Json) -> tuple[Json, list[tuple[str, str, str]]]:
    """Sentry's dashboard with the title and each widget's layout and interval taken from
    ``ours``, and (what, Sentry's, ours) for each that changes. The rest must then match."""
    changes: list[tuple[str, str, str]] = []
    if sentry.get("title") != ours["title"]:
        changes.append(("title", str(sentry.get("title")), str(ours["title"])))
    widgets = []
    moved = False
    for theirs, mine in zip(sentry.get("widgets") or [], ours["widgets"], strict=False):
        if (theirs.get("interval") or "5m") != mine["interval"]:
            changes.append((f"widget '{theirs.get('title')}' interval",
                            f"one point per {theirs.get('interval')}",
                            f"one per {mine['interval']}"))
        layout = mine["layout"]
        mine_layout = {"x": layout["x"], "y": layout["y"], "w": layout["w"], "h": layout["h"],
                       "minH": layout["min_h"]}
        moved = moved or (theirs.get("layout") or {}) != mine_layout
        widgets.append({**theirs, "interval": mine["interval"], "layout": layout})
    if moved:
        changes.append(("layout", "as arranged in Sentry",
                        "laid out in order on sentry-iac's grid"))
    return {**sentry, "title": ours["title"], "widgets": widgets}, changes


@dataclass
class _Found:
    """One Sentry dashboard as a dashboard of ours in one project and stack."""

    sentry_id: str
    project: str
    stack: str
    fields: dict[str, Any]  # the YAML without id, projects and environments
    rendered: Json


class _Dashboards:
    def __init__(self, snapshot: Snapshot, projects: dict[str, Project],
                 stacks: tuple[str, ...], report: Report) -> None:
        self.snapshot, self.projects, self.stacks, self.report = (snapshot, projects, stacks,
                                                                  report)
        self.titles = {str(d.get("title")): str(d["id"]) for d in snapshot.dashboards}
        self.sent: set[str] = set()

    def place(self, body: Json) -> tuple[Project, str, str]:
        ids = [str(p) for p in body.get("projects") or []]
        if not ids or "-1" in ids:
            raise NotExpressible("it shows every project; sentry-iac makes one dashboard per "
                                 "project")
        if len(ids) > 1:
            raise NotExpressible(f"it shows {len(ids)} projects; sentry-iac makes one dashboard "
                                 "per project")
        slug = self.snapshot.project_slug(ids[0])
        project = self.projects.get(str(slug))
        if project is None:
            raise NotExpressible(f"its project {slug or ids[0]} is not in the YAML (see above)")
        environments = list(body.get("environment") or [])
        if len(environments) != 1:
            raise NotExpressible("it shows all environments" if not environments else
                                 f"it shows {len(environments)} environments; sentry-iac makes "
                                 "one dashboard per environment (stack)")
        stacks = [s for s in self.stacks if project.environment_for(s) == environments[0]]
        if not stacks:
            raise NotExpressible(f"its environment '{environments[0]}' is no stack's; map it "
                                 "to one with --env")
        return project, stacks[0], environments[0]

    def convert(self, body: Json) -> _Found:
        project, stack, environment = self.place(body)
        if body.get("start") or body.get("end"):
            raise NotExpressible("it shows a fixed time range; sentry-iac's dashboards show a "
                                 "period up to now")
        if not body.get("period"):
            raise NotExpressible("it has no period of its own (Sentry's default); sentry-iac "
                                 "sets one")
        filters = {k: v for k, v in (body.get("filters") or {}).items() if v}
        if filters:
            raise NotExpressible(f"it filters on {', '.join(sorted(filters))}, which sentry-iac "
                                 "does not write")
        widgets, problems = [], []
        for index, widget in enumerate(body.get("widgets") or []):
            try:
                widgets.append(widget_fields(widget))
            except NotExpressible as exc:
                problems.append(f"widget {index + 1} '{widget.get('title')}': {exc}")
        if problems:
            raise NotExpressible("; ".join(problems))
        fields = {"title": base_title(str(body.get("title")), project, environment),
                  "period": body["period"], "widgets": widgets}
        item = StackDashboard(dashboard_model(fields), project, stack, environment)
        payload, parts = dashboard_payload(item), widget_payloads(item.dashboard)
        ours = {**payload, "widgets": parts, "projects": [int(str(body["projects"][0]))]}
        adjusted, changes = presented_as_ours(ours, body)
        check_dashboard(ours, adjusted)
        title = str(payload["title"])
        if title in self.sent or self.titles.get(title, str(body["id"])) != str(body["id"]):
            raise NotExpressible(f"its title would become '{title}', which another dashboard "
                                 "has (Sentry keeps titles unique)")
        self.sent.add(title)
        subject = f"dashboard {body['id']} ({project.slug}, {stack})"
        for what, old, new in changes:
            if what == "title":
                self.report.rename(subject, old, new)
            else:
                self.report.change(f"{subject} {what}", old, new)
        return _Found(str(body["id"]), project.slug, stack, fields,
                      {"dashboard": payload, "widgets": parts})


def _entries(found: list[_Found], stacks: tuple[str, ...], out: DashboardsFound) -> None:
    """One entry per title and content, per set of stacks its projects have it in."""
    families: dict[str, list[_Found]] = {}
    for item in sorted(found, key=lambda f: int(f.sentry_id)):
        families.setdefault(json.dumps(item.fields, sort_keys=True), []).append(item)
    names = UniqueNames()
    for items in families.values():
        slots: list[dict[tuple[str, str], _Found]] = []
        for item in items:
            slot = next((s for s in slots if (item.project, item.stack) not in s), None)
            if slot is None:
                slot = {}
                slots.append(slot)
            slot[(item.project, item.stack)] = item
        for slot in slots:
            by_project: dict[str, set[str]] = {}
            for project, stack in slot:
                by_project.setdefault(project, set()).add(stack)
            groups: dict[tuple[str, ...], list[str]] = {}
            for project in sorted(by_project):
                key = tuple(s for s in stacks if s in by_project[project])
                groups.setdefault(key, []).append(project)
            for present, projects in groups.items():
                first = slot[(projects[0], present[0])]
                base = slugify(str(first.fields["title"]), fallback="dashboard")
                dashboard_id = names.take(base if base not in names.taken else
                                          slugify(f"{base}-{projects[0]}", fallback=base))
                entry: Json = {"id": dashboard_id, "title": first.fields["title"],
                               "projects": projects}
                if first.fields["period"] != DEFAULT_PERIOD:
                    entry["period"] = first.fields["period"]
                entry["widgets"] = first.fields["widgets"]
                absent = {s: {"enabled": False} for s in stacks if s not in present}
                if absent:
                    entry["environments"] = absent
                out.entries.append(entry)
                for project in projects:
                    for stack in present:
                        item = slot[(project, stack)]
                        key = ("Dashboard", f"{dashboard_id}/{project}", stack)
                        out.ids[key] = item.sentry_id
                        out.rendered[key] = item.rendered


def convert_dashboards(snapshot: Snapshot, projects: dict[str, Project],
                       stacks: tuple[str, ...], report: Report) -> DashboardsFound:
    converter = _Dashboards(snapshot, projects, stacks, report)
    found = []
    for body in sorted(snapshot.dashboards, key=lambda d: int(d["id"])):
        try:
            found.append(converter.convert(body))
        except NotExpressible as exc:
            report.skip(f"dashboard {body['id']} '{body.get('title')}'", str(exc))
            continue
        report.adopted["dashboards"] += 1
    out = DashboardsFound()
    _entries(found, stacks, out)
    return out
