"""The settings sentry-iac manages through Sentry's REST API, one ``SettingsKind`` each.

Defaults are Sentry's (SENTRY_API.md §3-§5): they say which fields a kind may manage and of
what type; nothing is ever reset to them. Paths are module-level functions, not lambdas, so the
pickled provider refers to them by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sentry_iac.providers.paths import api_path
from sentry_iac.providers.security import SecurityKind
from sentry_iac.providers.settings import SettingsKind

_PRIVACY_ORG_DEFAULTS: dict[str, Any] = {
    "dataScrubber": False,
    "dataScrubberDefaults": False,
    "scrubIPAddresses": False,
    "sensitiveFields": [],
    "safeFields": [],
    "storeCrashReports": 0,
}
_PRIVACY_PROJECT_DEFAULTS: dict[str, Any] = {
    "dataScrubber": True,
    "dataScrubberDefaults": True,
    "scrubIPAddresses": False,
    "sensitiveFields": [],
    "safeFields": [],
    "storeCrashReports": None,  # inherit the organisation's setting
    "relayPiiConfig": "",
}

# Performance-issue detection defaults (Sentry's system options).
_THRESHOLD_DEFAULTS: dict[str, Any] = {
    "n_plus_one_db_duration_threshold": 50,
    "n_plus_one_db_count": 5,
    "slow_db_query_duration_threshold": 500,
    "render_blocking_fcp_ratio": 0.33,
    "large_http_payload_size_threshold": 300000,
    "db_on_main_thread_duration_threshold": 16,
    "file_io_on_main_thread_duration_threshold": 16,
    "uncompressed_asset_duration_threshold": 300,
    "uncompressed_asset_size_threshold": 512000,
    "consecutive_db_min_time_saved_threshold": 100,
    "n_plus_one_api_calls_total_duration_threshold": 300,
    "consecutive_http_spans_min_time_saved_threshold": 2000,
    "http_request_delay_threshold": 500,
}
_DETECTOR_DEFAULTS: dict[str, Any] = {
    f"{name}_detection_enabled": name != "db_query_injection"
    for name in (
        "uncompressed_assets", "consecutive_http_spans", "large_http_payload",
        "n_plus_one_db_queries", "n_plus_one_api_calls", "db_on_main_thread",
        "file_io_on_main_thread", "consecutive_db_queries", "large_render_blocking_asset",
        "slow_db_queries", "http_overhead", "db_query_injection",
    )
}


def _organization(props: Mapping[str, Any]) -> str:
    return api_path("organizations", props["organization"])


def _project(props: Mapping[str, Any]) -> str:
    return api_path("projects", props["organization"], props["project"])


def _performance(props: Mapping[str, Any]) -> str:
    return api_path("projects", props["organization"], props["project"],
                    "performance-issues", "configure")


def _environment(props: Mapping[str, Any]) -> str:
    return api_path("projects", props["organization"], props["project"], "environments",
                    props["environment"])


ORGANIZATION_PRIVACY = SettingsKind(
    name="OrganizationPrivacy", identity=("organization",), path=_organization,
    defaults=_PRIVACY_ORG_DEFAULTS)

PROJECT_PRIVACY = SettingsKind(
    name="ProjectPrivacy", identity=("organization", "project"), path=_project,
    defaults=_PRIVACY_PROJECT_DEFAULTS)

# What pulumiverse_sentry's SentryProject would set but cannot be trusted with: terraform-provider
# -sentry 0.11.2 sends resolveAge only when it is not 0 (GetOk), so `resolve_age: 0` never
# reached Sentry, and it checks `platform` by fetching docs.sentry.io during a preview. Here the
# platform is checked offline (config.platforms) and both are plain project fields
# (ProjectAdminSerializer: platform, resolveAge, project_details.py; null resolveAge is 0).
PROJECT_DETAILS = SettingsKind(
    name="ProjectDetails", identity=("organization", "project"), path=_project,
    defaults={"platform": None, "resolveAge": 0}, text_fields=frozenset({"platform"}))

PROJECT_FINGERPRINTING = SettingsKind(
    name="ProjectFingerprinting", identity=("organization", "project"), path=_project,
    defaults={"fingerprintingRules": ""})

PROJECT_PERFORMANCE_ISSUES = SettingsKind(
    name="ProjectPerformanceIssues", identity=("organization", "project"),
    path=_performance,
    defaults={**_DETECTOR_DEFAULTS, **_THRESHOLD_DEFAULTS},
    write_first=frozenset(_DETECTOR_DEFAULTS))

ENVIRONMENT_VISIBILITY = SettingsKind(
    name="EnvironmentVisibility", identity=("organization", "project", "environment"),
    path=_environment,
    defaults={"isHidden": False})

# Organisation access settings (SENTRY_API.md 3.2). defaultRole is only accepted from a token
# with org:admin; require2FA only from a user who has 2FA.
_SECURITY_DEFAULTS: dict[str, Any] = {
    "require2FA": False,
    "openMembership": True,
    "allowJoinRequests": True,
    "defaultRole": "member",
    "eventsMemberAdmin": True,
    "alertsMemberWrite": True,
    "attachmentsRole": "member",
    "debugFilesRole": "admin",
    "allowSharedIssues": True,
    "enhancedPrivacy": False,
    "hideAiFeatures": False,
    "trustedRelays": [],
}

ORGANIZATION_SECURITY = SecurityKind(
    name="OrganizationSecurity", identity=("organization",), path=_organization,
    defaults=_SECURITY_DEFAULTS)

KINDS = (ORGANIZATION_PRIVACY, PROJECT_PRIVACY, PROJECT_DETAILS, PROJECT_FINGERPRINTING,
         PROJECT_PERFORMANCE_ISSUES, ENVIRONMENT_VISIBILITY, ORGANIZATION_SECURITY)
