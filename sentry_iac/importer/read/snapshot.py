"""What was read from Sentry, trimmed to the fields the import uses.

Secrets never get this far: client keys keep their id and name only (no DSN, no public or secret
key), integrations lose their routing keys, projects their security token.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Json = dict[str, Any]


@dataclass
class ProjectData:
    slug: str
    detail: Json
    keys: list[Json]  # {"id", "name", "isActive", "rateLimit"}
    performance: Json | None  # None when Sentry would not show it
    environments: list[Json]  # {"name", "isHidden"}
    ownership: Json | None = None  # the ownership endpoint's answer; None when not read
    filters: list[Json] | None = None  # [{"id", "active"}]; None when not read


@dataclass
class Snapshot:
    organization: str
    org: Json
    teams: list[Json]
    members: list[Json]
    projects: list[ProjectData]
    integrations: list[Json]
    detectors: list[Json]
    workflows: list[Json]
    # workflow id -> {"ruleId", "alertRuleId"}: the legacy rule Sentry migrated it from.
    legacy: dict[str, Json] = field(default_factory=dict)
    monitors: list[Json] = field(default_factory=list)  # cron monitors (read.observability)
    dashboards: list[Json] = field(default_factory=list)  # each as its own GET answers it
    # Spike protection's notification actions, as Sentry answers them.
    notification_actions: list[Json] = field(default_factory=list)

    def project_slug(self, project_id: Any) -> str | None:
        return next((p.slug for p in self.projects if str(p.detail.get("id")) == str(project_id)),
                    None)


def keep(body: Any, fields: tuple[str, ...]) -> Json:
    """Only ``fields`` of a JSON object (missing ones left out)."""
    if not isinstance(body, dict):
        return {}
    return {name: body[name] for name in fields if name in body}
