"""The two sides of a diff as project folders: the working tree, a folder named with
``--base-dir``/``--head-dir``, or a git revision exported (``git archive``) into a temporary
folder that is removed afterwards.

A revision is only ever read from git: a folder that happens to carry a revision's name (a
pull request can add one named like its base commit) is never taken for it."""

from __future__ import annotations

import contextlib
import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

PROJECT_MARKERS = ("org.yaml", "Pulumi.yaml")


class SourceError(Exception):
    """A side that is not what it was given as: a revision git does not know, or a folder
    that is not a sentry-iac project."""


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True,
                              check=False, timeout=120)
    except FileNotFoundError:
        raise SourceError("git is not installed; compare folders with --base-dir and "
                          "--head-dir instead") from None


def _is_project(path: Path) -> bool:
    return path.is_dir() and any((path / name).exists() for name in PROJECT_MARKERS)


def _not_a_revision(revision: str, project: Path, flag: str) -> SourceError:
    message = (f"'{revision}' is not a git revision (commit, branch or tag) of the repository "
               f"holding {project}")
    if Path(revision).exists():
        message += (f"; a folder of that name exists, but a revision is only read from git: "
                    f"to compare with a folder, pass {flag} {revision}")
    else:
        message += f"; to compare with a folder, pass {flag} PATH"
    return SourceError(message)


def _export(revision: str, project: Path, dest: Path, flag: str) -> None:
    """Write the project folder as of ``revision`` into ``dest``."""
    if revision.startswith("-"):
        raise _not_a_revision(revision, project, flag)  # never an option of git's
    found = _git(project, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if found.returncode != 0:
        raise _not_a_revision(revision, project, flag)
    # The project may sit in a subfolder of the repository: export only that subtree, from
    # the top (git archive of a tree limits itself to the current folder's path within it).
    prefix = _git(project, "rev-parse", "--show-prefix").stdout.decode().strip()
    top = Path(_git(project, "rev-parse", "--show-toplevel").stdout.decode().strip())
    commit = found.stdout.decode().strip()
    archive = _git(top, "archive", "--format=tar", f"{commit}:{prefix}")
    if archive.returncode != 0:
        raise SourceError(f"cannot read {revision} with git archive: "
                          f"{archive.stderr.decode().strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(dest, filter="data")


@contextlib.contextmanager
def revision_folder(revision: str | None, project: Path, *, flag: str) -> Iterator[Path]:
    """The folder to load one side from: ``project`` itself for None (the working tree), else
    the git revision ``revision`` of ``project``, exported into a temporary folder. ``flag``
    is the option that compares with a folder instead, named in the error."""
    if revision is None:
        yield project
        return
    with tempfile.TemporaryDirectory(prefix="sentry-iac-diff-") as temp:
        _export(revision, project, Path(temp), flag)
        yield Path(temp)


def given_folder(path: str, *, flag: str) -> Path:
    """The project folder ``path``, given explicitly with ``flag``."""
    folder = Path(path)
    if not folder.is_absolute():
        folder = Path.cwd() / folder
    if not _is_project(folder):
        raise SourceError(f"{flag} {path}: not a sentry-iac project folder (no "
                          f"{' or '.join(PROJECT_MARKERS)})")
    return folder
