"""Which token scope a request needs, so a 403 can say what to add to the token.

Derived from the ``security`` entries of Sentry's OpenAPI schema and its permission classes.
"""

from __future__ import annotations

from collections.abc import Sequence

_ALERT_SEGMENTS = frozenset(
    {"alert-rules", "combined-rules", "detectors", "monitors", "rules", "workflows"}
)


def _family(segments: Sequence[str], method: str) -> str:
    if any(segment in _ALERT_SEGMENTS for segment in segments):
        return "alerts"
    root = segments[0] if segments else ""
    rest = segments[2:]
    if root == "teams":
        return "project" if rest[1:2] == ["projects"] else "team"
    if root == "projects":
        return "project"
    if root == "organizations" and rest:
        if rest[0] == "members":
            # Adding a member to a team is a team write.
            return "team" if "teams" in rest[1:] else "member"
        if rest[0] == "teams" and method != "GET":
            return "team"
    return "org"


def required_scopes(method: str, segments: Sequence[str]) -> tuple[str, ...]:
    """Scopes that allow ``method`` on the path, most specific first."""
    family = _family(segments, method)
    if method in ("GET", "HEAD", "OPTIONS"):
        return (f"{family}:read",)
    deletes_object_itself = method == "DELETE" and (
        (segments[:1] == ["projects"] and len(segments) == 3)
        or (segments[:1] == ["teams"] and len(segments) == 3)
    )
    if deletes_object_itself:
        return (f"{family}:admin",)
    return (f"{family}:write", f"{family}:admin")


def describe_scopes(scopes: Sequence[str]) -> str:
    """``project:write (or project:admin)``."""
    first, *others = scopes
    return first if not others else f"{first} (or {' or '.join(others)})"
