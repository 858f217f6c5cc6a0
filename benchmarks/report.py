"""The results as data (``--json``) and as the table people read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from benchmarks.api_calls import PHASES, Phase
from benchmarks.measure import PlanComparison
from benchmarks.processes import ProcessRun

PLAN_GOAL = 1.15  # plan time at most this many times the floor's (declared the same way)
CHECKS_GOAL = 0.5  # seconds for the configuration checks of 10,000 rules
VALIDATE_GOAL = 30.0  # seconds for the whole validate of 10,000 rules
VALIDATE_MEMORY_GOAL = 1024  # MB, the same
EXAMPLE_GOAL = 1.0  # seconds for the whole validate of the repository's own configuration


@dataclass
class SizeResult:
    target: int
    shape: dict[str, int]
    checks_s: float  # load_spec alone
    validate: ProcessRun  # `sentry-iac validate`, a whole process
    comparison: PlanComparison
    phases: list[Phase] | None = None  # None: API calls not counted at this size

    @property
    def resources(self) -> int:
        return len(self.comparison.resources)


@dataclass
class Report:
    sizes: list[SizeResult]
    rules_validated: int
    rules_shape: dict[str, int]
    rules_checks_s: float
    rules_validate: ProcessRun | None  # None: not run (--no-rules-validate)
    example: ProcessRun | None = None  # validate of the repository's own configuration
    settings: dict[str, Any] = field(default_factory=dict)

    def goals(self) -> dict[str, Any]:
        ratios = [s.comparison.ratio for s in self.sizes]
        per_resource = [s.comparison.plan.seconds / s.resources for s in self.sizes]
        counted = [s for s in self.sizes if s.phases]
        noop = [p.for_resources for s in counted for p in s.phases or ()
                if p.name == "no-op deploy"]
        change = [p for s in counted for p in s.phases or () if p.name == "one rule changed"]
        rules = self.rules_validate
        return {
            "plan_within_floor_goal": bool(ratios) and max(ratios) <= PLAN_GOAL,
            "worst_plan_ratio": max(ratios, default=0.0),
            # Linear: the cost per resource at the largest size over that at the smallest.
            "plan_growth_per_resource": (per_resource[-1] / per_resource[0]
                                         if per_resource else 0.0),
            "checks_10k_rules_under_goal": self.rules_checks_s < CHECKS_GOAL,
            "validate_10k_rules_under_goal": (None if rules is None else
                                              rules.seconds < VALIDATE_GOAL
                                              and rules.peak_mb < VALIDATE_MEMORY_GOAL),
            "example_validate_under_goal": (None if self.example is None else
                                            self.example.seconds < EXAMPLE_GOAL),
            "noop_calls": sum(noop),
            "one_change_writes": [p.writes for p in change],
            "one_change_changed_resources": [p.changed for p in change],
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "settings": self.settings,
            "sizes": [_size_json(s) for s in self.sizes],
            "validate_rules": {"rules": self.rules_validated, **self.rules_shape,
                               "checks_seconds": self.rules_checks_s,
                               "validate": (None if self.rules_validate is None
                                            else self.rules_validate.as_json())},
            "validate_example": None if self.example is None else self.example.as_json(),
            "goals": self.goals(),
        }


def _size_json(size: SizeResult) -> dict[str, Any]:
    out: dict[str, Any] = {
        "target": size.target, **size.shape, "resources": size.resources,
        "checks_seconds": size.checks_s, "validate": size.validate.as_json(),
        **size.comparison.as_json(),
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
    rows = [["size", "resources", "rules", "checks", "validate", "peak", "plan", "ms/res",
             "peak", "declared", "peak", "floor", "peak", "stock", "peak", "plan/declared",
             "plan/floor", "plan/stock"]]
    for s in report.sizes:
        c = s.comparison
        plan, declared, floor, stock = c.plan, c.declared, c.floor, c.stock
        rows.append([_label(s.target), f"{s.resources:,}", f"{s.shape['rules']:,}",
                     f"{s.checks_s:.2f} s", f"{s.validate.seconds:.2f} s",
                     f"{s.validate.peak_mb:.0f} MB", f"{plan.seconds:.2f} s",
                     f"{1000 * plan.seconds / s.resources:.2f}", f"{plan.peak_mb:.0f} MB",
                     f"{declared.seconds:.2f} s", f"{declared.peak_mb:.0f} MB",
                     f"{floor.seconds:.2f} s", f"{floor.peak_mb:.0f} MB",
                     f"{stock.seconds:.2f} s", f"{stock.peak_mb:.0f} MB",
                     f"{c.ratio:.2f}x", f"{c.engine_ratio:.2f}x", f"{c.stock_ratio:.2f}x"])
    return _table(rows, right=set(range(1, 18)))


def _cpu_lines(report: Report) -> list[str]:
    """The same rounds in CPU seconds, which the machine's other load disturbs less."""
    lines = []
    for s in report.sizes:
        runs = s.comparison.runs
        lines.append(f"  {_label(s.target)}: plan/declared "
                     f"{runs.cpu_ratio('plan', 'declared floor'):.2f}x, "
                     f"plan/floor {runs.cpu_ratio('plan', 'floor'):.2f}x, "
                     f"plan/stock {runs.cpu_ratio('plan', 'stock floor'):.2f}x "
                     f"(plan {s.comparison.plan.cpu:.2f} s, declared "
                     f"{s.comparison.declared.cpu:.2f} s, floor {s.comparison.floor.cpu:.2f}"
                     f" s, stock {s.comparison.stock.cpu:.2f} s of CPU)")
    return lines


def _validate_lines(report: Report) -> list[str]:
    shape = report.rules_shape
    rules = report.rules_validate
    whole = ("not run (--no-rules-validate)" if rules is None else
             f"{rules.seconds:.1f} s, {rules.peak_mb:.0f} MB at the peak ({rules.cpu:.1f} s "
             "of CPU)")
    lines = [f"{report.rules_validated:,} rules ({shape['teams']} teams, {shape['projects']} "
             f"projects): checks {report.rules_checks_s:.2f} s; validate {whole}"]
    if report.example is not None:
        lines.append(f"the repository's own configuration: validate "
                     f"{report.example.seconds:.2f} s ({report.example.peak_mb:.0f} MB)")
    return lines


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


def _met(goal: bool | None) -> str:
    return "not measured" if goal is None else ("met" if goal else "NOT met")


def format_report(report: Report) -> str:
    settings = report.settings
    lines = [
        "sentry-iac scale benchmark: synthetic organisations, every command a whole process "
        "(start-up, work, printing)",
        f"(checks: load_spec alone, best of {settings.get('validate_repeat')} fresh processes; "
        f"validate: `sentry-iac validate`, every stack declared, best of "
        f"{settings.get('validate_repeat')}; plan: `sentry-iac plan --stack production --json`; "
        "declared: the bare SDK declaring the same resources in place, as plan declares its "
        "program (collector paused); floor: the bare SDK registering them through the offline "
        "engine; stock: the same as a stock SDK program under Pulumi's mocks "
        f"(collector on); plan and floors run in turn, {settings.get('repeat')} rounds, best "
        "time shown, ratios the median of the rounds'; peak: the process tree's resident "
        "memory)",
        "",
        *_timing_table(report),
        "",
        "CPU time, the same rounds:",
        *_cpu_lines(report),
        "",
        *_validate_lines(report),
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
        f"  plan within {PLAN_GOAL}x the bare SDK declared the same way: "
        f"{_met(goals['plan_within_floor_goal'])} "
        f"(worst {goals['worst_plan_ratio']:.2f}x)",
        f"  linear growth: plan time per resource at the largest size is "
        f"{goals['plan_growth_per_resource']:.2f}x that at the smallest",
        f"  checks of {report.rules_validated:,} rules under {CHECKS_GOAL} s: "
        f"{_met(goals['checks_10k_rules_under_goal'])} ({report.rules_checks_s:.2f} s)",
        f"  validate of {report.rules_validated:,} rules under {VALIDATE_GOAL:.0f} s and "
        f"{VALIDATE_MEMORY_GOAL} MB: {_met(goals['validate_10k_rules_under_goal'])}",
        f"  validate of the repository's configuration under {EXAMPLE_GOAL:.0f} s: "
        f"{_met(goals['example_validate_under_goal'])}",
        f"  no API call for unchanged resources: {goals['noop_calls']} calls (besides the "
        "token check of each up)",
        f"  one write per changed resource: writes {goals['one_change_writes']} for changed "
        f"resources {goals['one_change_changed_resources']}",
    ]
    return "\n".join(lines)
