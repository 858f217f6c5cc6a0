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
from sentry_iac.config.performance import DETECTORS, THRESHOLDS
from sentry_iac.config.privacy import API_NAMES as PRIVACY_API_NAMES
from sentry_iac.config.privacy import Privacy
from sentry_iac.providers.resources import (
    EnvironmentVisibility,
    OrganizationPrivacy,
    ProjectDetails,
    ProjectFingerprinting,
    ProjectPerformanceIssues,
    ProjectPrivacy,
)

Path = tuple[str | int, ...]


def _privacy_sources(spec: Spec, base: Path, privacy: Privacy) -> dict[str, str]:
    declared = privacy.model_fields_set
    return {api: spec.where((*base, key)) for key, api in PRIVACY_API_NAMES.items()
            if key in declared}


def organization_settings(spec: Spec, opts: pulumi.ResourceOptions) -> None:
    org = spec.org
    if org.privacy is not None and org.privacy.api_fields():
        OrganizationPrivacy(
            org.organization, identity={"organization": org.organization},
            settings=org.privacy.api_fields(),
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
        details["platform"] = project.platform
        details_sources["platform"] = spec.where((*base, "platform"))
    if project.resolve_age is not None:
        details["resolveAge"] = project.resolve_age
        details_sources["resolveAge"] = spec.where((*base, "resolve_age"))
    if details:
        ProjectDetails(project.slug, identity=identity, settings=details,
                       sources=details_sources, opts=opts,
                       renamed_from=project.previous_slugs)
    if project.privacy is not None and project.privacy.api_fields():
        ProjectPrivacy(project.slug, identity=identity, settings=project.privacy.api_fields(),
                       sources=_privacy_sources(spec, (*base, "privacy"), project.privacy),
                       opts=opts, renamed_from=project.previous_slugs)
    if project.fingerprinting is not None:
        ProjectFingerprinting(
            project.slug, identity=identity,
            settings={"fingerprintingRules": rules_text(project.fingerprinting)},
            sources={"fingerprintingRules": spec.where((*base, "fingerprinting"))},
            opts=opts, renamed_from=project.previous_slugs)
    perf = project.performance_issues
    if perf is not None and perf.api_fields():
        sources: dict[str, str] = {}
        for name, (option, _, _) in THRESHOLDS.items():
            sources[option] = spec.where((*base, "performance_issues", name))
        for name, option in DETECTORS.items():
            sources[option] = spec.where((*base, "performance_issues", "detect", name))
        settings: dict[str, Any] = perf.api_fields()
        ProjectPerformanceIssues(project.slug, identity=identity, settings=settings,
                                 sources={k: v for k, v in sources.items() if k in settings},
                                 opts=opts, renamed_from=project.previous_slugs)
    for j, environment in enumerate(project.hidden_environments or ()):
        EnvironmentVisibility(
            f"{project.slug}/{environment}",
            identity={**identity, "environment": environment}, settings={"isHidden": True},
            sources={"isHidden": spec.where((*base, "hidden_environments", j))},
            opts=opts, renamed_from=project.previous_slugs)
