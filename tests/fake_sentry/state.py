"""The fake's in-memory Sentry organisation, which tests seed and inspect."""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

DATE_CREATED = "2024-01-15T09:30:00.000000Z"
DATE_UPDATED = "2024-01-16T10:00:00.000000Z"
# Every project gets these on creation (SENTRY_ALERTS_API.md section 4); they cannot be deleted.
DEFAULT_DETECTORS = {"error": "Error Monitor", "issue_stream": "Issue Stream"}
# Display names of the integration providers the fake knows.
PROVIDERS = {
    "slack": "Slack",
    "msteams": "Microsoft Teams",
    "pagerduty": "PagerDuty",
    "opsgenie": "Opsgenie",
    "discord": "Discord",
    "github": "GitHub",
    "github_enterprise": "GitHub Enterprise",
    "jira": "Jira",
    "jira_server": "Jira Server",
    "vsts": "Azure DevOps",
}


# What a Business plan organisation has that alerts care about.
PLAN_FEATURES = ("integrations-ticket-rules", "integrations-issue-basic",
                 "integrations-issue-sync", "integrations-alert-rule",
                 "integrations-incident-management", "relay", "team-roles",
                 # projects:custom-inbound-filters: error-message and release filters.
                 "custom-inbound-filters",
                 # Sentry's anomaly detection (fake_sentry.anomaly)
                 "anomaly-detection-alerts", "anomaly-detection-rollout")


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
        "hideAiFeatures": False,
        "trustedRelays": [],  # as sent: {name, publicKey, description}
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
    # ProjectKey.rate_limit_count / rate_limit_window (null: never set)
    rate_limit_count: int | None = None
    rate_limit_window: int | None = None


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
    first_event: str | None = None  # when the project received its first event, if ever
    # The saved ProjectOwnership row (fake_sentry.ownership), None until the first PUT.
    ownership: dict[str, Any] | None = None


@dataclass
class FakeDetector:
    """A monitor, stored in snake_case as Sentry's validators leave it."""

    id: str
    project_id: str | None
    name: str
    type: str
    config: dict[str, Any] = field(default_factory=dict)
    description: str | None = None
    enabled: bool = True
    owner: str | None = None  # "team:<id>" or "user:<id>"
    # {"id", "query_id", "snuba_id", "query": {dataset, query, aggregate, time_window, ...}}
    data_source: dict[str, Any] | None = None
    # {"id", "logic_type", "conditions": [{"id", "type", "comparison", "condition_result"}]}
    condition_group: dict[str, Any] | None = None
    created_by: str | None = None
    date_updated: str = DATE_CREATED

    @property
    def system(self) -> bool:
        return self.type in DEFAULT_DETECTORS


@dataclass
class FakeWorkflow:
    """An alert; groups are {"id", "logic_type", "conditions", ["actions"]} in snake_case."""

    id: str
    name: str
    triggers: dict[str, Any]
    action_filters: list[dict[str, Any]] = field(default_factory=list)
    enabled: bool = True
    environment: str | None = None
    config: dict[str, Any] = field(default_factory=dict)
    owner: str | None = None
    created_by: str | None = None
    date_updated: str = DATE_CREATED


@dataclass
class FakeIntegration:
    id: str
    provider: str  # key, e.g. "pagerduty"
    name: str
    external_id: str
    config_data: dict[str, Any] = field(default_factory=dict)
    status: str = "active"


@dataclass
class FakeMember:
    id: str
    email: str
    role: str
    user_id: str | None  # None: an invitation not yet accepted
    name: str
    team_roles: dict[str, str | None] = field(default_factory=dict)  # team slug -> team role


@dataclass
class FakeLegacyRule:
    """A legacy issue alert (project ``rules``) or metric alert (``alert-rules``)."""

    id: str
    project: str | None  # slug of an issue alert's project
    fields: dict[str, Any]  # the validated request, camelCase


@dataclass
class FakeCronMonitor:
    """A cron monitor (Crons API). ``id`` is the GUID Sentry shows; ``internal_id`` the number
    its ``monitor_check_in_failure`` detector's data source names. ``config`` is snake_case."""

    id: str
    internal_id: str
    project_id: str
    name: str
    slug: str
    config: dict[str, Any]
    status: str = "active"
    owner: str | None = None  # "team:<id>" or "user:<id>"
    is_muted: bool = False
    detector_id: str | None = None


@dataclass
class FakeDashboard:
    """A dashboard; widgets as validated (snake_case), each with its own and its queries' ids."""

    id: str
    title: str
    widgets: list[dict[str, Any]] = field(default_factory=list)
    projects: list[int] = field(default_factory=list)
    filters: dict[str, Any] = field(default_factory=dict)  # environment, period, ...


@dataclass
class FakeOrganization:
    slug: str
    name: str
    id: str = "1"
    settings: dict[str, Any] = field(default_factory=org_settings_defaults)
    teams: dict[str, FakeTeam] = field(default_factory=dict)
    projects: dict[str, FakeProject] = field(default_factory=dict)
    detectors: dict[str, FakeDetector] = field(default_factory=dict)
    workflows: dict[str, FakeWorkflow] = field(default_factory=dict)
    links: set[tuple[str, str]] = field(default_factory=set)  # (detector id, workflow id)
    integrations: dict[str, FakeIntegration] = field(default_factory=dict)
    members: dict[str, FakeMember] = field(default_factory=dict)
    issue_rules: dict[str, FakeLegacyRule] = field(default_factory=dict)
    metric_rules: dict[str, FakeLegacyRule] = field(default_factory=dict)
    monitors: dict[str, FakeCronMonitor] = field(default_factory=dict)  # by slug
    dashboards: dict[str, FakeDashboard] = field(default_factory=dict)  # by id
    repositories: dict[str, Any] = field(default_factory=dict)  # id -> repositories.FakeRepo
    # Notification actions (spike protection's), by id, as fake_sentry.spike stores them.
    notification_actions: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Alerts Sentry migrated from legacy rules: workflow id -> {"ruleId", "alertRuleId"}
    # (fake_sentry.migration answers alert-rule-workflow lookups from it).
    legacy_ids: dict[str, dict[str, str | None]] = field(default_factory=dict)
    # Seeded time series for events-stats (fake_sentry.events_stats.seed_series):
    # (project id, dataset, yAxis, query, environment) -> {bucket start: value}
    stats_series: dict[tuple[str, str, str, str, str | None], dict[int, float]] = field(
        default_factory=dict)
    # Sentry lists conditions and action filters in no stable order; a seeded shuffle keeps
    # that visible to clients while tests stay reproducible. Set False for stable output.
    shuffle_reads: bool = True
    # The organisation's features (features/permanent.py names; plans give them). Without
    # integrations-ticket-rules, GitHub and Jira ticket actions are refused.
    features: set[str] = field(default_factory=lambda: set(PLAN_FEATURES))
    # Whether Seer takes anomaly monitors (False: a Sentry without Seer, as self-hosted is).
    seer: bool = True
    # Sentry since 2026-06 reads ?project= as ids or slugs; before, ids only (listing.project_ids)
    project_slugs_in_queries: bool = True
    # A Sentry from 2022 (fake_sentry.inbound_filters): no health-check filter, no React
    # hydration or chunk-load options, only version-pinned legacy browsers; filter PUTs say 201.
    older_inbound_filters: bool = False
    # A Sentry from 2022 (fake_sentry.members.list_team_members): a team's members each carry
    # teamRoles [{teamSlug, role}] instead of teamRole and teamSlug, in one unpaginated list.
    older_team_members: bool = False
    # Uptime monitors use billing seats: None is as many as wanted (self-hosted); a number
    # is how many may be on at once (uptime_checks: beyond it, new monitors are made off).
    uptime_seats: int | None = None
    # Sentry's project uptime endpoint takes and shows the thresholds since they moved to the
    # detector; False is a release from before (uptime_monitors).
    uptime_thresholds: bool = True
    # False: the token's user has no access to the projects (not a member of their teams,
    # no open membership, no org-wide role): the project list says hasAccess false and
    # leaves their options out (ProjectSummarySerializer.serialize).
    project_access: bool = True
    # Projects deleted in Sentry for now (FakeSentry.vanish): left out of the project list,
    # and every request under one is answered 404, as for a project pending deletion
    # (OrganizationProjectsEndpoint lists ObjectStatus.ACTIVE ones; ProjectEndpoint finds
    # no other). FakeSentry.restore brings them back.
    vanished: set[str] = field(default_factory=set)
    # Members removed in Sentry for now (FakeSentry.vanish_member, by id): left out of the
    # member and team listings, as a removed member is (its OrganizationMember and
    # OrganizationMemberTeam rows are deleted), until FakeSentry.restore.
    vanished_members: set[str] = field(default_factory=set)
    # Sentry refuses require2FA from a user without 2FA, and whenever SSO is on.
    user_has_2fa: bool = True
    sso_enabled: bool = False
    rng: random.Random = field(default_factory=lambda: random.Random(20260514))
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
        for detector_type, detector_name in DEFAULT_DETECTORS.items():
            detector_id = self.next_id()
            self.detectors[detector_id] = FakeDetector(
                id=detector_id, project_id=project.id, name=detector_name, type=detector_type
            )
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
        found = self.projects.get(slug_or_id) or next(
            (p for p in self.projects.values() if p.id == slug_or_id), None)
        return None if found is None or found.slug in self.vanished else found

    def add_sentrys_defaults(self, project: FakeProject) -> FakeWorkflow:
        """What Sentry gives a project created without ``default_rules: false``: a client key
        named "Default" (``create_keys_for_project``, receivers/core.py) and the alert "Send a
        notification for high priority issues" on its issue stream (``create_priority_workflow``,
        workflow_engine/defaults/workflows.py: new or existing high-priority issues, email to
        the issue owners falling back to active members, frequency 0)."""
        self.add_key(project, "Default")
        workflow = FakeWorkflow(
            id=self.next_id(), name="Send a notification for high priority issues",
            triggers={"id": self.next_id(), "logic_type": "any-short", "conditions": [
                {"id": self.next_id(), "type": kind, "comparison": True, "condition_result": True}
                for kind in ("new_high_priority_issue", "existing_high_priority_issue")]},
            action_filters=[{"id": self.next_id(), "logic_type": "any-short", "conditions": [],
                             "actions": [{"id": self.next_id(), "type": "email",
                                          "integration_id": None,
                                          "data": {"fallthrough_type": "ActiveMembers"},
                                          "config": {"target_type": "issue_owners",
                                                     "target_identifier": None,
                                                     "target_display": None}}]}],
            config={"frequency": 0})
        self.workflows[workflow.id] = workflow
        self.links.add((self.default_detector(project.slug, "issue_stream").id, workflow.id))
        return workflow

    def find_project_by_id(self, project_id: str) -> FakeProject | None:
        return next((p for p in self.projects.values() if p.id == project_id), None)

    def default_detector(
        self, project_slug: str, detector_type: str = "issue_stream"
    ) -> FakeDetector:
        """The project's system detector of ``detector_type`` ("error" or "issue_stream")."""
        project = self.projects[project_slug]
        return next(
            d
            for d in self.detectors.values()
            if d.project_id == project.id and d.type == detector_type
        )

    def workflow_ids_of(self, detector_id: str) -> list[str]:
        return sorted((w for d, w in self.links if d == detector_id), key=int)

    def detector_ids_of(self, workflow_id: str) -> list[str]:
        return sorted((d for d, w in self.links if w == workflow_id), key=int)

    def add_integration(
        self,
        provider: str,
        *,
        name: str | None = None,
        services: Iterable[str] = (),
        external_id: str | None = None,
    ) -> FakeIntegration:
        """Install an integration; ``services`` are PagerDuty service names (its service table)."""
        if provider not in PROVIDERS:
            raise ValueError(f"unknown integration provider {provider!r}")
        integration_id = self.next_id()
        config: dict[str, Any] = {}
        if provider == "pagerduty":
            config["service_table"] = [
                {"id": int(self.next_id()), "service": service, "integration_key": f"{n:0>32}"}
                for n, service in enumerate(services, start=1)
            ]
        integration = FakeIntegration(
            id=integration_id,
            provider=provider,
            name=name or PROVIDERS[provider],
            external_id=external_id or f"ext-{integration_id}",
            config_data=config,
        )
        self.integrations[integration_id] = integration
        return integration

    def add_member(
        self,
        email: str,
        *,
        role: str = "member",
        teams: Iterable[str] = (),
        pending: bool = False,
        name: str | None = None,
    ) -> FakeMember:
        """Add a member (a user id is assigned unless ``pending``: an unaccepted invitation)."""
        member_id = self.next_id()
        member = FakeMember(
            id=member_id,
            email=email,
            role=role,
            user_id=None if pending else self.next_id(),
            name=name or email,
            team_roles=dict.fromkeys(teams),
        )
        self.members[member_id] = member
        return member

    def find_member_by_user(self, user_id: str) -> FakeMember | None:
        return next((m for m in self.members.values() if m.user_id == user_id), None)

    def find_team_by_id(self, team_id: str) -> FakeTeam | None:
        return next((t for t in self.teams.values() if t.id == team_id), None)

    def environment_names(self) -> set[str]:
        return {name for project in self.projects.values() for name in project.environments}
