"""Timing and memory of ``validate``, plans and the floor, each measured in a fresh process."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.floor import write_floor
from benchmarks.generate import REPO_ROOT, Shape


@dataclass(frozen=True)
class Run:
    """One plan (or floor) run in a fresh process."""

    seconds: float
    peak_mb: float  # ru_maxrss of that process
    growth_mb: float  # ru_maxrss after the run minus before it
    resources: int


def time_validate(root: Path, repeat: int) -> float:
    """Best of ``repeat`` runs of ``load_spec`` in one fresh process (see worker)."""
    with tempfile.TemporaryDirectory(prefix="sentry-iac-bench-") as tmp:
        out = Path(tmp) / "result.json"
        subprocess.run([sys.executable, "-m", "benchmarks.worker", "validate", str(root),
                        str(out), str(repeat)], cwd=REPO_ROOT, check=True)
        seconds: float = json.loads(out.read_text(encoding="utf-8"))["seconds"]
    return seconds


def _worker(kind: str, directory: Path) -> tuple[Run, list[dict[str, Any]]]:
    with tempfile.TemporaryDirectory(prefix="sentry-iac-bench-") as tmp:
        out = Path(tmp) / "result.json"
        subprocess.run([sys.executable, "-m", "benchmarks.worker", kind, str(directory), str(out)],
                       cwd=REPO_ROOT, check=True)
        result = json.loads(out.read_text(encoding="utf-8"))
        listed = Path(tmp) / "resources.json"
        resources = json.loads(listed.read_text(encoding="utf-8")) if listed.exists() else []
    return Run(**result), resources


def best_of(kind: str, directory: Path, repeat: int) -> tuple[Run, list[dict[str, Any]]]:
    """The fastest of ``repeat`` fresh-process runs (others' load on the machine only slows)."""
    runs = [_worker(kind, directory) for _ in range(repeat)]
    fastest = min(range(repeat), key=lambda n: runs[n][0].seconds)
    return runs[fastest][0], runs[0][1]


@dataclass(frozen=True)
class PlanComparison:
    plan: Run
    floor: Run
    resources: list[dict[str, Any]]  # the plan's resources, for the API-call phases

    @property
    def ratio(self) -> float:
        return self.plan.seconds / self.floor.seconds


def compare_with_floor(project: Path, work: Path, repeat: int) -> PlanComparison:
    """The owner stack's offline plan against the bare SDK registering the same resources."""
    plan, resources = best_of("plan", project, repeat)
    floor_dir = write_floor(work / "floor", resources)
    floor, _ = best_of("floor", floor_dir, repeat)
    return PlanComparison(plan, floor, resources)


def describe(shape: Shape) -> dict[str, int]:
    return {"teams": shape.teams, "projects": shape.projects, "rules": shape.rules,
            "members": shape.teams * shape.members_per_team}
