"""Pure functions from the spec to the inputs of ``pulumiverse_sentry`` resources.

Kept free of Pulumi so tests and ``render`` can read exactly what a resource will receive.
"""

from __future__ import annotations

from typing import Any

from sentry_iac.config.models import Member, Project, Team
from sentry_iac.resources.payloads.quotas import key_rate_limit


def team_args(organization: str, team: Team) -> dict[str, Any]:
    return {"organization": organization, "slug": team.slug, "name": team.display_name}


def member_args(organization: str, member: Member) -> dict[str, Any]:
    return {
        "organization": organization,
        "email": member.email,
        "role": member.role,
        "teams": [m.team for m in member.teams],
    }


def project_args(organization: str, project: Project) -> dict[str, Any]:
    args: dict[str, Any] = {
        "organization": organization,
        "slug": project.slug,
        "name": project.display_name,
        "teams": list(project.teams),
    }
    # platform and resolve_age go through ProjectDetails (providers.kinds.PROJECT_DETAILS).
    if project.digests is not None:
        args["digests_min_delay"] = project.digests.min_delay
        args["digests_max_delay"] = project.digests.max_delay
    return args


def key_args(organization: str, project: Project, stack: str) -> dict[str, Any]:
    """The client key (DSN) a stack's deployment of ``project`` uses, named after its
    environment so Sentry's key list reads 'production', 'staging', 'test', with the rate
    limit the YAML gives this stack's key (none declared: not managed)."""
    return {
        "organization": organization,
        "project": project.slug,
        "name": project.environment_for(stack),
        **key_rate_limit(project, stack),
    }


def api_base_url(base_url: str | None) -> str | None:
    """Sentry's provider wants the API root, ``https://host/api/``; people write the host."""
    if base_url is None:
        return None
    url = base_url.rstrip("/")
    for suffix in ("/api/0", "/api"):
        if url.endswith(suffix):
            url = url[: -len(suffix)]
    return f"{url}/api/"
