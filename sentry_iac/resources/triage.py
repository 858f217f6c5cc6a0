"""Each project's ownership rules and inbound filters, owned by the owner stack.

They are registered once the organisation's teams, members and projects are: Sentry accepts an
owner only if the team has access to the project, or the member is in one of its teams, so the
ownership of a project waits for the project (and its team access) and for the members it names.
Each field carries where the YAML declares it, so a value Sentry refuses is reported at its
``file:line``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pulumi

from sentry_iac.config.loader import Spec
from sentry_iac.config.models import Project
from sentry_iac.providers.triage_resources import ProjectInboundFilters, ProjectOwnership
from sentry_iac.resources.organization import SentryOrganization
from sentry_iac.resources.payloads.triage import (
    FILTER_KEYS,
    OWNERSHIP_KEYS,
    filter_fields,
    ownership_fields,
)
from sentry_iac.resources.project import SentryProjectComponent


def _sources(spec: Spec, base: tuple[str | int, ...], fields: Mapping[str, Any],
             keys: Mapping[str, str]) -> dict[str, str]:
    return {field: spec.where((*base, keys[field])) for field in fields}


def _owner_resources(org: SentryOrganization, project: Project) -> list[pulumi.Resource]:
    rules = project.ownership.rules if project.ownership is not None else None
    emails = {owner.member.lower() for rule in rules or () for owner in rule.owners
              if owner.member is not None}
    return [org.members[email] for email in sorted(emails) if email in org.members]


def project_triage(spec: Spec, org: SentryOrganization,
                   components: Mapping[str, pulumi.Resource]) -> None:
    """Register the ownership and filters of every project that declares them (owner stack)."""
    for index, project in enumerate(spec.org.projects):
        component = components[project.slug]
        made = (component.project_resource if isinstance(component, SentryProjectComponent)
                else None)
        waits = [made] if made is not None else []
        identity: dict[str, pulumi.Input[str]] = {"organization": spec.org.organization,
                                                  "project": project.slug}
        base = ("projects", index)
        if project.ownership is not None and (fields := ownership_fields(project.ownership)):
            ProjectOwnership(
                project.slug, identity=identity, settings=fields,
                sources=_sources(spec, (*base, "ownership"), fields, OWNERSHIP_KEYS),
                opts=pulumi.ResourceOptions(parent=component, depends_on=[
                    *waits, *_owner_resources(org, project)]),
                renamed_from=project.previous_slugs)
        if project.inbound_filters is not None and (
                fields := filter_fields(project.inbound_filters)):
            ProjectInboundFilters(
                project.slug, identity=identity, settings=fields,
                sources=_sources(spec, (*base, "inbound_filters"), fields, FILTER_KEYS),
                opts=pulumi.ResourceOptions(parent=component, depends_on=waits),
                renamed_from=project.previous_slugs)
