"""``validate --format github``: each problem as a GitHub Actions workflow command
(``::error file=…,line=…,col=…,title=<check id>::message [check id]``), which GitHub shows on
the pull request's lines, headed by the id of the check that found it."""

from __future__ import annotations

from pathlib import Path

from sentry_iac.config.errors import SpecError


def _data(text: str) -> str:
    # GitHub's escaping for a command's message (toCommandValue / escapeData).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def repository_path(root: Path, file: str, workspace: Path) -> str:
    """``file`` (relative to the project) relative to the checkout, as annotations need."""
    path = (root / file).resolve()
    try:
        return path.relative_to(workspace.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def annotation(error: SpecError, root: Path, workspace: Path) -> str:
    """One ``::error`` command; a problem with the whole file (line 0) names no line."""
    where = [f"file={_property(repository_path(root, error.file, workspace))}"]
    if error.line:
        where += [f"line={error.line}", f"col={error.column}"]
    where.append(f"title={_property(error.check)}")
    message = f"{error.path}: {error.message}" if error.path else error.message
    return f"::error {','.join(where)}::{_data(message)} [{error.check}]"
