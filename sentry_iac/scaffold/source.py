"""Where a scaffolded repository gets sentry-iac from: its ``[tool.uv.sources]`` entry.

``--source`` takes ``git+URL[@REV]``, ``path:P`` or a bare path ``P`` (a checkout of sentry-iac
or a wheel of it). Without it, the source is the git repository and commit this sentry-iac was
installed from when pip or uv recorded one (PEP 610 ``direct_url.json``) — the checkout itself
when it was a local folder — else a placeholder URL on the reserved ``.invalid`` domain, which
never resolves, for the user to edit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

DISTRIBUTION = "sentry-iac"
PLACEHOLDER_URL = "https://git.example.invalid/your-org/sentry-iac.git"


class SourceError(ValueError):
    """A ``--source`` that names no place sentry-iac can come from."""


@dataclass(frozen=True)
class Source:
    """A uv source: ``kind`` is ``git`` (``location`` a URL, ``rev`` a tag or commit) or
    ``path`` (an absolute folder or wheel)."""

    kind: str
    location: str
    rev: str | None = None
    placeholder: bool = False

    def toml(self) -> str:
        """The line under ``[tool.uv.sources]``; strings quoted as JSON, which TOML reads."""
        if self.kind == "path":
            return f"sentry-iac = {{ path = {json.dumps(self.location)} }}"
        rev = f", rev = {json.dumps(self.rev)}" if self.rev else ""
        return f"sentry-iac = {{ git = {json.dumps(self.location)}{rev} }}"

    def describe(self) -> str:
        at = f" at {self.rev}" if self.rev else ""
        return f"{self.location}{at}"


def _path(text: str) -> Source:
    path = Path(text).expanduser().resolve()
    if path.is_file() and path.suffix == ".whl":
        return Source("path", str(path))
    if path.is_dir() and (path / "pyproject.toml").is_file() and (path / "sentry_iac").is_dir():
        return Source("path", str(path))
    raise SourceError(f"--source {text}: no sentry-iac checkout (pyproject.toml and sentry_iac/) "
                      "or .whl file there")


def _git(url: str) -> Source:
    at, slash = url.rfind("@"), url.rfind("/")
    if at > slash and at > 0:
        url, rev = url[:at], url[at + 1:]
        if not rev:
            raise SourceError("--source: nothing after '@'; give a tag, branch or commit")
        return Source("git", url, rev)
    return Source("git", url)


def parse(text: str) -> Source:
    """``--source``: ``git+URL[@REV]``, ``path:P`` or a path that exists."""
    if text.startswith("git+"):
        return _git(text[len("git+"):])
    if text.startswith("path:"):
        return _path(text[len("path:"):])
    if Path(text).expanduser().exists():
        return _path(text)
    raise SourceError(f"--source {text}: expected git+URL[@REV], path:FOLDER, a .whl file or "
                      "a folder")


def default() -> Source:
    """The git commit, wheel or checkout this sentry-iac was installed from, else the
    placeholder."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return Source("git", PLACEHOLDER_URL, placeholder=True)
    recorded = dist.read_text("direct_url.json")
    data = json.loads(recorded) if recorded else {}
    url = data.get("url")
    vcs = data.get("vcs_info") or {}
    if isinstance(url, str) and vcs.get("vcs") == "git":
        return Source("git", url, vcs.get("commit_id") or vcs.get("requested_revision"))
    if isinstance(url, str) and "archive_info" in data and url.startswith("file://"):
        wheel = Path(unquote(urlsplit(url).path))
        if wheel.is_file() and wheel.suffix == ".whl":
            return Source("path", str(wheel))
    if isinstance(url, str) and "dir_info" in data and url.startswith("file://"):
        # A checkout on this machine (as in a clone of sentry-iac's repository): the scaffold
        # works here at once; its README says to point it at a git URL before CI runs it.
        try:
            return _path(unquote(urlsplit(url).path))
        except SourceError:
            pass
    # Unrecorded, or a folder that is gone: no place any machine could install it from.
    return Source("git", PLACEHOLDER_URL, f"v{dist.version}", placeholder=True)
