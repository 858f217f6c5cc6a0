"""Dynamic resources: the Pulumi side of each settings kind, and of a new project's defaults,
with readable type tokens (``pulumi-python:dynamic/sentry-iac:ProjectFingerprinting``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from sentry_iac.providers import kinds
from sentry_iac.providers.dynamic import SentryResource
from sentry_iac.providers.project_defaults import ProjectDefaultsProvider
from sentry_iac.providers.repositories import RepositoryProvider
from sentry_iac.providers.settings import SETTINGS, SOURCES, SettingsKind, SettingsProvider


def released_on_removal(opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions:
    """``retain_on_delete``: leaving the program (or a stack's destroy) releases the resource
    and leaves Sentry as it is. Settings have nothing to delete, and putting Sentry's defaults
    back would silently reset what an organisation relies on (scrubbing off, 2FA optional)."""
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(retain_on_delete=True))


class _Settings(SentryResource):
    kind: SettingsKind

    def __init__(
        self,
        name: str,
        *,
        identity: Mapping[str, pulumi.Input[str]],
        settings: Mapping[str, Any],
        sources: Mapping[str, str],
        opts: pulumi.ResourceOptions | None = None, renamed_from: Sequence[str] = (),
    ) -> None:
        props: dict[str, Any] = {**identity, SETTINGS: dict(settings), SOURCES: dict(sources)}
        super().__init__(SettingsProvider(self.kind), name, props, released_on_removal(opts),
                         renamed_from)


class OrganizationPrivacy(_Settings, module="sentry-iac", name="OrganizationPrivacy"):
    kind = kinds.ORGANIZATION_PRIVACY


class ProjectPrivacy(_Settings, module="sentry-iac", name="ProjectPrivacy"):
    kind = kinds.PROJECT_PRIVACY


class ProjectDetails(_Settings, module="sentry-iac", name="ProjectDetails"):
    kind = kinds.PROJECT_DETAILS


class ProjectFingerprinting(_Settings, module="sentry-iac", name="ProjectFingerprinting"):
    kind = kinds.PROJECT_FINGERPRINTING


class ProjectPerformanceIssues(_Settings, module="sentry-iac", name="ProjectPerformanceIssues"):
    kind = kinds.PROJECT_PERFORMANCE_ISSUES


class EnvironmentVisibility(_Settings, module="sentry-iac", name="EnvironmentVisibility"):
    kind = kinds.ENVIRONMENT_VISIBILITY


class OrganizationSecurity(_Settings, module="sentry-iac", name="OrganizationSecurity"):
    kind = kinds.ORGANIZATION_SECURITY


class ProjectDefaults(SentryResource, module="sentry-iac", name="ProjectDefaults"):
    """Takes Sentry's "Default" key and default alert off a new project (project_defaults)."""

    def __init__(self, name: str, *, organization: str, project: pulumi.Input[str],
                 opts: pulumi.ResourceOptions | None = None,
                 renamed_from: Sequence[str] = ()) -> None:
        super().__init__(ProjectDefaultsProvider(), name,
                         {"organization": organization, "project": project},
                         released_on_removal(opts), renamed_from)


class Repository(SentryResource, module="sentry-iac", name="Repository"):
    """A GitHub repository linked to the organisation; adopted when already linked."""

    def __init__(self, name: str, *, organization: str, identifier: str, integration: str,
                 opts: pulumi.ResourceOptions | None = None) -> None:
        # Unlinking a repository loses its commit history in Sentry: removal releases it.
        super().__init__(RepositoryProvider(), name,
                         {"organization": organization, "identifier": identifier,
                          "integration": integration}, released_on_removal(opts))
