"""The review subcommands of ``sentry-iac``: ``render``, ``diff`` and ``schema``."""

from __future__ import annotations

import argparse
import contextlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sentry_iac.cli.output import ExitCode, fail, problems
from sentry_iac.config.errors import SpecErrors
from sentry_iac.config.loader import ORG_FILE, Spec, load_spec
from sentry_iac.review import diff_report, reference, schema
from sentry_iac.review.diff import StackDiff, diff_stack
from sentry_iac.review.render import render_json, render_markdown
from sentry_iac.review.snapshot import Snapshot, empty, snapshot
from sentry_iac.review.sources import SourceError, given_folder, revision_folder

if TYPE_CHECKING:
    from sentry_iac.ruletest.backtest_diff import Row

FORMATS = ("markdown", "json")


def _print_json(data: dict[str, Any]) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def cmd_render(args: argparse.Namespace) -> int:
    root = Path(args.dir).resolve()
    if not (root / ORG_FILE).exists():
        return fail(f"{root} is not a sentry-iac project (no {ORG_FILE}); run it in the "
                    "project folder or pass --dir")
    try:
        spec = load_spec(root)
        spec.stack(args.stack)
    except SpecErrors as exc:
        return problems(exc.errors, outcome="")
    view = snapshot(spec, args.stack)
    if args.format == "json":
        _print_json(render_json(view))
    else:
        print(render_markdown(view), end="")
    return ExitCode.OK


def _load_side(name: str, label: str, folder: Path) -> Spec | None:
    try:
        return load_spec(folder)
    except SpecErrors as exc:
        problems(exc.errors, outcome="", prefix=f"{name} ({label}): ")
        return None


def _view(spec: Spec, stack: str) -> Snapshot:
    return snapshot(spec, stack) if stack in spec.stacks else empty(stack)


def _side(revision: str | None, folder: str | None, flag: str, project: Path
          ) -> contextlib.AbstractContextManager[Path]:
    """One side's folder: a git revision of ``project``, or a folder only when given with
    ``flag`` (never a folder that happens to carry a revision's name)."""
    if folder is not None:
        return contextlib.nullcontext(given_folder(folder, flag=flag))
    return revision_folder(revision, project, flag=flag)


def _backtest_token() -> str | None:
    """The backtest's token (imported here: without ``--backtest`` the diff stays
    configuration-only)."""
    from sentry_iac.cli.backtest import token

    return token()


def _no_token() -> int:
    from sentry_iac.cli.backtest import no_token

    return no_token("diff")


def _backtest_rows(base: Spec, head: Spec, stacks: list[str], days: int, secret: str
                   ) -> list[Row] | ExitCode:
    """``--backtest``'s rows, or the exit code of a failed read (one line, no report)."""
    from sentry_iac.cli.backtest import diff_backtest
    from sentry_iac.providers.errors import SentryApiError
    from sentry_iac.ruletest.backtest_diff import changed_pairs

    try:
        return diff_backtest(head, changed_pairs(base, head, stacks), days, secret)
    except (SentryApiError, ValueError) as exc:
        return fail(f"backtest: {exc}", "diff", ExitCode.PROBLEMS)


def _print_diff(form: str, diffs: list[StackDiff], labels: tuple[str, str],
                rows: list[Row] | None, days: int) -> None:
    """The report, and the backtest's table (or ``backtest`` field) when one was run."""
    from sentry_iac.ruletest import backtest_diff

    if form == "json":
        data = diff_report.as_json(diffs, *labels)
        if rows is not None:
            data["backtest"] = backtest_diff.as_json(rows, days)
        _print_json(data)
        return
    print(diff_report.markdown(diffs, *labels), end="")
    if rows is not None:
        print("\n" + backtest_diff.markdown(rows, days), end="")


def cmd_diff(args: argparse.Namespace) -> int:
    project = Path(args.dir).resolve()
    if args.base_dir is not None and args.head is None:
        args.base, args.head = None, args.base  # `diff --base-dir PATH [HEAD]`
    for side, revision, folder, flag in (("base", args.base, args.base_dir, "--base-dir"),
                                         ("head", args.head, args.head_dir, "--head-dir")):
        if revision is not None and folder is not None:
            return fail(f"the {side} is either a git revision or {flag} PATH, not both",
                        "diff")
    if args.base is None and args.base_dir is None:
        return fail("name the base: a git revision (e.g. origin/main) or --base-dir PATH",
                    "diff")
    secret = _backtest_token() if args.backtest else None
    if args.backtest and secret is None:
        return _no_token()
    base_label = args.base or args.base_dir
    head_label = args.head or args.head_dir or "working tree"
    try:
        with _side(args.base, args.base_dir, "--base-dir", project) as base_dir, \
                _side(args.head, args.head_dir, "--head-dir", project) as head_dir:
            base = _load_side("base", base_label, base_dir)
            head = _load_side("head", head_label, head_dir)
    except SourceError as exc:
        return fail(str(exc), "diff")
    if base is None or head is None:
        side = "base and head are" if base is None and head is None else (
            "base is" if base is None else "head is")
        return fail(f"{side} not valid; nothing was compared", "diff", ExitCode.PROBLEMS)
    stacks = args.stack or sorted(set(base.stacks) | set(head.stacks))
    unknown = [s for s in stacks if s not in base.stacks and s not in head.stacks]
    if unknown:
        return fail(f"no such stack '{unknown[0]}' on either side", "diff")
    diffs = [diff_stack(s, _view(base, s), _view(head, s)) for s in stacks]
    rows = None if secret is None else _backtest_rows(base, head, stacks, args.days, secret)
    if isinstance(rows, ExitCode):
        return rows
    _print_diff(args.format, diffs, (base_label, head_label), rows, args.days)
    if any(d.refused for d in diffs):
        return fail("the change is refused (see the first lines of the report)", "diff",
                    ExitCode.PROBLEMS)
    return ExitCode.OK


def cmd_schema(args: argparse.Namespace) -> int:
    root = Path(args.dir).resolve()
    written = reference.reference()
    path = root / reference.REFERENCE_FILE
    if not args.check:
        for name in schema.write(root):
            print(f"wrote {name}")
        if path.parent.is_dir():  # the tool's own repository; an organisation's has no docs/
            path.write_text(written, encoding="utf-8")
            print(f"wrote {reference.REFERENCE_FILE}")
        return ExitCode.OK
    outdated = schema.stale(root)
    if path.parent.is_dir() and (not path.exists() or path.read_text(encoding="utf-8")
                                 != written):
        outdated.append(reference.REFERENCE_FILE)
    for name in outdated:
        print(f"{name} is stale: run `sentry-iac schema` and commit it")
    if outdated:
        return ExitCode.PROBLEMS
    print("ok: schema/ matches the models")
    return ExitCode.OK


def register(subparsers: Any) -> None:
    """Add ``render``, ``diff`` and ``schema`` to the ``sentry-iac`` parser."""
    render = subparsers.add_parser("render")
    render.add_argument("--stack", required=True, help="the stack, e.g. staging or production")
    render.add_argument("--format", choices=FORMATS, default="markdown")
    render.add_argument("--dir", default=".", help="the project folder (default: .)")
    render.set_defaults(func=cmd_render)

    diff = subparsers.add_parser("diff")
    diff.add_argument("base", nargs="?", default=None,
                      help="a git revision: commit, branch or tag (e.g. origin/main); never "
                           "read as a folder")
    diff.add_argument("head", nargs="?", default=None,
                      help="a git revision (default: the working tree of --dir)")
    diff.add_argument("--base-dir", metavar="PATH",
                      help="compare from this project folder instead of a revision")
    diff.add_argument("--head-dir", metavar="PATH",
                      help="compare to this project folder instead of the working tree")
    diff.add_argument("--stack", action="append",
                      help="only this stack (repeatable; default: every stack on either side)")
    diff.add_argument("--format", choices=FORMATS, default="markdown")
    diff.add_argument("--dir", default=".",
                      help="the project folder in the git checkout (default: .)")
    diff.add_argument("--backtest", action="store_true",
                      help="also replay each changed metric rule before and after over the "
                           "last days (reads Sentry with a read-only token, never writes)")
    diff.add_argument("--days", type=int, default=7, choices=range(1, 91), metavar="N",
                      help="with --backtest: how many days back (1-90, default 7)")
    diff.set_defaults(func=cmd_diff)

    schema_command = subparsers.add_parser("schema")
    schema_command.add_argument("--check", action="store_true",
                                help="exit 1 if the committed files are stale")
    schema_command.add_argument("--dir", default=".", help="the project folder (default: .)")
    schema_command.set_defaults(func=cmd_schema)
