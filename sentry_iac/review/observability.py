"""Cron monitors and dashboards for reviewers: how ``render`` shows them and what ``diff``
compares. Cron monitors are organisation-wide (the owner stack creates them), so every stack
lists them all, with the alert this stack gets or "no alert here"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sentry_iac.config.crons import Cron, interval, minutes
from sentry_iac.config.loader import Spec
from sentry_iac.config.stack_views import StackCron, stack_crons, stack_dashboards
from sentry_iac.review import english

ARROW = english.ARROW


@dataclass(frozen=True)
class CronView:
    project: str
    slug: str
    name: str
    schedule: str  # "`0 2 * * *` Australia/Perth"
    checks: str  # when a check-in counts as missed or failed
    alert: str  # "high → Teams #spms-alerts", or "no alert in staging"
    values: Mapping[str, str]  # label -> value, for ``diff``

    @property
    def key(self) -> str:
        return f"{self.project}/{self.slug}"

    def as_json(self) -> dict[str, Any]:
        return {"project": self.project, "slug": self.slug, "name": self.name,
                "schedule": self.schedule, "checks": self.checks, "alert": self.alert,
                "values": dict(self.values)}


@dataclass(frozen=True)
class DashboardView:
    dashboard_id: str
    project: str
    title: str
    values: Mapping[str, str]

    @property
    def key(self) -> str:
        return f"{self.dashboard_id}/{self.project}"

    def as_json(self) -> dict[str, Any]:
        return {"id": self.dashboard_id, "project": self.project, "title": self.title,
                "values": dict(self.values)}


def _schedule(cron: Cron) -> str:
    if cron.schedule is not None:
        return f"`{cron.schedule}` {cron.timezone}"
    count, unit = interval(cron.every or "")
    return f"every {count} {unit}{'s' if count != 1 else ''}"


def _checks(cron: Cron) -> str:
    late = (f"missed when {english.duration(minutes(cron.checkin_margin) * 60)} late"
            if cron.checkin_margin else "missed when late (Sentry's default margin)")
    runtime = (f"failed after running {english.duration(minutes(cron.max_runtime) * 60)}"
               if cron.max_runtime else "failed after Sentry's default runtime")
    return (f"{late}, {runtime}; an issue after {cron.failure_threshold} in a row, resolved "
            f"after {cron.recovery_threshold} good")


def _recovery(item: StackCron) -> str:
    """What the channels hear when the task recovers (``StackCron.paging_channels``)."""
    paging = [english.channel(c) for _, c in item.paging_channels]
    if paging:
        return f"when it recovers, {', '.join(paging)} is resolved; the others are not told"
    return ("no notice when it recovers (Sentry tells only alerts for every environment, and "
            "this one is for its environment)")


def cron_views(spec: Spec, stack: str) -> tuple[CronView, ...]:
    alerts = {item.key: item for item in stack_crons(spec.org, stack)}
    views = []
    for project in spec.org.projects:
        for cron in project.crons:
            item = alerts.get(f"{project.slug}/{cron.slug}")
            alert = (f"{english.routed(item.priority, item.team)} {ARROW} "
                     f"{', '.join(english.channel(c) for _, c in item.channels) or 'nobody'}"
                     f" (in {item.environment}); {_recovery(item)}"
                     if item else f"no alert in {stack}")
            values = {"name": cron.display_name, "schedule": _schedule(cron),
                      "check-ins": _checks(cron), "owner": cron.owner or project.teams[0]}
            if item is None:
                values["alert"] = f"off in {stack}"
            else:  # as a rule's: environment, priority and channels by name
                values.update(environment=item.environment,
                              priority=english.routed(item.priority, item.team),
                              channels=", ".join(name for name, _ in item.channels) or "none")
            views.append(CronView(project.slug, cron.slug, cron.display_name, _schedule(cron),
                                  _checks(cron), alert, values))
    return tuple(views)


def dashboard_views(spec: Spec, stack: str) -> tuple[DashboardView, ...]:
    views = []
    for _, item in stack_dashboards(spec.org, stack):
        widgets = "; ".join(w.title for w in item.dashboard.widgets)
        values = {"title": item.title, "environment": item.environment,
                  "period": english.interval(item.dashboard.period), "widgets": widgets}
        views.append(DashboardView(item.dashboard.id, item.project.slug, item.title, values))
    return tuple(views)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_sections(stack: str, crons: Sequence[CronView],
                    dashboards: Sequence[DashboardView]) -> list[str]:
    """The "Cron monitors" and "Dashboards" sections of ``render``'s page."""
    lines = ["## Cron monitors", ""]
    if crons:
        lines += [f"| Cron | Schedule | Check-ins | Alert in {stack} |", "|---|---|---|---|"]
        lines += [f"| {_cell(c.name)} `{c.slug}` ({c.project}) | {_cell(c.schedule)} | "
                  f"{_cell(c.checks)} | {_cell(c.alert)} |" for c in crons]
    else:
        lines.append("No cron monitors.")
    lines += ["", "## Dashboards", ""]
    if dashboards:
        lines += ["| Dashboard | Period | Widgets |", "|---|---|---|"]
        lines += [f"| {_cell(d.title)} `{d.dashboard_id}` | {d.values['period']} | "
                  f"{_cell(d.values['widgets'])} |" for d in dashboards]
    else:
        lines.append(f"No dashboards in {stack}.")
    return [*lines, ""]


@dataclass(frozen=True)
class Difference:
    """Added, removed and changed values (label, old, new), and removals that delete."""

    changes: list[tuple[str, str | None, str | None]]
    deleted: list[tuple[str, str]]  # (subject, message)


def _compare(old: Mapping[str, Any], new: Mapping[str, Any], summary: str) -> Difference:
    """Views by key; ``summary`` is the value that stands for a whole added or removed one."""
    changes: list[tuple[str, str | None, str | None]] = []
    for key, view in old.items():
        if key not in new:
            changes.append((key, view.values[summary], None))
    for key, view in new.items():
        was = old.get(key)
        if was is None:
            changes.append((key, None, view.values[summary]))
            continue
        changes += [(f"{key}: {label}", was.values.get(label), value)
                    for label, value in view.values.items() if was.values.get(label) != value]
    return Difference(changes, [])


def diff_crons(stack: str, owner: bool, old: Sequence[CronView], new: Sequence[CronView],
               renamed: Mapping[str, str]) -> Difference:
    """``renamed`` maps a project's earlier slugs to its slug (``previous_slugs``): its crons
    carry over, as their resources do."""
    before = {f"{renamed.get(c.project, c.project)}/{c.slug}": c for c in old}
    after = {c.key: c for c in new}
    difference = _compare(before, after, "schedule")
    for key, cron in before.items():
        if key not in after:
            what = ("DELETES the monitor and its check-in history" if owner
                    else f"its alert in {stack} is deleted")
            difference.deleted.append((cron.slug, f"cron monitor `{cron.slug}` is removed "
                                                  f"from {cron.project}: {what}"))
    return difference


def diff_dashboards(stack: str, old: Sequence[DashboardView], new: Sequence[DashboardView],
                    renamed: Mapping[str, str]) -> Difference:
    before = {f"{d.dashboard_id}/{renamed.get(d.project, d.project)}": d for d in old}
    after = {d.key: d for d in new}
    difference = _compare(before, after, "title")
    for key, dashboard in before.items():
        if key not in after:
            difference.deleted.append((key, f"dashboard \"{dashboard.title}\" is deleted in "
                                            f"{stack}"))
    return difference
