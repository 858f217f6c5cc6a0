"""``sentry-iac preview`` and ``sentry-iac up``: the real path, through the Pulumi CLI."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sentry_iac.cli.output import ExitCode, fail, problems
from sentry_iac.config.errors import SpecErrors
from sentry_iac.config.loader import load_spec


def cmd_deploy(args: argparse.Namespace) -> int:
    # Imported here: Pulumi's Automation API takes a second to import, which every other
    # command (and --help) would pay for.
    from sentry_iac import automation

    root = Path(args.dir).resolve()
    try:
        stack = load_spec(root).stack(args.stack)  # a broken configuration never reaches Pulumi
        read_only = args.command == "preview" and args.read_only
        if args.command == "up":
            automation.refuse_read_only_up()
        settings = automation.deploy_settings(root, args.stack, backend_url=args.backend,
                                              policies=not args.no_policies,
                                              read_only=read_only,
                                              stack_file_token=stack.has_token)
        run: Any = automation.up if args.command == "up" else automation.preview
        run(settings, install=not args.no_install)
    except SpecErrors as exc:
        return problems(exc.errors, "nothing was sent to Pulumi")
    except automation.DeployError as exc:
        return fail(str(exc), code=ExitCode.PROBLEMS)
    except Exception as exc:  # Pulumi's own failure: its output has been streamed already
        if type(exc).__module__.startswith("pulumi.automation"):
            return fail(f"pulumi {args.command} failed; see its output above",
                        code=ExitCode.PROBLEMS)
        raise
    return ExitCode.OK


def register(sub: Any) -> None:
    for command in ("preview", "up"):
        p = sub.add_parser(command)
        p.add_argument("--stack", required=True, help="the stack, e.g. staging or production")
        p.add_argument("--backend", help="state backend URL (default: a file:// backend in "
                                         ".pulumi-state/ of the project, or PULUMI_BACKEND_URL)")
        p.add_argument("--no-policies", action="store_true",
                       help="do not run the policy pack in policies/")
        p.add_argument("--no-install", action="store_true",
                       help="fail instead of installing the Pulumi CLI when it is missing")
        p.add_argument("--dir", default=".", help="the project folder (default: .)")
        if command == "preview":
            p.add_argument("--read-only", action="store_true",
                           help="use only the read-only token in SENTRY_IAC_READ_ONLY_TOKEN "
                                "(never sentry:token or SENTRY_AUTH_TOKEN); every write is "
                                "refused (for pull requests)")
        p.set_defaults(func=cmd_deploy)
