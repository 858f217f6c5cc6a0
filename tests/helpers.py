"""Shared test helpers: the fixture organisation and throwaway copies of it, the bad-input
corpus, and what a test does when ``../shared`` is not beside the project."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import pytest

# The repository: the package, README, schema/, workflows, pyproject. Not a config to test.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The organisation the tool's tests use: a frozen copy of the example config, so a change to
# the root org.yaml or alerts/ (the user's, checked by tests/test_config.py) never moves them.
EXAMPLE = Path(__file__).resolve().parent / "fixtures" / "example"
BAD_DIR = Path(__file__).resolve().parent / "bad"
PROJECT_FILES = ("Pulumi.yaml", "Pulumi.staging.yaml", "Pulumi.production.yaml", "__main__.py",
                 "org.yaml")


def shared_missing(what: str, path: Path, variable: str) -> NoReturn:
    """``../shared`` (Sentry's OpenAPI and the other reference files) is beside the project in
    CI and on developers' machines, but not in a user's clone: there a test that needs it is
    skipped with the reason; in CI (``CI=true``) its absence fails the run."""
    message = (f"{what} not found at {path} (set {variable}, or put the shared folder beside "
               "the project)")
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{message}; CI must have it", pytrace=False)
    pytest.skip(message)


def copy_project(dest: Path, *, alerts: bool = True) -> Path:
    """The fixture organisation (program, stacks, org.yaml and, unless ``alerts`` is false, its
    alert rules) copied to ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        shutil.copy(EXAMPLE / name, dest / name)
    if alerts:
        shutil.copytree(EXAMPLE / "alerts", dest / "alerts")
    else:
        (dest / "alerts").mkdir()
    return dest


@dataclass(frozen=True)
class BadCase:
    """Broken project files and the exact messages ``validate`` must print for them, from the
    paired ``.expected`` file. A line ``# file: <target>`` starts each file's content (most
    cases have one); it stays in the file, so it is line 1 there. A line ``# delete: <target>``
    removes that file of the fixture organisation instead.

    A case's name begins with the id of the check it proves, ``-`` for ``/``
    (``ref-unknown-team--in-project`` proves ``ref/unknown-team``)."""

    name: str
    path: Path
    target: str
    expected: list[str]

    @property
    def check(self) -> str:
        """The check id the name names."""
        family, _, rest = self.name.partition("--")[0].partition("-")
        return f"{family}/{rest}"

    def files(self) -> dict[str, str]:
        out: dict[str, list[str]] = {}
        current = ""
        for line in self.path.read_text(encoding="utf-8").splitlines(keepends=True):
            if line.startswith(DELETE):
                continue
            if line.startswith(FILE):
                current = line.removeprefix(FILE).strip()
                out[current] = []
            out[current].append(line)
        return {target: "".join(lines) for target, lines in out.items()}

    def deleted(self) -> list[str]:
        lines = self.path.read_text(encoding="utf-8").splitlines()
        return [line.removeprefix(DELETE).strip() for line in lines if line.startswith(DELETE)]

    def install(self, project: Path) -> None:
        for target in self.deleted():
            (project / target).unlink()
        for target, text in self.files().items():
            (project / target).parent.mkdir(parents=True, exist_ok=True)
            (project / target).write_text(text, encoding="utf-8")


FILE, DELETE = "# file: ", "# delete: "


def bad_cases() -> list[BadCase]:
    cases = []
    for path in sorted(BAD_DIR.glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith((FILE, DELETE)), \
            f"{path.name}: first line must be '{FILE}<target>' or '{DELETE}<target>'"
        expected_file = path.with_suffix(".expected")
        expected = (expected_file.read_text(encoding="utf-8").splitlines()
                    if expected_file.exists() else [])
        target = first.removeprefix(FILE).removeprefix(DELETE).strip()
        cases.append(BadCase(path.stem, path, target, expected))
    return cases


def by_name(plan: Any, short_type: str) -> dict[str, dict[str, Any]]:
    """The inputs of each resource of ``short_type`` in an offline plan, by logical name."""
    return {r.name: r.inputs for r in plan.of_type(short_type)}
