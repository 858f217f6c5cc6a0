"""Shared test helpers: a throwaway copy of the example project, and the bad-input corpus."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
BAD_DIR = Path(__file__).resolve().parent / "bad"
PROJECT_FILES = ("Pulumi.yaml", "Pulumi.staging.yaml", "Pulumi.production.yaml", "__main__.py",
                 "org.yaml")


def copy_project(dest: Path) -> Path:
    """The example project (program, stacks, org.yaml, alerts/) copied to ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        shutil.copy(PROJECT_ROOT / name, dest / name)
    shutil.copytree(PROJECT_ROOT / "alerts", dest / "alerts")
    return dest


@dataclass(frozen=True)
class BadCase:
    """One broken file (its first line says which project file it replaces) and the exact
    messages ``validate`` must print for it, from the paired ``.expected`` file."""

    name: str
    path: Path
    target: str
    expected: list[str]

    def install(self, project: Path) -> None:
        (project / self.target).write_text(self.path.read_text(encoding="utf-8"), encoding="utf-8")


def bad_cases() -> list[BadCase]:
    cases = []
    for path in sorted(BAD_DIR.glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# file: "), f"{path.name}: first line must be '# file: <target>'"
        expected_file = path.with_suffix(".expected")
        expected = (expected_file.read_text(encoding="utf-8").splitlines()
                    if expected_file.exists() else [])
        cases.append(BadCase(path.stem, path, first.removeprefix("# file: ").strip(), expected))
    return cases
