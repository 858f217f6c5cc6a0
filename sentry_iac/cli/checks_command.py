"""``sentry-iac checks``: every check id a problem can carry, with what it refuses, so the id
at the end of a message (``[ref/unknown-team]``) can be looked up."""

from __future__ import annotations

import argparse
from typing import Any

from sentry_iac.cli.output import ExitCode
from sentry_iac.config.checks.registry import all_checks


def cmd_checks(args: argparse.Namespace) -> int:
    listed = all_checks()
    width = max(len(check_id) for check_id in listed)
    for check_id, description in listed.items():  # sorted by id
        print(f"{check_id:<{width}}  {description}")
    return ExitCode.OK


def register(sub: Any) -> None:
    checks = sub.add_parser("checks")
    checks.set_defaults(func=cmd_checks)
