"""The inputs of a test as the items Sentry stores: one error event, span or session count
per item, each with its minute, environment and searchable attributes."""

from __future__ import annotations

from dataclasses import dataclass, field

from sentry_iac.ruletest.model import InputSpec


@dataclass(frozen=True)
class Sample:
    """One stored item. ``kind`` is ``error``, ``span``, ``sessions`` or ``session_users``;
    ``index`` is the input it came from (its line names it in reports)."""

    minute: int
    kind: str
    environment: str
    index: int
    attributes: dict[str, str] = field(default_factory=dict)
    user: str | None = None
    duration_ms: float = 0.0
    failed: bool = False
    total: int = 0
    crashed: int = 0
    issue: str = ""
    issue_state: str | None = None
    category: str = "error"
    issue_priority: str = "medium"
    level: str = "error"


def _attributes(spec: InputSpec, environment: str, event_type: str) -> dict[str, str]:
    out = {"environment": environment, "event.type": event_type}
    if event_type == "error":
        out["level"] = spec.level
    if spec.release is not None:
        out["release"] = spec.release
    out.update(spec.tags)
    return out


def samples_of(spec: InputSpec, index: int, environment: str) -> list[Sample]:
    """Every item ``spec`` stands for, in time order; ``environment`` is the input's own, else
    the stack's environment of the project."""
    env = spec.environment or environment
    out: list[Sample] = []
    for minute in spec.minutes():
        for n in range(spec.errors):
            user = f"user-{n % spec.users + 1}" if spec.users else None
            attrs = _attributes(spec, env, "error")
            if user is not None:
                attrs["user"] = user
            out.append(Sample(minute, "error", env, index, attrs, user=user, issue=spec.issue,
                              issue_state=spec.issue_state, category=spec.category,
                              issue_priority=spec.issue_priority, level=spec.level))
        if spec.spans is not None:
            attrs = {"is_transaction": "false", **_attributes(spec, env, "span")}
            for n, duration in enumerate(spec.spans.values_ms()):
                out.append(Sample(minute, "span", env, index, attrs, duration_ms=duration,
                                  failed=n < spec.spans.failed))
        for kind, rate in (("sessions", spec.sessions), ("session_users", spec.session_users)):
            if rate is not None:
                out.append(Sample(minute, kind, env, index, _attributes(spec, env, kind),
                                  total=rate.total, crashed=rate.crashed))
    return out
