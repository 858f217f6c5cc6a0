"""Name the Sentry object a path points at, for "not found" messages."""

from __future__ import annotations

from collections.abc import Sequence

_KINDS = {
    "alert-rules": "metric alert rule",
    "dashboards": "dashboard",
    "detectors": "monitor",
    "environments": "environment",
    "hooks": "service hook",
    "keys": "client key",
    "members": "member",
    "monitors": "cron monitor",
    "rules": "issue alert rule",
    "teams": "team",
    "workflows": "alert",
}


def _names_object(rest: Sequence[str]) -> bool:
    """``<collection>/<id>`` of a kind we can name (settings paths like
    ``performance-issues/configure`` belong to their project)."""
    return len(rest) >= 2 and rest[0] in _KINDS


def describe_missing(segments: Sequence[str]) -> str:
    """E.g. ``project 'spms-backend' not found in organization 'dbca'``."""
    root = segments[0] if segments else ""
    if root == "organizations" and len(segments) >= 2:
        org = f"organization '{segments[1]}'"
        rest = segments[2:]
        if rest[:1] == ["projects"] and len(rest) >= 2:
            return _in_project(segments[1], rest[1], rest[2:])
        if _names_object(rest):
            return f"{_KINDS[rest[0]]} '{rest[1]}' not found in {org}"
        return f"{org} not found (or the token cannot see it)"
    if root == "projects" and len(segments) >= 3:
        return _in_project(segments[1], segments[2], segments[3:])
    if root == "teams" and len(segments) >= 3:
        return f"team '{segments[2]}' not found in organization '{segments[1]}'"
    return "the requested resource was not found"


def _in_project(org: str, project: str, rest: Sequence[str]) -> str:
    if _names_object(rest):
        kind = _KINDS[rest[0]]
        return f"{kind} '{rest[1]}' not found in project '{project}' of organization '{org}'"
    return f"project '{project}' not found in organization '{org}'"
