"""One measurement in a fresh process: ``python -m benchmarks.worker plan|floor|validate DIR
OUT [REPEAT]``.

A fresh process per measurement keeps runs independent (Pulumi's runtime is global state, and
the garbage collector's generations carry over) and makes the peak resident set size
(``resource.getrusage(...).ru_maxrss``) belong to that one run. Everything both programs import
is imported before the clock starts. Writes a JSON object to ``OUT``; ``plan`` also writes the
plan's resources beside it (``resources.json``) for the floor and the API-call phases.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

import pulumiverse_sentry  # noqa: F401  (imported before timing, as in both programs)

from benchmarks.floor import PROJECT, RESOURCES_FILE, floor_resources
from benchmarks.floor_program import register
from sentry_iac.config.loader import load_spec
from sentry_iac.offline.engine import run_offline, run_under_mocks
from sentry_iac.offline.mocks import SpecMocks

STACK = "production"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def best_validate(directory: Path, repeat: int) -> float:
    """The fastest of ``repeat`` runs of ``load_spec`` (parse, models, every cross-check; no
    plan). Each result is kept until its clock stops, as ``validate`` keeps it."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        spec = load_spec(directory)
        best = min(best, time.perf_counter() - start)
        del spec
    return best


def measure(kind: str, directory: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    before = _peak_mb()
    start = time.perf_counter()
    if kind == "plan":
        plan = run_offline(directory, STACK)
        seconds = time.perf_counter() - start
        resources = floor_resources(plan)
    else:
        # Called under the same mock engine as the plan's program, as the plan calls its own.
        run = run_under_mocks(directory, STACK, PROJECT, SpecMocks(None),
                              lambda: register(directory / RESOURCES_FILE))
        seconds = time.perf_counter() - start
        resources = []
        count = len(run.monitor.registered)
    peak = _peak_mb()
    result = {"seconds": seconds, "peak_mb": peak, "growth_mb": peak - before,
              "resources": len(resources) if kind == "plan" else count}
    return result, resources


def main(argv: list[str]) -> int:
    kind, directory, out, *repeat = argv
    out_path = Path(out)
    if kind == "validate":
        seconds = best_validate(Path(directory).resolve(), int(repeat[0]) if repeat else 1)
        out_path.write_text(json.dumps({"seconds": seconds}), encoding="utf-8")
        return 0
    result, resources = measure(kind, Path(directory).resolve())
    out_path.write_text(json.dumps(result), encoding="utf-8")
    if resources:
        (out_path.parent / "resources.json").write_text(json.dumps(resources), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
