"""The deploy-time resolver, answering from what was read instead of from Sentry.

With it the import renders each candidate alert exactly as the Alert provider would send it
(integrations, teams, members and the project's issue stream looked up the same way), and can
compare that with what Sentry holds.
"""

from __future__ import annotations

from typing import Any

from sentry_iac.importer.read.snapshot import Snapshot
from sentry_iac.providers.resolve import Lookups, Resolver


class SnapshotResolver(Resolver):
    def __init__(self, snapshot: Snapshot) -> None:
        # No client: every list comes from the snapshot.
        self.organization = snapshot.organization
        self._cache = Lookups()
        self.snapshot = snapshot

    def project_id(self, slug: str) -> str:
        project = next((p for p in self.snapshot.projects if p.slug == slug), None)
        if project is None:
            raise KeyError(f"the import read no project '{slug}'")
        return str(project.detail["id"])

    def _list(self, *segments: str, params: dict[str, str] | None = None
              ) -> tuple[list[Any], bool]:
        # As read: never stale, so a miss is final.
        return self._read(segments, params or {}), False

    def _read(self, segments: tuple[str, ...], params: dict[str, str]) -> list[Any]:
        kind = segments[0]
        if kind == "integrations":
            key = params.get("providerKey")
            return [i for i in self.snapshot.integrations
                    if key is None or i["provider"].get("key") == key]
        if kind == "teams":
            return list(self.snapshot.teams)
        if kind == "members":
            return list(self.snapshot.members)  # user_id() matches the email itself
        if kind == "detectors":
            project = next((p for p in self.snapshot.projects
                            if str(p.detail["id"]) == params.get("project")), None)
            wanted = params.get("query", "").removeprefix("type:")
            return [d for d in self.snapshot.detectors
                    if project is not None and str(d.get("projectId")) == str(project.detail["id"])
                    and d.get("type") == wanted]
        raise KeyError(f"the import cannot answer a lookup of {'/'.join(segments)}")
