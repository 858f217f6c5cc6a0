"""What the benchmark times, each as a whole process (``processes``): ``sentry-iac validate`` and
``sentry-iac plan`` as users run them, the two floors, and the configuration checks alone."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.floor import floor_resources_from_plan_json, write_floor
from benchmarks.generate import REPO_ROOT, Shape
from benchmarks.processes import Paired, ProcessRun, paired, run_process, script_env, sentry_iac

STACK = "production"
PLAN, FLOOR, DECLARED, STOCK = "plan", "floor", "declared floor", "stock floor"


def time_checks(root: Path, repeat: int) -> float:
    """The configuration checks alone (``load_spec``: YAML, models, every cross-check; no plan),
    the fastest of ``repeat`` fresh processes, imports excluded (see ``worker``)."""
    best = float("inf")
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="sentry-iac-bench-") as tmp:
            out = Path(tmp) / "result.json"
            subprocess.run([sys.executable, "-m", "benchmarks.worker", "checks", str(root),
                            str(out)], cwd=REPO_ROOT, env=script_env(), check=True)
            best = min(best, json.loads(out.read_text(encoding="utf-8"))["seconds"])
    return best


def time_validate(root: Path, repeat: int) -> ProcessRun:
    """``sentry-iac validate``, as a user runs it: the fastest of ``repeat`` runs."""
    runs = [run_process([*sentry_iac(), "validate", "--dir", str(root)], cwd=root)
            for _ in range(repeat)]
    return min(runs, key=lambda run: run.seconds)


@dataclass(frozen=True)
class PlanComparison:
    """``sentry-iac plan --json`` of the owner stack against the bare SDK registering the same
    resources, each a whole process, run in turn (``processes.paired``)."""

    runs: Paired
    resources: list[dict[str, Any]]  # the plan's resources, as the floor registers them

    @property
    def plan(self) -> ProcessRun:
        return self.runs.best(PLAN)

    @property
    def floor(self) -> ProcessRun:
        return self.runs.best(FLOOR)

    @property
    def declared(self) -> ProcessRun:
        return self.runs.best(DECLARED)

    @property
    def stock(self) -> ProcessRun:
        return self.runs.best(STOCK)

    @property
    def ratio(self) -> float:
        """plan over the bare SDK declared the same way (in place, collector paused), paired:
        what sentry-iac itself costs."""
        return self.runs.ratio(PLAN, DECLARED)

    @property
    def engine_ratio(self) -> float:
        """plan over the bare SDK through the offline engine (collector paused), paired."""
        return self.runs.ratio(PLAN, FLOOR)

    @property
    def stock_ratio(self) -> float:
        """plan over a stock SDK program (collector on), paired."""
        return self.runs.ratio(PLAN, STOCK)

    def as_json(self) -> dict[str, Any]:
        return {
            "resources": len(self.resources),
            "runs": {name: [run.as_json() for run in runs]
                     for name, runs in self.runs.runs.items()},
            "best": {name: self.runs.best(name).as_json() for name in self.runs.runs},
            "plan_to_declared_floor": self.ratio, "plan_to_floor": self.engine_ratio,
            "plan_to_stock_floor": self.stock_ratio,
            "plan_to_declared_floor_cpu": self.runs.cpu_ratio(PLAN, DECLARED),
            "plan_to_floor_cpu": self.runs.cpu_ratio(PLAN, FLOOR),
            "plan_to_stock_floor_cpu": self.runs.cpu_ratio(PLAN, STOCK),
        }


def compare_with_floor(project: Path, work: Path, repeat: int) -> PlanComparison:
    """One plan to learn what the floor registers, then ``repeat`` rounds of the plan and the
    three floors. The first plan also warms the bytecode cache and the files' pages."""
    work.mkdir(parents=True, exist_ok=True)
    printed = work / "plan.json"
    plan_argv = [*sentry_iac(), "plan", "--stack", STACK, "--json", "--dir", str(project)]
    run_process(plan_argv, cwd=project, stdout=printed)
    resources = floor_resources_from_plan_json(json.loads(printed.read_text(encoding="utf-8")))
    floor_dir = write_floor(work / "floor", resources)
    floor_argv = [sys.executable, "-m", "benchmarks.floor_run"]
    commands = {
        PLAN: (plan_argv, printed),
        FLOOR: ([*floor_argv, "engine", str(floor_dir)], work / "floor.json"),
        DECLARED: ([*floor_argv, "declared", str(floor_dir)], work / "declared.json"),
        STOCK: ([*floor_argv, "stock", str(floor_dir)], work / "stock.json"),
    }
    run_process(commands[STOCK][0], cwd=REPO_ROOT, stdout=commands[STOCK][1])  # warm it too
    runs = paired(commands, cwd=REPO_ROOT, repeat=repeat)
    for name in (FLOOR, DECLARED, STOCK):  # each floor registered exactly what the plan did
        output = commands[name][1]
        assert output is not None
        registered = len(json.loads(output.read_text(encoding="utf-8"))["resources"])
        if registered != len(resources):
            raise RuntimeError(f"the {name} registered {registered} resources, the plan "
                               f"{len(resources)}")
    return PlanComparison(runs, resources)


def describe(shape: Shape) -> dict[str, int]:
    return {"teams": shape.teams, "projects": shape.projects, "rules": shape.rules,
            "members": shape.teams * shape.members_per_team}
