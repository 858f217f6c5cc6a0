"""``sentry-iac``: check and show what each stack declares, with no Pulumi CLI, token or network."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sentry_iac.cli import (
    checks_command,
    deploy,
    import_command,
    init_command,
    review,
    rule_tests,
    stacks_command,
)
from sentry_iac.cli.output import ExitCode, problems
from sentry_iac.config.errors import SpecErrors
from sentry_iac.config.loader import ORG_FILE, Spec, load_spec


def _load(root: Path) -> Spec:
    if not (root / ORG_FILE).exists() and not (root / "Pulumi.yaml").exists():
        raise SystemExit(f"sentry-iac: {root} is not a sentry-iac project (no {ORG_FILE} or "
                         "Pulumi.yaml); run it in the project folder or pass --dir")
    return load_spec(root)


def cmd_validate(args: argparse.Namespace) -> int:
    # Planning runs the program under Pulumi's mocks: only the commands that plan import it.
    from sentry_iac.offline.engine import run_offline
    from sentry_iac.policies.checks import CHECKS
    from sentry_iac.policies.offline import check_plan

    root = Path(args.dir).resolve()
    try:
        spec = _load(root)
        plans = {stack: run_offline(root, stack, spec) for stack in sorted(spec.stacks)}
    except SpecErrors as exc:
        return problems(exc.errors, github_root=root if args.format == "github" else None)
    violations = [(stack, v) for stack, plan in plans.items() for v in check_plan(plan, spec)]
    if violations:
        for stack, violation in violations:
            print(f"stack '{stack}': {violation}")
        print(f"{len(violations)} policy violation(s); see the policies section of the README",
              file=sys.stderr)
        return ExitCode.PROBLEMS
    files = [ORG_FILE] + [f"alerts/{p.name}" for p in sorted((root / "alerts").glob("*.yaml"))]
    stacks = "; ".join(f"{s}: {len(p.resources)} resources" for s, p in plans.items())
    print(f"ok: {', '.join(files)} valid; {stacks}; {len(CHECKS)} policies pass")
    return ExitCode.OK


def cmd_plan(args: argparse.Namespace) -> int:
    from sentry_iac.offline.engine import run_offline
    from sentry_iac.offline.plan_view import format_summary
    from sentry_iac.offline.report import format_plan

    root = Path(args.dir).resolve()
    try:
        spec = _load(root)
        plan = run_offline(root, args.stack, spec)
    except SpecErrors as exc:
        return problems(exc.errors)
    if args.json:
        print(json.dumps(plan.as_json(), indent=2, sort_keys=False))
    elif args.details:
        print(format_plan(plan))
    else:
        print(format_summary(plan, spec))
    return ExitCode.OK


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="sentry-iac",
        description="A Sentry organisation as code. These commands need no Pulumi CLI, "
                    "no Sentry token and no network.")
    sub = top.add_subparsers(dest="command", required=True)

    validate = sub.add_parser("validate", help="check org.yaml, alerts/ and every stack")
    validate.add_argument("--dir", default=".", help="the project folder (default: .)")
    validate.add_argument("--format", choices=("text", "github"), default="text",
                          help="github: one ::error annotation per problem, for GitHub Actions")
    validate.set_defaults(func=cmd_validate)

    plan = sub.add_parser("plan", help="show every resource a stack declares (offline)")
    plan.add_argument("--stack", required=True, help="the stack, e.g. staging or production")
    view = plan.add_mutually_exclusive_group()
    view.add_argument("--details", action="store_true",
                      help="every input of every resource, as the program registers it")
    view.add_argument("--json", action="store_true", help="machine-readable output, every field")
    plan.add_argument("--dir", default=".", help="the project folder (default: .)")
    plan.set_defaults(func=cmd_plan)
    review.register(sub)
    deploy.register(sub)
    import_command.register(sub)
    init_command.register(sub)
    checks_command.register(sub)
    stacks_command.register(sub)
    rule_tests.register(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except BrokenPipeError:
        # `sentry-iac plan | head`: the reader stopped early. Python's advice: send what is
        # still buffered nowhere, so the exit does not fail again, and exit non-zero.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.PROBLEMS
    return code


if __name__ == "__main__":
    sys.exit(main())
