"""Settings pulumiverse_sentry cannot manage (privacy, fingerprinting, performance-issue
thresholds, environment visibility), as dynamic resources owned by the owner stack.

Each resource carries, beside the settings, where each one is declared in the YAML, so a value
Sentry rejects is reported at its ``file:line``.
"""

from __future__ import annotations

from typing import Any

import pulumi

from sentry_iac.config.fingerprinting import rules_text
from sentry_iac.config.loader import Spec
from sentry_iac.config.models import Project
from sentry_iac.config.privacy import Privacy
from sentry_iac.providers.resources import (
    EnvironmentVisibility,
    OrganizationPrivacy,
    ProjectDetails,
    ProjectFingerprinting,
    ProjectPerformanceIssues,
    ProjectPrivacy,
)
from sentry_iac.resources.payloads.settings import performance_fields, privacy_fields
from sentry_iac.sentry import projects
from sentry_iac.sentry.performance import DETECTORS, THRESHOLDS
from sentry_iac.sentry.privacy import PRIVACY_FIELDS

Path = tuple[str | int, ...]


def _privacy_sources(spec: Spec, base: Path, privacy: Privacy) -> dict[str, str]:
    declared = privacy.model_fields_set
    return {api: spec.where((*base, key)) for key, api in PRIVACY_FIELDS.items()
            if key in declared}


def organization_settings(spec: Spec, opts: pulumi.ResourceOptions) -> None:
    org = spec.org
    if org.privacy is not None and privacy_fields(org.privacy):
        OrganizationPrivacy(
            org.organization, identity={"organization": org.organization},
            settings=privacy_fields(org.privacy),
            sources=_privacy_sources(spec, ("privacy",), org.privacy), opts=opts)


def project_settings(
    spec: Spec, index: int, project: Project, project_slug: pulumi.Input[str],
    opts: pulumi.ResourceOptions,
) -> None:
    """The settings resources of one project (in the owner stack)."""
    base: Path = ("projects", index)
    identity: dict[str, pulumi.Input[str]] = {"organization": spec.org.organization,
                                              "project": project_slug}
    details: dict[str, Any] = {}
    details_sources: dict[str, str] = {}
    if project.platform is not None:
        details[projects.PLATFORM] = project.platform
        details_sources[projects.PLATFORM] = spec.where((*base, "platform"))
    if project.resolve_age is not None:
        details[projects.RESOLVE_AGE] = project.resolve_age
        details_sources[projects.RESOLVE_AGE] = spec.where((*base, "resolve_age"))
    if details:
        ProjectDetails(project.slug, identity=identity, settings=details,
                       sources=details_sources, opts=opts,
                       renamed_from=project.previous_slugs)
    if project.privacy is not None and privacy_fields(project.privacy):
        ProjectPrivacy(project.slug, identity=identity, settings=privacy_fields(project.privacy),
                       sources=_privacy_sources(spec, (*base, "privacy"), project.privacy),
                       opts=opts, renamed_from=project.previous_slugs)
    if project.fingerprinting is not None:
        ProjectFingerprinting(
            project.slug, identity=identity,
            settings={projects.FINGERPRINTING_RULES: rules_text(project.fingerprinting)},
            sources={projects.FINGERPRINTING_RULES: spec.where((*base, "fingerprinting"))},
            opts=opts, renamed_from=project.previous_slugs)
    perf = project.performance_issues
    if perf is not None and performance_fields(perf):
        sources: dict[str, str] = {}
        for name, (option, _, _) in THRESHOLDS.items():
            sources[option] = spec.where((*base, "performance_issues", name))
        for name, option in DETECTORS.items():
            sources[option] = spec.where((*base, "performance_issues", "detect", name))
        settings: dict[str, Any] = performance_fields(perf)
        ProjectPerformanceIssues(project.slug, identity=identity, settings=settings,
                                 sources={k: v for k, v in sources.items() if k in settings},
                                 opts=opts, renamed_from=project.previous_slugs)
    for j, environment in enumerate(project.hidden_environments or ()):
        EnvironmentVisibility(
            f"{project.slug}/{environment}",
            identity={**identity, "environment": environment},
            settings={projects.IS_HIDDEN: True},
            sources={projects.IS_HIDDEN: spec.where((*base, "hidden_environments", j))},
            opts=opts, renamed_from=project.previous_slugs)
