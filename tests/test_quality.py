"""The code stays typed and lint-clean: the same checks a reviewer would run, in the suite."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.helpers import PROJECT_ROOT

BIN = Path(sys.executable).parent


def run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / tool), *args], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=300, check=False)


def test_ruff_is_clean() -> None:
    result = run("ruff", "check", "sentry_iac", "tests", "benchmarks", "__main__.py")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict_is_clean() -> None:
    result = run("mypy", "--strict", "sentry_iac", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr
