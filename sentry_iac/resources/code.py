"""Links to the code: GitHub repositories and code mappings, owned by the owner stack.

The GitHub integration is installed in Sentry's UI (it needs a GitHub App installation), so it
is looked up by name at deploy time, once per name; repositories and code mappings refer to its
id, and code mappings to the repository's and project's ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumiverse_sentry as sentry

from sentry_iac.config.models import Organization
from sentry_iac.config.repositories import CodeMapping, Repository
from sentry_iac.providers.resources import Repository as LinkedRepository
from sentry_iac.resources.project import SentryProjectComponent

GITHUB = "github"


def integration_name(org: Organization, repository: Repository) -> str:
    """The GitHub integration a repository is read through (validation makes sure there is one)."""
    name = repository.integration or (org.integrations.github if org.integrations else None)
    if name is None:
        raise ValueError(f"no GitHub integration named for {repository.name}")
    return name


def repository_args(organization: str, repository: Repository) -> dict[str, Any]:
    return {"organization": organization, "identifier": repository.name}


def code_mapping_args(organization: str, mapping: CodeMapping) -> dict[str, Any]:
    return {"organization": organization, "default_branch": mapping.branch,
            "stack_root": mapping.stack_root, "source_root": mapping.source_root}


def code_mapping_name(project: str, mapping: CodeMapping) -> str:
    """Sentry keeps one mapping per project and stack root, so together they name it."""
    return f"{project}:{mapping.stack_root}"


def link_code(
    org: Organization, parent: pulumi.Resource, projects: Mapping[str, pulumi.Resource]
) -> None:
    """Register the repositories (under ``parent``) and each project's code mappings (under its
    component). ``projects`` maps slug -> the project's component in this (owner) stack."""
    integrations: dict[str, pulumi.Output[str]] = {}
    repositories: dict[str, tuple[pulumi.Output[str], pulumi.Output[str]]] = {}
    for repository in org.repositories:
        name = integration_name(org, repository)
        if name not in integrations:
            found = sentry.get_sentry_organization_integration_output(
                organization=org.organization, provider_key=GITHUB, name=name,
                opts=pulumi.InvokeOptions(parent=parent))
            integrations[name] = found.internal_id
        # A dynamic resource, not pulumiverse_sentry's: that one fails on a repository that is
        # already linked (providers.repositories adopts it).
        created = LinkedRepository(repository.name, integration=name,
                                   opts=pulumi.ResourceOptions(parent=parent),
                                   **repository_args(org.organization, repository))
        repositories[repository.name] = (integrations[name], created.id)
    for project in org.projects:
        component = projects[project.slug]
        for mapping in project.code_mappings:
            integration_id, repository_id = repositories[mapping.repository]
            sentry.SentryOrganizationCodeMapping(
                code_mapping_name(project.slug, mapping),
                integration_id=integration_id, repository_id=repository_id,
                project_id=_project_id(component),
                # Released on removal, like the repository it maps to.
                opts=pulumi.ResourceOptions(parent=component, retain_on_delete=True),
                **code_mapping_args(org.organization, mapping))


def _project_id(component: pulumi.Resource) -> pulumi.Output[str]:
    project_id = component.project_id if isinstance(component, SentryProjectComponent) else None
    if project_id is None:
        raise ValueError("code mappings need the projects this stack creates")
    return project_id
