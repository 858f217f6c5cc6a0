"""``uv run python -m benchmarks [--sizes 1k,3k,6k,12k] [--api-sizes ...] [--json]``

Generates each organisation, times ``sentry-iac validate`` and the owner stack's ``sentry-iac
plan`` as whole processes (the plan paired with two floors: the bare SDK under the same mock
engine, and a stock SDK program), the configuration checks alone, counts Sentry API calls per
deployment phase on the fake Sentry, and prints a table (or JSON). Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from benchmarks.api_calls import count_api_calls
from benchmarks.generate import REPO_ROOT, shape_for_resources, shape_for_rules, write_project
from benchmarks.measure import compare_with_floor, describe, time_checks, time_validate
from benchmarks.rate_limited import (
    RateLimitedDeploy,
    first_deploy_rate_limited,
    format_rate_limited,
)
from benchmarks.refresh_goal import refresh_goal, refresh_lines
from benchmarks.report import Report, SizeResult, format_report

DEFAULT_SIZES = "1k,3k,6k,12k"
# Deployments go through Pulumi's provider host (about 13 ms a dynamic resource here), so the
# four API phases of every size would take several minutes; the smaller two tell the shape.
DEFAULT_API_SIZES = "1k,3k"
# A first deploy against a fake limited to 40 requests/s takes about a minute at 1k, four at
# 6k; the sizes are those of --sizes that are named here.
DEFAULT_RATE_LIMITED_SIZES = "1k,6k"


def parse_sizes(text: str) -> list[int]:
    """``"1k,3k,500"`` -> ``[1000, 3000, 500]``; empty for ``""`` or ``"none"``."""
    if text.strip().lower() in ("", "none"):
        return []
    sizes = []
    for part in text.split(","):
        part = part.strip().lower()
        sizes.append(int(float(part[:-1]) * 1000) if part.endswith("k") else int(part))
    return sizes


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run(sizes: list[int], api_sizes: list[int], rules: int, repeat: int, validate_repeat: int,
        work: Path, validate_rules: bool = True) -> Report:
    results = []
    for target in sizes:
        shape = shape_for_resources(target)
        project = write_project(work / f"org-{target}", shape)
        _say(f"{target}: plan and floors")
        comparison = compare_with_floor(project, work / f"floor-{target}", repeat)
        _say(f"{target}: checks and validate")
        checks_s = time_checks(project, validate_repeat)
        validate = time_validate(project, validate_repeat)
        phases = None
        if target in api_sizes:
            _say(f"{target}: API calls")
            phases = count_api_calls(project)
        results.append(SizeResult(target, describe(shape), checks_s, validate, comparison,
                                  phases))
    _say("validate the example (the repository's own configuration)")
    example = time_validate(REPO_ROOT, validate_repeat)
    rules_shape = shape_for_rules(rules)
    rules_project = write_project(work / f"rules-{rules}", rules_shape)
    _say(f"checks and validate of {rules} rules")
    rules_checks = time_checks(rules_project, validate_repeat)
    rules_validate = time_validate(rules_project, 1) if validate_rules else None
    return Report(results, rules_shape.rules, describe(rules_shape), rules_checks,
                  rules_validate, example)


def run_rate_limited(sizes: list[int], work: Path) -> list[RateLimitedDeploy]:
    """The first deploy of each size's organisation (as ``run`` wrote it) against the
    rate-limited fake."""
    results = []
    for target in sizes:
        project = work / f"org-{target}"
        if not project.exists():
            project = write_project(project, shape_for_resources(target))
        _say(f"{target}: first deploy, rate-limited")
        results.append(first_deploy_rate_limited(project, target))
    return results


def refresh_goals(report: Report) -> dict[str, dict[str, object]]:
    return {str(s.target): refresh_goal(s.resources, phase) for s in report.sizes
            for phase in s.phases or () if phase.name == "refresh"}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=DEFAULT_SIZES,
                        help=f"owner-stack resource counts (default {DEFAULT_SIZES})")
    parser.add_argument("--api-sizes", default=DEFAULT_API_SIZES,
                        help=f"the sizes whose API calls are counted (default {DEFAULT_API_SIZES}"
                             "; 'all' for every size, 'none' for none)")
    parser.add_argument("--rules", type=int, default=10_000,
                        help="rules in the validate-only measurement (default 10000)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds of plan and both floors, each a fresh process run in turn "
                             "(default 3); ratios are the median of the rounds'")
    parser.add_argument("--validate-repeat", type=int, default=3,
                        help="runs of each validate and checks; the fastest counts (default 3)")
    parser.add_argument("--no-rules-validate", action="store_true",
                        help="time only the checks of the many-rules organisation, not its "
                             "whole validate (which plans every stack: minutes)")
    parser.add_argument("--rate-limited-sizes", default=DEFAULT_RATE_LIMITED_SIZES,
                        help="the sizes whose first deploy runs against a fake limited to "
                             f"40 requests/s (default {DEFAULT_RATE_LIMITED_SIZES}; 'all' "
                             "for every size, 'none' for none)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--keep", type=Path, default=None,
                        help="write the generated projects here and keep them")
    args = parser.parse_args(argv)
    sizes = parse_sizes(args.sizes)
    api_sizes = sizes if args.api_sizes.strip().lower() == "all" else parse_sizes(args.api_sizes)
    limited_sizes = [s for s in sizes if args.rate_limited_sizes.strip().lower() == "all"
                     or s in parse_sizes(args.rate_limited_sizes)]
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="sentry-iac-bench-") as tmp:
        work = args.keep or Path(tmp)
        report = run(sizes, api_sizes, args.rules, args.repeat, args.validate_repeat, work,
                     validate_rules=not args.no_rules_validate)
        limited = run_rate_limited(limited_sizes, work)
    report.settings = {"sizes": sizes, "api_sizes": [s for s in sizes if s in api_sizes],
                       "rate_limited_sizes": limited_sizes,
                       "repeat": args.repeat, "validate_repeat": args.validate_repeat,
                       "seconds": round(time.perf_counter() - started, 1)}
    goals = refresh_goals(report)
    if args.json:
        out = report.as_json()
        out["refresh_goal"] = goals
        out["first_deploy_rate_limited"] = [r.as_json() for r in limited]
        print(json.dumps(out, indent=2))
    else:
        print(format_report(report))
        for target, goal in goals.items():
            print("\n".join(refresh_lines(f"{int(target) // 1000}k", goal)))
        if limited:
            print("\n" + "\n".join(format_rate_limited(limited)))
        print(f"\n(benchmark took {report.settings['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
