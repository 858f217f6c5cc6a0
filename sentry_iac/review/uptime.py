"""Uptime checks for reviewers: the words ``render`` and ``plan`` use, and what ``diff``
compares. Each stack makes its own monitor for its own site, so a stack lists its own: the
site, how often, when it counts as down, and who is told."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sentry_iac.config.loader import Spec
from sentry_iac.config.stack_views import StackUptime, stack_uptime
from sentry_iac.review import english
from sentry_iac.review.observability import Difference, _cell, _compare

ARROW = english.ARROW


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def timeout_words(ms: int) -> str:
    """5000 -> "5 s", 2500 -> "2.5 s"."""
    return f"{ms / 1000:g} s"


def check_words(item: StackUptime) -> str:
    """"checks GET https://… every 1 minute, timeout 5 s"."""
    method = "" if item.check.method == "GET" else f"{item.check.method} "
    headers = len(item.check.headers)
    extra = f", with {_plural(headers, 'header')}" if headers else ""
    extra += ", with a body" if item.check.body is not None else ""
    return (f"checks {method}{item.url} every {english.duration(item.interval_seconds)}, "
            f"timeout {timeout_words(item.timeout_ms)}{extra}")


def issue_words(item: StackUptime) -> str:
    """"3 failures in a row open an issue; 1 good check resolves it"."""
    check = item.check
    failures = _plural(check.failure_threshold, "failure")
    verb = "opens" if check.failure_threshold == 1 else "open"
    good = _plural(check.recovery_threshold, "good check")
    resolve = "resolves" if check.recovery_threshold == 1 else "resolve"
    return f"{failures} in a row {verb} an issue; {good} {resolve} it"


def routing_words(item: StackUptime) -> str:
    """"critical: on-call, team-chat"."""
    return f"{item.priority}: {', '.join(name for name, _ in item.channels) or 'nobody'}"


def sentence(item: StackUptime, legacy: bool = False) -> str:
    """One uptime monitor in one line, as ``render`` shows it: "checks https://… every 1
    minute, timeout 5 s; 3 failures in a row open a critical issue → on-call, team-chat; 1
    good check resolves it, and they are told". On the legacy backend the alert is an issue
    rule, which hears only of issues opening (``legacy``)."""
    if item.paused:
        return f"{check_words(item)}; paused in {item.stack}: no checks, nobody told"
    check = item.check
    failures = _plural(check.failure_threshold, "failure")
    verb = "opens" if check.failure_threshold == 1 else "open"
    good = _plural(check.recovery_threshold, "good check")
    resolve = "resolves" if check.recovery_threshold == 1 else "resolve"
    names = ", ".join(name for name, _ in item.channels) or "nobody"
    article = "an" if item.priority[:1] in "aeiou" else "a"
    told = ("; nobody is told when it is back (the legacy backend's issue rules hear only of "
            "issues opening)" if legacy else f"; {good} {resolve} it, and they are told")
    return (f"{check_words(item)}; {failures} in a row {verb} {article} {item.priority} issue "
            f"{ARROW} {names}{told}")


@dataclass(frozen=True)
class UptimeView:
    project: str
    check_id: str
    name: str
    sentence: str
    values: Mapping[str, str]  # label -> value, for ``diff``
    deletes_when_removed: bool = False

    @property
    def key(self) -> str:
        return f"{self.project}/{self.check_id}"

    def as_json(self) -> dict[str, Any]:
        return {"project": self.project, "id": self.check_id, "name": self.name,
                "sentence": self.sentence, "values": dict(self.values)}


def uptime_views(spec: Spec, stack: str) -> tuple[UptimeView, ...]:
    config = spec.stacks.get(stack)
    legacy = config is not None and config.alerts_backend == "legacy"
    views = []
    for item in stack_uptime(spec.org, stack):
        check = item.check
        values = {"summary": sentence(item, legacy), "name": item.display_name, "url": item.url,
                  "every": english.duration(item.interval_seconds),
                  "timeout": timeout_words(item.timeout_ms), "method": check.method,
                  "headers": ", ".join(f"{k}: {v}" for k, v in check.headers.items()) or "none",
                  "body": "none" if check.body is None else f"{len(check.body)} characters",
                  "down after": _plural(check.failure_threshold, "failed check"),
                  "back after": _plural(check.recovery_threshold, "good check"),
                  "owner": item.owner, "environment": item.environment,
                  "checks": "paused" if item.paused else "on"}
        if not item.paused:
            values.update(priority=item.priority,
                          channels=", ".join(name for name, _ in item.channels) or "none")
        views.append(UptimeView(item.project.slug, check.id, item.display_name,
                                sentence(item, legacy), values, check.delete_when_removed))
    return tuple(views)


def render_section(stack: str, views: Sequence[UptimeView]) -> list[str]:
    """The "Uptime monitors" section of ``render``'s page: one line per monitor; none for a
    stack without uptime checks."""
    lines = ["## Uptime monitors", ""]
    if not views:
        return []
    lines += [f"- **{_cell(v.name)}** `{v.check_id}` ({v.project}): {v.sentence}" for v in views]
    return [*lines, ""]


def diff_uptime(stack: str, old: Sequence[UptimeView], new: Sequence[UptimeView],
                renamed: Mapping[str, str]) -> Difference:
    """``renamed`` maps a project's earlier slugs to its slug (``previous_slugs``): its checks
    carry over, as their resources do. A removed check's monitor is released (kept in
    Sentry, still checking) unless the check opted into deletion, which is called out."""
    before = {f"{renamed.get(v.project, v.project)}/{v.check_id}": v for v in old}
    after = {v.key: v for v in new}
    difference = _compare(before, after, "summary")
    difference.changes[:] = [c for c in difference.changes if not c[0].endswith(": summary")]
    for key, view in before.items():
        if key in after:
            continue
        what = ("DELETES its monitor and check history from Sentry (delete_when_removed)"
                if view.deletes_when_removed else
                "its alert is deleted and its monitor released: Sentry keeps it, and it keeps "
                "checking (pause it first with `paused: true` to stop the checks)")
        difference.deleted.append((key, f"uptime monitor `{view.check_id}` is removed from "
                                        f"{view.project} in {stack}: {what}"))
    return difference
