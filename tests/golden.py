"""Golden files: output compared exactly with a committed file under tests/golden/.

``UPDATE_GOLDEN=1 uv run pytest`` rewrites them from the current output; review the change in
git before committing it.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"


def assert_golden(name: str, actual: str) -> None:
    path = GOLDEN_DIR / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing; run UPDATE_GOLDEN=1 uv run pytest to create it"
    expected = path.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(keepends=True),
                                            actual.splitlines(keepends=True),
                                            f"golden/{name}", "actual"))
        raise AssertionError(f"output differs from tests/golden/{name} (if intended, run "
                             f"UPDATE_GOLDEN=1 uv run pytest and review the change):\n{diff}")
