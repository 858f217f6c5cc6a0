"""The results as data (``--json``) and as the table people read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from benchmarks.api_calls import PHASES, Phase
from benchmarks.measure import PlanComparison

PLAN_GOAL = 1.3  # plan time at most this many times the bare SDK's
VALIDATE_GOAL = 1.0  # seconds for 10,000 rules


@dataclass
class SizeResult:
    target: int
    shape: dict[str, int]
    validate_s: float
    comparison: PlanComparison
    phases: list[Phase] | None = None  # None: API calls not counted at this size

    @property
    def resources(self) -> int:
        return self.comparison.plan.resources


@dataclass
class Report:
    sizes: list[SizeResult]
    rules_validated: int
    rules_shape: dict[str, int]
    rules_validate_s: float
    settings: dict[str, Any] = field(default_factory=dict)

    def goals(self) -> dict[str, Any]:
        ratios = [s.comparison.ratio for s in self.sizes]
        per_resource = [s.comparison.plan.seconds / s.resources for s in self.sizes]
        counted = [s for s in self.sizes if s.phases]
        noop = [p.for_resources for s in counted for p in s.phases or ()
                if p.name == "no-op deploy"]
        change = [p for s in counted for p in s.phases or () if p.name == "one rule changed"]
        return {
            "plan_within_1_3x_floor": bool(ratios) and max(ratios) <= PLAN_GOAL,
            "worst_plan_ratio": max(ratios, default=0.0),
            # Linear: the cost per resource at the largest size over that at the smallest.
            "plan_growth_per_resource": (per_resource[-1] / per_resource[0]
                                         if per_resource else 0.0),
            "validate_10k_rules_under_1s": self.rules_validate_s < VALIDATE_GOAL,
            "noop_calls": sum(noop),
            "one_change_writes": [p.writes for p in change],
            "one_change_changed_resources": [p.changed for p in change],
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "settings": self.settings,
            "sizes": [_size_json(s) for s in self.sizes],
            "validate_rules": {"rules": self.rules_validated, **self.rules_shape,
                               "seconds": self.rules_validate_s},
            "goals": self.goals(),
        }


def _run_json(run: Any) -> dict[str, Any]:
    return {"seconds": run.seconds, "peak_mb": run.peak_mb, "growth_mb": run.growth_mb,
            "resources": run.resources}


def _size_json(size: SizeResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "target": size.target, **size.shape, "resources": size.resources,
        "validate_seconds": size.validate_s,
        "plan": _run_json(size.comparison.plan), "floor": _run_json(size.comparison.floor),
        "plan_to_floor": size.comparison.ratio,
    }
    if size.phases is not None:
        out["api_calls"] = {p.name: {"resources": p.resources, "changed": p.changed,
                                     "total": p.total, "writes": p.writes,
                                     "seconds": p.seconds,
                                     "by_endpoint": dict(sorted(p.calls.items()))}
                            for p in size.phases}
    return out


def _table(rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        cells = [cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
                 for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def _label(target: int) -> str:
    return f"{target // 1000}k" if target % 1000 == 0 else str(target)


def _timing_table(report: Report) -> list[str]:
    rows = [["size", "resources", "teams", "projects", "rules", "validate", "plan", "ms/res",
             "plan peak", "floor", "ms/res", "floor peak", "plan/floor"]]
    for s in report.sizes:
        plan, floor = s.comparison.plan, s.comparison.floor
        rows.append([_label(s.target), f"{s.resources:,}", str(s.shape["teams"]),
                     str(s.shape["projects"]), f"{s.shape['rules']:,}", f"{s.validate_s:.2f} s",
                     f"{plan.seconds:.2f} s", f"{1000 * plan.seconds / s.resources:.2f}",
                     f"{plan.peak_mb:.0f} MB", f"{floor.seconds:.2f} s",
                     f"{1000 * floor.seconds / s.resources:.2f}", f"{floor.peak_mb:.0f} MB",
                     f"{s.comparison.ratio:.2f}x"])
    return _table(rows, right=set(range(1, 13)))


def _api_table(size: SizeResult) -> list[str]:
    phases = {p.name: p for p in size.phases or ()}
    endpoints = sorted({call for p in phases.values() for call in p.calls},
                       key=lambda c: (c.split(" ", 1)[1], c))
    rows = [["endpoint", *PHASES]]
    for call in endpoints:
        rows.append([call, *(str(phases[name].calls.get(call, 0)) for name in PHASES)])
    rows.append(["all calls", *(str(phases[name].total) for name in PHASES)])
    rows.append(["writes", *(str(phases[name].writes) for name in PHASES)])
    rows.append(["seconds", *(f"{phases[name].seconds:.1f}" for name in PHASES)])
    rows.append(["resources diffed/changed", "", *(
        f"{phases[name].resources}/{phases[name].changed}" for name in PHASES[1:3]), ""])
    dynamic = phases["first deploy"].resources
    title = (f"Sentry API calls at {_label(size.target)} ({size.resources:,} resources, "
             f"{dynamic:,} through sentry-iac's providers):")
    return [title, *_table(rows, right=set(range(1, len(PHASES) + 1)))]


def format_report(report: Report) -> str:
    settings = report.settings
    lines = [
        "sentry-iac scale benchmark: the owner stack ('production') of synthetic organisations",
        f"(validate: best of {settings.get('validate_repeat')}; plan and floor: best of "
        f"{settings.get('repeat')}, each in a fresh process; peak = that process's "
        "ru_maxrss; floor = the bare pulumiverse_sentry SDK registering the same resources "
        "under the same mock engine)",
        "",
        *_timing_table(report),
        "",
        f"validate {report.rules_validated:,} rules ({report.rules_shape['teams']} teams, "
        f"{report.rules_shape['projects']} projects): {report.rules_validate_s:.2f} s",
    ]
    counted = [s for s in report.sizes if s.phases is not None]
    skipped = [_label(s.target) for s in report.sizes if s.phases is None]
    for size in counted:
        lines += ["", *_api_table(size)]
    if skipped:
        lines += ["", f"API calls not counted at {', '.join(skipped)} (--api-sizes)."]
    goals = report.goals()
    lines += [
        "",
        "goals:",
        f"  plan within {PLAN_GOAL}x the bare SDK: "
        f"{'met' if goals['plan_within_1_3x_floor'] else 'NOT met'} "
        f"(worst {goals['worst_plan_ratio']:.2f}x)",
        f"  linear growth: plan time per resource at the largest size is "
        f"{goals['plan_growth_per_resource']:.2f}x that at the smallest",
        f"  validate {report.rules_validated:,} rules under {VALIDATE_GOAL:.0f} s: "
        f"{'met' if goals['validate_10k_rules_under_1s'] else 'NOT met'} "
        f"({report.rules_validate_s:.2f} s for {report.rules_validated:,})",
        f"  no API call for unchanged resources: {goals['noop_calls']} calls (besides the "
        "token check of each up)",
        f"  one write per changed resource: writes {goals['one_change_writes']} for changed "
        f"resources {goals['one_change_changed_resources']}",
    ]
    return "\n".join(lines)
