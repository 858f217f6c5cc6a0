"""The configuration checks alone, in a fresh process: ``python -m benchmarks.worker checks DIR
OUT``.

Times one ``load_spec`` (YAML, models, every cross-check; no plan) with everything it needs
imported before the clock starts, and the collector held paused as the ``sentry-iac`` script
holds it (``cli.app.run``). Writes ``{"seconds": ...}`` to ``OUT``.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from sentry_iac.config.loader import load_spec
from sentry_iac.config.yaml import gcpause


def time_checks(directory: Path) -> float:
    gcpause.hold()
    start = time.perf_counter()
    load_spec(directory)
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    kind, directory, out = argv
    if kind != "checks":
        raise SystemExit(f"unknown measurement {kind!r}")
    seconds = time_checks(Path(directory).resolve())
    Path(out).write_text(json.dumps({"seconds": seconds}), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
