"""Response bodies in the shapes of Sentry's OpenAPI schema (``openapi.json``)."""

from __future__ import annotations

from typing import Any

from tests.fake_sentry import inbound_filters, performance, project_options
from tests.fake_sentry.state import (
    DATE_CREATED,
    FakeEnvironment,
    FakeKey,
    FakeOrganization,
    FakeProject,
    FakeTeam,
)

_AVATAR = {"avatarType": "letter_avatar", "avatarUuid": None, "avatarUrl": None}
_ROLES = ("member", "admin", "manager", "owner")
# Feature flags every project summary reports; the fake has no events, so all are false.
_PROJECT_FLAGS = (
    "hasAccess", "hasFeedbacks", "hasFlags", "hasMinifiedStackTrace", "hasMonitors",
    "hasNewFeedbacks", "hasProfiles", "hasReplays", "hasSessions", "hasInsightsHttp",
    "hasInsightsDb", "hasInsightsAssets", "hasInsightsAppStart", "hasInsightsScreenLoad",
    "hasInsightsVitals", "hasInsightsCaches", "hasInsightsQueues", "hasInsightsAgentMonitoring",
    "hasInsightsMCP", "hasLogs", "hasTraceMetrics",
)  # fmt: skip


def organization_summary(org: FakeOrganization, base_url: str) -> dict[str, Any]:
    return {
        "id": org.id,
        "slug": org.slug,
        "name": org.settings.get("name", org.name),
        "status": {"id": "active", "name": "active"},
        "dateCreated": DATE_CREATED,
        "isEarlyAdopter": False,
        "require2FA": org.settings["require2FA"],
        "avatar": dict(_AVATAR),
        "links": {"organizationUrl": f"{base_url}organizations/{org.slug}/", "regionUrl": base_url},
        "hasAuthProvider": False,
        "allowMemberInvite": True,
        "allowMemberProjectCreation": True,
        "allowSuperuserAccess": True,
        "features": [],
    }


def organization_detail(org: FakeOrganization, base_url: str) -> dict[str, Any]:
    role = {
        "desc": "",
        "scopes": [],
        "allowed": True,
        "isAllowed": True,
        "isRetired": False,
        "isTeamRolesAllowed": True,
    }
    global_role = {"is_global": False, "isGlobal": False, "minimumTeamRole": "contributor"}
    return {
        **organization_summary(org, base_url),
        **{key: value for key, value in org.settings.items() if key != "name"},
        "relayPiiConfig": org.settings["relayPiiConfig"],
        "experiments": {},
        "isDefault": False,
        "orgRoleList": [{"id": r, "name": r.title(), **role, **global_role} for r in _ROLES],
        "teamRoleList": [
            {"id": r, "name": r.title(), **role, "isMinimumRoleFor": None}
            for r in ("contributor", "admin")
        ],
        # Sentry stamps each relay when it stores it.
        "trustedRelays": [
            {**relay, "created": DATE_CREATED, "lastModified": DATE_CREATED}
            for relay in org.settings["trustedRelays"]
        ],
        "pendingAccessRequests": 0,
        "aggregatedDataConsent": False,
        "isDynamicallySampled": False,
        "issueAlertsThreadFlag": True,
        "metricAlertsThreadFlag": True,
        "requiresSso": False,
        "relayDsnEndpoint": None,
        "defaultAutofixAutomationTuning": "off",
        "defaultSeerScannerAutomation": False,
        "enableSeerCoding": False,
        "defaultCodingAgent": "seer",
        "defaultCodingAgentIntegrationId": None,
        "defaultAutomatedRunStoppingPoint": "root_cause",
        "autoEnableCodeReview": False,
        "autoOpenPrs": False,
        "defaultCodeReviewTriggers": [],
        "teams": [team_summary(team) for team in org.teams.values()],
        "projects": [project_list_item(org, project) for project in org.projects.values()],
        "access": [],
        "onboardingTasks": [],
    }


def team_summary(team: FakeTeam) -> dict[str, Any]:
    return {
        "id": team.id,
        "slug": team.slug,
        "name": team.name,
        "dateCreated": DATE_CREATED,
        "isMember": False,
        "teamRole": None,
        "flags": {"idp:provisioned": False},
        "access": [],
        "hasAccess": True,
        "isPending": False,
        "memberCount": 0,
        "avatar": dict(_AVATAR),
    }


def team_list_item(org: FakeOrganization, team: FakeTeam) -> dict[str, Any]:
    return {**team_summary(team), "externalTeams": []}


def _team_refs(org: FakeOrganization, project: FakeProject) -> list[dict[str, str]]:
    return [
        {"id": org.teams[slug].id, "name": org.teams[slug].name, "slug": slug}
        for slug in project.teams
        if slug in org.teams
    ]


def project_summary(org: FakeOrganization, project: FakeProject) -> dict[str, Any]:
    return {
        "id": project.id,
        "slug": project.slug,
        "name": project.settings.get("name", project.name),
        "platform": project.platform,
        "dateCreated": DATE_CREATED,
        "isBookmarked": False,
        "isMember": True,
        "features": [],
        "firstEvent": project.first_event,
        "firstTransactionEvent": False,
        "access": [],
        **dict.fromkeys(_PROJECT_FLAGS, False),
        "hasAccess": True,
        "isInternal": False,
        "isPublic": False,
        "avatar": dict(_AVATAR),
        "color": "#3f70bf",
        "status": "active",
    }


def project_list_item(org: FakeOrganization, project: FakeProject) -> dict[str, Any]:
    teams = _team_refs(org, project)
    return {
        **project_summary(org, project),
        "team": teams[0] if teams else None,
        "teams": teams,
        "platforms": [project.platform] if project.platform else [],
        "hasUserReports": False,
        # get_environments_by_projects (serializers/models/project.py): not hidden, not "".
        "environments": sorted(name for name, env in project.environments.items()
                               if name and not env.is_hidden),
        "latestRelease": None,
        "latestDeploys": None,
    }


def project_detail(org: FakeOrganization, project: FakeProject, base_url: str) -> dict[str, Any]:
    settings = project.settings
    return {
        **project_summary(org, project),
        **{key: value for key, value in settings.items() if key != "name"},
        "teams": _team_refs(org, project),
        "latestRelease": None,
        "options": {
            **inbound_filters.formatted_options(org, project),
            # answered raw (format_options), and only once set
            **{k: v for k, v in project.options.items() if k in project_options.ROW_OPTIONS},
            "sentry:performance_issue_settings": performance.effective(project.performance),
        },
        "securityToken": f"{project.id:0>32}",
        "securityTokenHeader": None,
        "verifySSL": False,
        "enableAutoReleaseCreation": True,
        "highlightContext": {},
        "highlightPreset": {"tags": [], "context": {}},
        "groupingConfig": "newstyle:2023-01-11",
        "derivedGroupingEnhancements": "",
        "secondaryGroupingExpiry": 0,
        "secondaryGroupingConfig": None,
        "organization": organization_summary(org, base_url),
        "platforms": [project.platform] if project.platform else [],
        "processingIssues": 0,
        "builtinSymbolSources": [],
        "dynamicSamplingBiases": None,
        "symbolSources": "[]",
        "isDynamicallySampled": False,
        "tempestFetchScreenshots": False,
        "autofixAutomationTuning": "off",
        "seerScannerAutomation": False,
        "seerNightshiftTweaks": None,
        "scmSourceContextEnabled": False,
        "debugFilesRole": None,
    }


def environment(env: FakeEnvironment) -> dict[str, Any]:
    return {"id": env.id, "name": env.name, "isHidden": env.is_hidden}


def project_key(project: FakeProject, key: FakeKey, host: str) -> dict[str, Any]:
    dsn = f"http://{key.public}@{host}/{project.id}"
    endpoint = f"http://{host}/api/{project.id}"
    return {
        "id": key.id,
        "name": key.name,
        "label": key.name,
        "public": key.public,
        "secret": key.secret,
        "projectId": int(project.id),
        "isActive": key.is_active,
        # ProjectKeySerializer: the limit only when both numbers are non-zero.
        "rateLimit": ({"window": key.rate_limit_window, "count": key.rate_limit_count}
                      if key.rate_limit_window and key.rate_limit_count else None),
        "dsn": {
            "secret": f"http://{key.public}:{key.secret}@{host}/{project.id}",
            "public": dsn,
            "csp": f"{endpoint}/csp-report/?sentry_key={key.public}",
            "security": f"{endpoint}/security/?sentry_key={key.public}",
            "minidump": f"{endpoint}/minidump/?sentry_key={key.public}",
            "nel": f"{endpoint}/nel/?sentry_key={key.public}",
            "unreal": f"{endpoint}/unreal/{key.public}/",
            "crons": f"{endpoint}/cron/___MONITOR_SLUG___/{key.public}/",
            "cdn": f"http://{host}/js-sdk-loader/{key.public}.min.js",
            "playstation": f"{endpoint}/playstation/?sentry_key={key.public}",
            "integration": f"http://{host}/",
            "otlp_traces": f"{endpoint}/integration/otlp/v1/traces",
            "otlp_logs": f"{endpoint}/integration/otlp/v1/logs",
        },
        "browserSdkVersion": "8.x",
        "browserSdk": {"choices": [["latest", "latest"], ["8.x", "8.x"]]},
        "dateCreated": DATE_CREATED,
        "dynamicSdkLoaderOptions": {
            "hasReplay": False,
            "hasPerformance": False,
            "hasDebug": False,
            "hasFeedback": False,
            "hasLogsAndMetrics": False,
        },
        "useCase": "user",
    }
