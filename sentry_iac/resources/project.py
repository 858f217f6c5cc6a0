"""One Sentry project as a component: the project itself (owner stack) and this stack's key."""

from __future__ import annotations

import pulumi
import pulumiverse_sentry as sentry

from sentry_iac.config.loader import Spec
from sentry_iac.providers.resources import ProjectDefaults
from sentry_iac.resources.args import key_args, project_args
from sentry_iac.resources.lifecycle import component_options
from sentry_iac.resources.quotas import spike_protection
from sentry_iac.resources.settings import project_settings

# Key outputs that carry the DSN or its parts.
KEY_SECRET_OUTPUTS = ["dsn_public", "dsn_secret", "dsn_csp", "public", "secret"]


class SentryProjectComponent(pulumi.ComponentResource):
    """A service's Sentry project and the client key its deployment in this stack uses.

    The owner stack creates the project; every stack creates its own key, named after its
    environment, whose DSN is secret. Neither is ever deleted from Sentry unless the YAML opts
    in (deleting a project destroys every event it holds; deleting a key breaks every deployment
    that uses its DSN).
    """

    # The attributes are declared in __init__, not on the class: the SDK reads a resource
    # class's annotations again for every resource it registers (pulumi._types.resource_types),
    # a fifth of a millisecond for each of hundreds of projects.

    def __init__(
        self,
        spec: Spec,
        index: int,
        *,
        stack: str,
        team_slugs: dict[str, pulumi.Output[str]],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        project = spec.org.projects[index]
        organization = spec.org.organization
        super().__init__("sentry-iac:index:Project", project.slug, None,
                         component_options(project.slug, project.previous_slugs, opts))
        # Sentry's id of the project, for code mappings; None where another stack owns it.
        self.project_id: pulumi.Output[str] | None = None
        # The project resource where this stack creates it: what its children wait for.
        self.project_resource: pulumi.Resource | None = None
        self.dsn: pulumi.Output[str]
        # Removing the project from the YAML releases it (and its keys) unless the reviewed
        # opt-in says to delete it; see resources.lifecycle.
        retain = not project.delete_when_removed
        project_slug: pulumi.Input[str] = project.slug
        if spec.is_owner(stack):
            args = project_args(organization, project)
            args["teams"] = [team_slugs[slug] for slug in args["teams"]]
            created = sentry.SentryProject(
                project.slug, opts=pulumi.ResourceOptions(parent=self, retain_on_delete=retain),
                **args)
            project_slug = created.slug
            self.project_id = created.internal_id
            self.project_resource = created
            after_project = pulumi.ResourceOptions(parent=self, depends_on=[created])
            # Sentry's "Default" key and default alert, off a project that has no events yet.
            # The slug itself, not the resource's output: an output is unknown in a preview
            # whenever the project is (re)registered, and an unknown identity looks like
            # another project to a provider's diff (a replacement). depends_on orders them.
            ProjectDefaults(project.slug, organization=organization, project=project.slug,
                            opts=after_project, renamed_from=project.previous_slugs)
            project_settings(spec, index, project, project.slug, after_project)
            spike_protection(spec, index, project, after_project)
        key = key_args(organization, project, stack)
        key["project"] = project_slug
        client_key = sentry.SentryKey(
            project.slug,
            opts=pulumi.ResourceOptions(parent=self, additional_secret_outputs=KEY_SECRET_OUTPUTS,
                                        retain_on_delete=retain),
            **key,
        )
        self.dsn = pulumi.Output.secret(client_key.dsn_public)
        self.register_outputs({"dsn": self.dsn})
