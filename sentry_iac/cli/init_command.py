"""``sentry-iac init DIR``: write a new organisation repository that depends on sentry-iac."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from sentry_iac.cli.output import ExitCode, fail
from sentry_iac.scaffold import repository, source

DEFAULT_STACKS = "production,staging"
_LISTED = 6  # names shown in a refusal before "and N more"


def listed(paths: list[str]) -> str:
    """The first few paths, comma-separated, and how many more: a refusal stays one line."""
    shown = ", ".join(paths[:_LISTED])
    return shown if len(paths) <= _LISTED else f"{shown} and {len(paths) - _LISTED} more"


def refusal(root: Path, scaffold: repository.Scaffold) -> str | None:
    """Why ``init`` will not write into ``root`` without ``--force``, or None."""
    replaced, present = repository.clashes(root, scaffold)
    if replaced:
        return (f"{root} is not empty: init would overwrite {listed(replaced)}; pass --force "
                "to replace them")
    if present:
        return (f"{root} is not empty (it holds {listed(present)}); pass --force to write the "
                "repository beside them")
    return None


def cmd_init(args: argparse.Namespace) -> int:
    root = Path(args.dir).expanduser().resolve()
    try:
        origin = source.parse(args.source) if args.source else source.default()
        scaffold = repository.Scaffold(
            org=args.org or root.name.lower(),
            stacks=tuple(s.strip() for s in args.stacks.split(",") if s.strip()),
            source=origin)
    except (source.SourceError, repository.ScaffoldError) as exc:
        return fail(str(exc), "init")
    if root.exists() and not root.is_dir():
        return fail(f"{root} is a file; choose a folder", "init")
    reason = refusal(root, scaffold)
    if reason is not None and not args.force:
        return fail(reason, "init")
    written = repository.write(root, scaffold)
    print(f"wrote {len(written)} files to {root} for the organisation {scaffold.org} "
          f"(stacks {', '.join(scaffold.stacks)}; owner {scaffold.owner})")
    if origin.placeholder:
        print(f"sentry-iac comes from the placeholder {origin.describe()}: edit "
              "[tool.uv.sources] in pyproject.toml, or run init again with --source")
    else:
        print(f"sentry-iac comes from {origin.describe()}")
    print(f"next: cd {root} && uv run sentry-iac validate")
    return ExitCode.OK


def register(subparsers: Any) -> None:
    command = subparsers.add_parser("init")
    command.add_argument("dir", metavar="DIR", help="the folder to write (empty or new)")
    command.add_argument("--org", help="the organisation slug (default: DIR's name)")
    command.add_argument("--stacks", default=DEFAULT_STACKS,
                         help="the stacks, comma-separated; the first owns the organisation-wide "
                              f"objects (default: {DEFAULT_STACKS})")
    command.add_argument("--source",
                         help="where the repository installs sentry-iac from: git+URL[@REV], "
                              "path:FOLDER or a .whl file (default: the git commit or wheel "
                              "this sentry-iac was installed from, else a placeholder to edit)")
    command.add_argument("--force", action="store_true",
                         help="write into a folder that is not empty, replacing its files")
    command.set_defaults(func=cmd_init)
