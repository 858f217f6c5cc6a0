"""Team roles, spike protection and spike notifications: the owner stack's dynamic resources
for what pulumiverse_sentry 0.0.9 cannot set (``providers.quota_resources``)."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

from sentry_iac.config.loader import Spec
from sentry_iac.config.models import Organization, Project
from sentry_iac.providers.quota_resources import SpikeNotification, SpikeProtection, TeamRole
from sentry_iac.resources.payloads.access import declared_team_roles, team_role_inputs
from sentry_iac.resources.payloads.quotas import spike_destinations, spike_projects


def team_roles(org: Organization, members: Mapping[str, pulumi.CustomResource],
               parent: pulumi.Resource) -> None:
    """A ``TeamRole`` per team role the YAML writes out, after its member (whose id it takes)
    and in the member's own update order: the member resource goes first."""
    for declared in declared_team_roles(org.members):
        member = members[declared.member.email]
        member_id = member.internal_id  # type: ignore[attr-defined]
        TeamRole(declared.name, inputs=team_role_inputs(org.organization, declared),
                 member_id=member_id,
                 opts=pulumi.ResourceOptions(parent=parent, depends_on=[member]))


def spike_protection(spec: Spec, index: int, project: Project,
                     opts: pulumi.ResourceOptions) -> None:
    """The project's spike protection, where the YAML declares it (owner stack)."""
    if project.spike_protection is None:
        return
    SpikeProtection(project.slug, organization=spec.org.organization, project=project.slug,
                    enabled=project.spike_protection,
                    source=spec.where(("projects", index, "spike_protection")), opts=opts,
                    renamed_from=project.previous_slugs)


def spike_notifications(spec: Spec, parent: pulumi.Resource,
                        projects: Mapping[str, pulumi.Resource]) -> None:
    """One ``SpikeNotification`` per destination of ``spike_notifications`` (owner stack),
    after the projects it names exist."""
    covered = spike_projects(spec.org)
    after = [projects[slug] for slug in covered if slug in projects]
    for destination in spike_destinations(spec.org):
        SpikeNotification(destination["via"], organization=spec.org.organization,
                          destination=destination, projects=covered,
                          opts=pulumi.ResourceOptions(parent=parent, depends_on=after))
