"""The two sides of a diff as project folders: the working tree, another folder, or a git
revision exported (``git archive``) into a temporary folder that is removed afterwards."""

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
    """A side that is neither a project folder nor a git revision of this repository."""


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(repo), *args], capture_output=True,
                              check=False, timeout=120)
    except FileNotFoundError:
        raise SourceError("git is not installed; pass folders instead of revisions") from None


def _is_project(path: Path) -> bool:
    return path.is_dir() and any((path / name).exists() for name in PROJECT_MARKERS)


def _export(revision: str, project: Path, dest: Path) -> None:
    """Write the project folder as of ``revision`` into ``dest``."""
    found = _git(project, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    if found.returncode != 0:
        raise SourceError(f"'{revision}' is neither a project folder nor a git revision of "
                          f"{project}")
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
def project_folder(side: str | None, project: Path) -> Iterator[Path]:
    """The folder to load one side from: ``project`` itself for None (the working tree),
    ``side`` when it is a project folder, else the git revision ``side`` of ``project``."""
    if side is None:
        yield project
        return
    folder = Path(side)
    if not folder.is_absolute():
        folder = Path.cwd() / folder
    if _is_project(folder):
        yield folder
        return
    with tempfile.TemporaryDirectory(prefix="sentry-iac-diff-") as temp:
        _export(side, project, Path(temp))
        yield Path(temp)
