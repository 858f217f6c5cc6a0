"""``sentry-iac``: check and show what each stack declares, with no Pulumi CLI, token or network.

The commands are listed in ``commands.COMMANDS``; only the module of the one being run is
imported, so ``--help`` and the commands that need no Pulumi start in a blink.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Any

from sentry_iac.cli.commands import COMMANDS
from sentry_iac.cli.output import ExitCode
from sentry_iac.config.yaml import gcpause


class _Subparsers:
    """The subparsers as a command module sees them: ``add_parser`` hands back the parser made
    for that command (in the order of ``COMMANDS``, with its help line), for the module to add
    its arguments to. A command missing from ``COMMANDS`` is an error."""

    def __init__(self, parsers: dict[str, argparse.ArgumentParser], module: str) -> None:
        self._parsers = parsers
        self._module = module

    def add_parser(self, name: str, **_: Any) -> argparse.ArgumentParser:
        command = COMMANDS.get(name)
        if command is None or command.module != self._module:
            raise LookupError(f"{self._module} defines the command {name!r}: list it in "
                              "sentry_iac/cli/commands.py")
        return self._parsers[name]


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``command``, the arguments of that command's module's commands (the
    module is imported), else only the list of commands (what ``--help`` shows)."""
    top = argparse.ArgumentParser(
        prog="sentry-iac",
        description="A Sentry organisation as code. These commands need no Pulumi CLI, "
                    "no Sentry token and no network.")
    sub = top.add_subparsers(dest="command", required=True)
    parsers = {name: sub.add_parser(name, help=c.help) for name, c in COMMANDS.items()}
    if command in COMMANDS:
        module = COMMANDS[command].module
        importlib.import_module(module).register(_Subparsers(parsers, module))
    return top


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser(argv[0] if argv else None).parse_args(argv)
    try:
        code: int = args.func(args)
    except BrokenPipeError:
        # `sentry-iac plan | head`: the reader stopped early. Python's advice: send what is
        # still buffered nowhere, so the exit does not fail again, and exit non-zero.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return ExitCode.PROBLEMS
    return code


def run() -> None:
    """The ``sentry-iac`` script: one command in a process of its own.

    A short command (``commands.Command.short``) keeps the garbage collector paused once a
    load or plan has paused it (``gcpause.hold``), and ends the process without tearing down
    its heap: after a plan of 12,000 resources, freeing every object one by one and the
    interpreter's last collection took longer than printing the plan."""
    argv = sys.argv[1:]
    command = COMMANDS.get(argv[0]) if argv else None
    if command is None or not command.short:
        sys.exit(main(argv))
    gcpause.hold()
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's errors and --help; sys.exit's rules for the code
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if exc.code is not None and not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except BrokenPipeError:
        code = ExitCode.PROBLEMS
    os._exit(code)


if __name__ == "__main__":
    run()
