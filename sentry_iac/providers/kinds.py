"""The settings sentry-iac manages through Sentry's REST API, one ``SettingsKind`` each.

Defaults are Sentry's (``sentry_iac.sentry``, SENTRY_API.md §3-§5): they say which fields a
kind may manage and of what type; nothing is ever reset to them. Paths are module-level
functions, not lambdas, so the pickled provider refers to them by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sentry_iac.providers.paths import api_path
from sentry_iac.providers.security import SecurityKind
from sentry_iac.providers.settings import SETTINGS, SettingsKind
from sentry_iac.sentry import performance, privacy, project_options, projects, security


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


def _project_listed(item: Mapping[str, Any], props: Mapping[str, Any]
                    ) -> Mapping[str, Any] | None:
    return project_options.detail_fields(item, frozenset(props.get(SETTINGS) or {}))


def _environment_listed(item: Mapping[str, Any], props: Mapping[str, Any]
                        ) -> Mapping[str, Any] | None:
    hidden = project_options.environment_hidden(item, str(props["environment"]))
    return None if hidden is None else {projects.IS_HIDDEN: hidden}


ORGANIZATION_PRIVACY = SettingsKind(
    name="OrganizationPrivacy", identity=("organization",), path=_organization,
    defaults=privacy.ORGANIZATION_DEFAULTS)

PROJECT_PRIVACY = SettingsKind(
    name="ProjectPrivacy", identity=("organization", "project"), path=_project,
    defaults=privacy.PROJECT_DEFAULTS, listed=_project_listed)

# What pulumiverse_sentry's SentryProject would set but cannot be trusted with: terraform-provider
# -sentry 0.11.2 sends resolveAge only when it is not 0 (GetOk), so `resolve_age: 0` never
# reached Sentry, and it checks `platform` by fetching docs.sentry.io during a preview. Here the
# platform is checked offline (config.platforms) and both are plain project fields
# (sentry.projects).
PROJECT_DETAILS = SettingsKind(
    name="ProjectDetails", identity=("organization", "project"), path=_project,
    defaults=projects.DETAILS_DEFAULTS, text_fields=frozenset({projects.PLATFORM}),
    listed=_project_listed)

PROJECT_FINGERPRINTING = SettingsKind(
    name="ProjectFingerprinting", identity=("organization", "project"), path=_project,
    defaults=projects.FINGERPRINTING_DEFAULTS, listed=_project_listed)

PROJECT_PERFORMANCE_ISSUES = SettingsKind(
    name="ProjectPerformanceIssues", identity=("organization", "project"),
    path=_performance,
    defaults={**performance.DETECTOR_DEFAULTS, **performance.THRESHOLD_DEFAULTS},
    write_first=frozenset(performance.DETECTOR_DEFAULTS))

ENVIRONMENT_VISIBILITY = SettingsKind(
    name="EnvironmentVisibility", identity=("organization", "project", "environment"),
    path=_environment,
    defaults=projects.ENVIRONMENT_DEFAULTS, listed=_environment_listed)

# Organisation access settings (SENTRY_API.md 3.2).
ORGANIZATION_SECURITY = SecurityKind(
    name="OrganizationSecurity", identity=("organization",), path=_organization,
    defaults=security.SECURITY_DEFAULTS)

KINDS = (ORGANIZATION_PRIVACY, PROJECT_PRIVACY, PROJECT_DETAILS, PROJECT_FINGERPRINTING,
         PROJECT_PERFORMANCE_ISSUES, ENVIRONMENT_VISIBILITY, ORGANIZATION_SECURITY)
