"""Existing Sentry objects a stack takes over instead of creating: ``import/<stack>.adopt.json``.

``sentry-iac import`` writes the file. ``pulumi import`` cannot import dynamic resources
(pulumi/pulumi#16175), so monitors and alerts are adopted by their provider: on create it
updates the Sentry object named here rather than making a second one. Settings resources need no
id (creating them writes values Sentry already has); they are listed for completeness.
"""

from __future__ import annotations

import json
from pathlib import Path

IMPORT_DIR = "import"


def adoption_file(root: Path, stack: str) -> Path:
    return root / IMPORT_DIR / f"{stack}.adopt.json"


def adopted_ids(root: Path, stack: str) -> dict[tuple[str, str], str]:
    """(short type, logical name) -> Sentry id, e.g. ``("Monitor", "high-error-rate/api")``;
    empty when the stack has no adoption file."""
    path = adoption_file(root, stack)
    if not path.is_file():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    found: dict[tuple[str, str], str] = {}
    for entry in data.get("resources", []):
        short = str(entry["type"]).rsplit(":", 1)[-1]
        found[(short, str(entry["name"]))] = str(entry["id"])
    return found
