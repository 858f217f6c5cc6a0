"""Organisation-wide resources: created by the owner stack, looked up by every other stack."""

from __future__ import annotations

import pulumi
import pulumiverse_sentry as sentry

from sentry_iac.config.models import Organization
from sentry_iac.resources.args import member_args, team_args
from sentry_iac.resources.lifecycle import renamed_aliases
from sentry_iac.resources.quotas import team_roles


class SentryOrganization(pulumi.ComponentResource):
    """Teams and members of the organisation.

    In the owner stack it creates them; in other stacks it only reads the teams by slug, so two
    stacks never manage the same Sentry object. Either way ``team_ids`` maps slug -> Sentry id.
    """

    team_slugs: dict[str, pulumi.Output[str]]
    team_ids: dict[str, pulumi.Output[str]]
    # email (lowercase) -> the member's resource, where this stack creates it.
    members: dict[str, pulumi.Resource]

    def __init__(
        self, org: Organization, *, owner: bool, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("sentry-iac:index:Organization", org.organization, None, opts)
        self.team_slugs, self.team_ids, self.members = {}, {}, {}
        if owner:
            for team in org.teams:
                args = team_args(org.organization, team)
                created = sentry.SentryTeam(team.slug, opts=pulumi.ResourceOptions(
                    parent=self, retain_on_delete=not team.delete_when_removed,
                    aliases=renamed_aliases(team.slug, team.slug, team.previous_slugs)), **args)
                self.team_slugs[team.slug] = created.slug
                self.team_ids[team.slug] = created.internal_id
            members: dict[str, pulumi.CustomResource] = {}
            for member in org.members:
                args = member_args(org.organization, member)
                # Depend on the teams so a member is never invited to a team not yet created.
                args["teams"] = [self.team_slugs[slug] for slug in args["teams"]]
                joined = sentry.SentryOrganizationMember(
                    member.email, opts=pulumi.ResourceOptions(
                        parent=self, retain_on_delete=not member.delete_when_removed), **args)
                members[member.email] = joined
                self.members[member.email.lower()] = joined
            team_roles(org, members, self)
        else:
            for team in org.teams:
                # The parent's provider answers the lookup.
                found = sentry.get_sentry_team_output(
                    organization=org.organization, slug=team.slug,
                    opts=pulumi.InvokeOptions(parent=self))
                self.team_slugs[team.slug] = pulumi.Output.from_input(team.slug)
                self.team_ids[team.slug] = found.internal_id
        self.register_outputs({"team_ids": self.team_ids})
