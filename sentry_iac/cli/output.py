"""What the ``sentry-iac`` command prints and the codes it exits with, in one place.

Results go to stdout, so they can be piped; problems with the configuration go to stdout as
well, one per line (they are the result of ``validate``), followed by a count on stderr. Every
other failure is one line on stderr, prefixed with the command's name.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from enum import IntEnum
from pathlib import Path

from sentry_iac.config.errors import SpecError
from sentry_iac.review.github import annotation


class ExitCode(IntEnum):
    """The command's exit codes (the convention of linters and of ``pulumi``)."""

    OK = 0
    PROBLEMS = 1  # the configuration has problems, a policy is violated or the work failed
    USAGE = 2  # the command was called wrongly: a missing token, a clashing option, no project


def fail(message: str, command: str = "", code: ExitCode = ExitCode.USAGE) -> ExitCode:
    """One line on stderr: ``sentry-iac diff: <message>``."""
    name = f"sentry-iac {command}" if command else "sentry-iac"
    print(f"{name}: {message}", file=sys.stderr)
    return code


def _counted(count: int, outcome: str) -> str:
    noun = "problem" if count == 1 else "problems"
    return f"{count} {noun} found; {outcome}"


def problems(errors: Iterable[SpecError], outcome: str = "nothing was planned or applied",
             *, prefix: str = "", github_root: Path | None = None) -> ExitCode:
    """Every problem, one per line (``prefix`` names the side of a diff), then their count
    and ``outcome`` on stderr when there is an outcome to tell.

    With ``github_root`` each problem is a GitHub Actions ``::error`` command instead, with
    paths relative to ``GITHUB_WORKSPACE`` (else the current folder)."""
    listed = list(errors)
    workspace = Path(os.environ.get("GITHUB_WORKSPACE") or Path.cwd())
    for error in listed:
        if github_root is not None:
            print(annotation(error, github_root, workspace))
        else:
            print(f"{prefix}{error}")
    if outcome:
        print(_counted(len(listed), outcome), file=sys.stderr)
    return ExitCode.PROBLEMS
