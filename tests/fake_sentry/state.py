"""The fake's in-memory Sentry organisation, which tests seed and inspect."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

DATE_CREATED = "2024-01-15T09:30:00.000000Z"


def org_settings_defaults() -> dict[str, Any]:
    """Writable organisation fields, by API name, with Sentry's defaults."""
    return {
        "dataScrubber": False,
        "dataScrubberDefaults": False,
        "sensitiveFields": [],
        "safeFields": [],
        "scrubIPAddresses": False,
        "storeCrashReports": 0,
        "relayPiiConfig": None,
        "openMembership": True,
        "allowSharedIssues": True,
        "enhancedPrivacy": False,
        "allowJoinRequests": True,
        "eventsMemberAdmin": True,
        "alertsMemberWrite": True,
        "scrapeJavaScript": True,
        "require2FA": False,
        "attachmentsRole": "member",
        "debugFilesRole": "admin",
        "defaultRole": "member",
    }


def project_settings_defaults() -> dict[str, Any]:
    """Writable project fields, by API name, with Sentry's defaults."""
    return {
        "dataScrubber": True,
        "dataScrubberDefaults": True,
        "sensitiveFields": [],
        "safeFields": [],
        "scrubIPAddresses": False,
        "storeCrashReports": None,
        "relayPiiConfig": None,
        "fingerprintingRules": "",
        "groupingEnhancements": "",
        "resolveAge": 0,
        "digestsMinDelay": 300,
        "digestsMaxDelay": 1800,
        "subjectPrefix": "",
        "subjectTemplate": "$shortID - $title",
        "allowedDomains": ["*"],
        "scrapeJavaScript": True,
        "highlightTags": [],
        "defaultEnvironment": None,
    }


@dataclass
class FakeEnvironment:
    id: str
    name: str
    is_hidden: bool = False


@dataclass
class FakeKey:
    id: str
    name: str
    public: str
    secret: str
    is_active: bool = True


@dataclass
class FakeTeam:
    id: str
    slug: str
    name: str


@dataclass
class FakeProject:
    id: str
    slug: str
    name: str
    platform: str | None
    teams: list[str] = field(default_factory=list)  # team slugs with access
    settings: dict[str, Any] = field(default_factory=project_settings_defaults)
    options: dict[str, Any] = field(default_factory=dict)  # raw project options
    performance: dict[str, Any] = field(default_factory=dict)  # stored overrides only
    environments: dict[str, FakeEnvironment] = field(default_factory=dict)
    keys: list[FakeKey] = field(default_factory=list)


@dataclass
class FakeOrganization:
    slug: str
    name: str
    id: str = "1"
    settings: dict[str, Any] = field(default_factory=org_settings_defaults)
    teams: dict[str, FakeTeam] = field(default_factory=dict)
    projects: dict[str, FakeProject] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(100))

    def next_id(self) -> str:
        return str(next(self._ids))

    def add_team(self, slug: str, name: str | None = None) -> FakeTeam:
        team = FakeTeam(id=self.next_id(), slug=slug, name=name or slug)
        self.teams[slug] = team
        return team

    def add_project(
        self,
        slug: str,
        *,
        name: str | None = None,
        platform: str | None = "python",
        teams: Iterable[str] = (),
        environments: Mapping[str, bool] | Iterable[str] = (),
        **settings: Any,
    ) -> FakeProject:
        """Add a project; ``environments`` is names, or name -> hidden flag."""
        project = FakeProject(
            id=self.next_id(), slug=slug, name=name or slug, platform=platform, teams=list(teams)
        )
        unknown = set(settings) - set(project.settings)
        if unknown:
            raise ValueError(f"unknown project settings: {sorted(unknown)}")
        project.settings.update(settings)
        hidden = environments if isinstance(environments, Mapping) else dict.fromkeys(environments)
        for env_name, is_hidden in hidden.items():
            self.add_environment(project, env_name, hidden=bool(is_hidden))
        self.projects[slug] = project
        return project

    def add_environment(
        self, project: FakeProject, name: str, *, hidden: bool = False
    ) -> FakeEnvironment:
        environment = FakeEnvironment(id=self.next_id(), name=name, is_hidden=hidden)
        project.environments[name] = environment
        return environment

    def add_key(self, project: FakeProject, name: str = "Default") -> FakeKey:
        key_id = self.next_id()
        key = FakeKey(id=key_id, name=name, public=f"{key_id:0>32}", secret=f"{key_id:f>32}")
        project.keys.append(key)
        return key

    def find_project(self, slug_or_id: str) -> FakeProject | None:
        if slug_or_id in self.projects:
            return self.projects[slug_or_id]
        return next((p for p in self.projects.values() if p.id == slug_or_id), None)
