"""``diff --backtest``: the metric rules whose monitor a change touches, replayed before and
after over the same recent series, as a Markdown table or JSON.

Pure: the series come from a ``fetch`` the caller passes (``cli/backtest.py`` reads them from
events-stats), so this module never touches the network."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sentry_iac.config.loader import Spec
from sentry_iac.config.stack_views import stack_rules
from sentry_iac.resources.payloads.monitors import detector_payload
from sentry_iac.ruletest.backtest import Backtest, NotBacktestable, replay
from sentry_iac.sentry.alerts import HIGH, MEDIUM

Detector = dict[str, Any]
Series = list[tuple[int, float | None]]
# (detector, project slug) -> its series; raises NotBacktestable when there is none to read
Fetch = Callable[[Detector, str], Series]
NONE = "—"


@dataclass(frozen=True)
class Pair:
    """One rule on one project in one stack whose monitor differs between base and head
    (``None``: the side has no such metric rule)."""

    stack: str
    rule: str
    project: str
    base: Detector | None
    head: Detector | None


@dataclass(frozen=True)
class Counts:
    """What one side's monitor would have done: issues opened, entries into high, medium."""

    fired: int
    high: int
    medium: int

    @classmethod
    def of(cls, result: Backtest) -> Counts:
        return cls(result.fired, result.reached(HIGH), result.reached(MEDIUM))


@dataclass(frozen=True)
class Row:
    """A pair's before and after (``None``: that side has no such rule), or why it has none."""

    stack: str
    rule: str
    project: str
    before: Counts | None = None
    after: Counts | None = None
    reason: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"stack": self.stack, "rule": self.rule, "project": self.project,
                "before": _counts_json(self.before), "after": _counts_json(self.after),
                "not_backtested": self.reason or None}


def _counts_json(counts: Counts | None) -> dict[str, int] | None:
    if counts is None:
        return None
    return {"fired": counts.fired, "high": counts.high, "medium": counts.medium}


def _detectors(spec: Spec, stack: str) -> dict[tuple[str, str], Detector]:
    """The stack's metric monitors by (rule id, project slug); none when the side lacks it."""
    if stack not in spec.stacks:
        return {}
    return {(item.rule.id, item.project.slug): dict(detector_payload(item))
            for item in stack_rules(spec, stack) if item.rule.is_metric}


def changed_pairs(base: Spec, head: Spec, stacks: list[str]) -> list[Pair]:
    """Every metric rule x project whose detector payload differs, or exists on one side."""
    pairs: list[Pair] = []
    for stack in stacks:
        before, after = _detectors(base, stack), _detectors(head, stack)
        keys = [*after, *(k for k in before if k not in after)]
        pairs += [Pair(stack, rule, project, before.get((rule, project)),
                       after.get((rule, project)))
                  for rule, project in keys if before.get((rule, project)) !=
                  after.get((rule, project))]
    return pairs


def _side(detector: Detector | None, project: str, fetch: Fetch) -> Counts | None:
    if detector is None:
        return None
    return Counts.of(replay(detector, fetch(detector, project)))


def backtest_row(pair: Pair, fetch: Fetch) -> Row:
    """The pair replayed through each side's monitor, each over its own series (``fetch``
    is expected to read a series once when both sides ask for the same one)."""
    try:
        before = _side(pair.base, pair.project, fetch)
        after = _side(pair.head, pair.project, fetch)
    except NotBacktestable as exc:
        return Row(pair.stack, pair.rule, pair.project, reason=f"not backtested: {exc}")
    return Row(pair.stack, pair.rule, pair.project, before, after)


def _arrow(row: Row, name: str) -> str:
    def value(counts: Counts | None) -> str:
        return NONE if counts is None else str(getattr(counts, name))
    return f"{value(row.before)} → {value(row.after)}"


def markdown(rows: list[Row], days: int) -> str:
    """The table appended to the diff report: one row per changed metric rule x project."""
    lines = [f"## Backtest: the last {days} days, before → after", ""]
    if not rows:
        return "\n".join([*lines, "No metric rule's monitor changed; nothing to replay.", ""])
    lines += ["| Stack | Rule | Project | Fired | High | Medium |",
              "| --- | --- | --- | --- | --- | --- |"]
    for row in rows:
        cells = ([row.reason, "", ""] if row.reason
                 else [_arrow(row, "fired"), _arrow(row, "high"), _arrow(row, "medium")])
        lines.append(f"| `{row.stack}` | `{row.rule}` | `{row.project}` | "
                     f"{' | '.join(cells)} |")
    lines += ["", f"{NONE}: no such rule on that side. Counts are a lower bound (consecutive "
                  "windows stand in for Sentry's every-minute evaluation).", ""]
    return "\n".join(lines)


def as_json(rows: list[Row], days: int) -> dict[str, Any]:
    """The ``backtest`` field of ``diff --format json``."""
    return {"days": days, "rules": [row.as_json() for row in rows]}
