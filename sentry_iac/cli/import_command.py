"""``sentry-iac import``: the command line around ``run.run_import``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sentry_iac.cli.init_command import listed
from sentry_iac.cli.output import ExitCode, fail
from sentry_iac.providers.credentials import DEFAULT_BASE_URL, TOKEN_ENV_VARS, env_token

DEFAULT_STACKS = ("production", "staging")


def cmd_import(args: argparse.Namespace) -> int:
    # The importer reads through the providers' client and writes a Pulumi program: imported
    # here, so that other commands and --help do not load it.
    from sentry_iac.importer.convert.stacks import EnvMap, EnvMapError
    from sentry_iac.importer.run import run_import
    from sentry_iac.importer.write.project_files import REPORT_FILE, replaced_files
    from sentry_iac.providers.client import SentryClient
    from sentry_iac.providers.errors import SentryApiError

    token = env_token()
    if token is None:
        return fail(f"no token; set {' or '.join(TOKEN_ENV_VARS)} to a token with org:read, "
                    "project:read, team:read, member:read and alerts:read", "import")
    stacks = tuple(dict.fromkeys(args.stack or DEFAULT_STACKS))
    try:
        envs = EnvMap.parse(stacks, args.env or [])
    except EnvMapError as exc:
        return fail(str(exc), "import")
    out = Path(args.out or f"{args.org}-sentry")
    replaced = replaced_files(out, stacks)
    if replaced and not args.force:
        return fail(f"{out} already holds {listed(replaced)}; pass --force to replace them, or "
                    "choose another --out", "import")
    try:
        with SentryClient(token, args.base_url or DEFAULT_BASE_URL) as client:
            result = run_import(client, args.org, out, envs, base_url=args.base_url)
    except (SentryApiError, EnvMapError) as exc:
        return fail(str(exc), "import", ExitCode.PROBLEMS)
    print(result.report.summary(args.org))
    print(f"wrote {out}/org.yaml, {out}/alerts/, {out}/import/ and {out}/{REPORT_FILE}; next: "
          f"sentry-iac validate --dir {out}")
    return ExitCode.OK


def register(subparsers: Any) -> None:
    command = subparsers.add_parser("import")
    command.add_argument("--org", required=True, help="the organisation slug")
    command.add_argument("--base-url", help=f"Sentry's URL (default {DEFAULT_BASE_URL})")
    command.add_argument("--out", help="the folder to write (default <org>-sentry)")
    command.add_argument("--stack", action="append",
                         help="a stack to write; repeat for each, the first is the owner "
                              f"(default: {' '.join(DEFAULT_STACKS)})")
    command.add_argument("--env", action="append", metavar="[PROJECT:]STACK=ENV",
                         help="the Sentry environment of a stack (default: the stack's name), "
                              "for every project or for one")
    command.add_argument("--force", action="store_true",
                         help="replace the files an earlier import (or init) wrote in --out")
    command.set_defaults(func=cmd_import)
