"""``sentry-iac test``: play the rule tests (``rule-tests/*.yaml``) through the payloads each
stack would send, with Sentry's semantics, and say which pass (``sentry_iac.ruletest``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sentry_iac.cli.output import ExitCode, fail, problems
from sentry_iac.config.errors import SpecErrors
from sentry_iac.config.loader import ORG_FILE, load_spec
from sentry_iac.ruletest.report import format_outcome
from sentry_iac.ruletest.run import run_tests


def cmd_test(args: argparse.Namespace) -> int:
    root = Path(args.dir).resolve()
    if not (root / ORG_FILE).exists():
        return fail(f"{root} is not a sentry-iac project (no {ORG_FILE}); run it in the "
                    "project folder or pass --dir", "test")
    try:
        outcomes = run_tests(root, load_spec(root), [Path(f) for f in args.files])
    except SpecErrors as exc:
        return problems(exc.errors, outcome="no rule test was run")
    for outcome in outcomes:
        print(format_outcome(outcome))
    failed = sum(not o.passed for o in outcomes)
    print(f"{len(outcomes) - failed} passed, {failed} failed", file=sys.stderr)
    return ExitCode.PROBLEMS if failed else ExitCode.OK


def register(sub: Any) -> None:
    test = sub.add_parser("test")
    test.add_argument("files", nargs="*", help="test files (default: rule-tests/*.yaml)")
    test.add_argument("--dir", default=".", help="the project folder (default: .)")
    test.set_defaults(func=cmd_test)
