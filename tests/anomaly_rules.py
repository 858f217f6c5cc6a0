"""The fixture organisation with one anomaly rule added (``alerts/performance.yaml``): p95 of
incoming HTTP requests, unusually high, medium sensitivity over 15 minutes, and in staging low
sensitivity over 30 minutes. The fixture itself is not changed: each test copies it."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import copy_project

RULE_ID = "http-slower-than-usual"
KEY = f"{RULE_ID}/spms-backend"
RULE = f"""
  - id: {RULE_ID}
    name: HTTP requests slower than usual
    projects: [spms-backend]
    measure: http-request-duration
    percentile: p95
    window: 15m
    anomaly: {{sensitivity: medium, direction: above}}
    priority: medium
    environments:
      staging: {{anomaly: {{sensitivity: low, direction: above}}, window: 30m}}
"""
FILE = "alerts/performance.yaml"


def anomaly_project(dest: Path, rule: str = RULE) -> Path:
    """A copy of the fixture organisation with ``rule`` appended to its performance rules."""
    project = copy_project(dest)
    path = project / FILE
    path.write_text(path.read_text() + rule)
    return project


def rule_line(project: Path, key: str = "anomaly") -> int:
    """The line of the added rule's ``key`` (its first occurrence after the rule's id)."""
    lines = (project / FILE).read_text().splitlines()
    start = lines.index(f"  - id: {RULE_ID}")
    return next(i + 1 for i, line in enumerate(lines) if i > start
                and line.strip().startswith(f"{key}:"))
