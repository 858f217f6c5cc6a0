"""The Pulumi program: load and check the whole spec first, then register this stack's resources.

Nothing is registered unless the spec is valid, so a broken config can never half-apply.
``run`` is what ``__main__.py`` calls under the Pulumi CLI; ``build`` registers one stack from a
spec already loaded, which is how the offline engine runs the program (``offline.engine``).
"""

from __future__ import annotations

from pathlib import Path

import pulumi

from sentry_iac.config.errors import SpecErrors
from sentry_iac.config.loader import Spec, load_spec
from sentry_iac.config.stack_config import StackConfig
from sentry_iac.providers.credentials import (
    READ_ONLY_TOKEN_ENV,
    env_base_url,
    env_token,
    read_only_token,
)
from sentry_iac.resources.alerts import build_alerts
from sentry_iac.resources.code import link_code
from sentry_iac.resources.crons import build_crons
from sentry_iac.resources.dashboards import build_dashboards
from sentry_iac.resources.organization import SentryOrganization
from sentry_iac.resources.project import SentryProjectComponent
from sentry_iac.resources.provider import sentry_provider
from sentry_iac.resources.quotas import spike_notifications
from sentry_iac.resources.security import security_settings
from sentry_iac.resources.settings import organization_settings
from sentry_iac.resources.triage import project_triage
from sentry_iac.resources.uptime import build_uptime


class InvalidConfigError(pulumi.RunError):
    """Raised before any resource is registered; its message lists every problem."""


def load_or_fail(root: Path) -> Spec:
    """The spec in ``root``, or ``InvalidConfigError`` listing every problem."""
    try:
        return load_spec(root)
    except SpecErrors as exc:
        raise InvalidConfigError(
            f"the configuration has {len(exc.errors)} problem(s):\n{exc}"
        ) from None


def stack_config(spec: Spec, stack: str) -> StackConfig:
    """``stack``'s config, or ``InvalidConfigError`` when the spec has no such stack."""
    try:
        return spec.stack(stack)
    except SpecErrors as exc:
        raise InvalidConfigError(str(exc)) from None


def build(spec: Spec, stack: str, *, offline: bool) -> None:
    """Register the resources ``stack`` owns and export its outputs. ``offline``: nothing
    reaches Sentry (the offline engine's mocks answer), so no token is needed."""
    config = stack_config(spec, stack)
    owner = spec.is_owner(stack)
    provider = sentry_provider(config, offline=offline)
    opts = pulumi.ResourceOptions(providers=[provider])
    org = SentryOrganization(spec.org, owner=owner, opts=opts)
    if owner:
        organization_settings(spec, pulumi.ResourceOptions(parent=org))
        security_settings(spec, pulumi.ResourceOptions(parent=org))
    dsns: dict[str, pulumi.Output[str]] = {}
    environments: dict[str, str] = {}
    components: dict[str, pulumi.Resource] = {}
    created: dict[str, pulumi.Resource] = {}  # the projects this stack makes
    for index, project in enumerate(spec.org.projects):
        component = SentryProjectComponent(spec, index, stack=stack, team_slugs=org.team_slugs,
                                           opts=opts)
        components[project.slug] = component
        if component.project_resource is not None:
            created[project.slug] = component.project_resource
        dsns[project.slug] = component.dsn
        environments[project.slug] = project.environment_for(stack)
    if owner:
        link_code(spec.org, org, components)
        project_triage(spec, org, components)
        spike_notifications(spec, org, created)
    build_alerts(spec, stack, components, org.team_ids, opts)
    build_crons(spec, stack, components, org.team_ids)
    build_uptime(spec, stack, components, org.team_ids)
    build_dashboards(spec, stack, components)
    pulumi.export("organization", spec.org.organization)
    pulumi.export("owner", owner)
    pulumi.export("environments", environments)
    pulumi.export("team_ids", org.team_ids)
    pulumi.export("dsn", pulumi.Output.secret(dsns))
    retention = spec.org.retention
    if owner and retention is not None:
        # Declared and checked, not set: Sentry offers no API for it (see README).
        pulumi.export("retention", {**retention.model_dump(), "enforced_by": retention.enforced_by})


class TokenError(pulumi.RunError):
    """The token cannot deploy the stack; raised before any resource is registered."""


def check_deploy_token(spec: Spec, stack: str) -> None:
    """Before an `up` writes anything: does the token have every scope the stack needs?
    (A preview makes no request to Sentry, so it is not asked then.)"""
    if read_only_token() is not None:
        # A pull request's preview job: it must never reach a write, nor send the deploy
        # token from the stack config, which that job can decrypt.
        raise TokenError(f"{READ_ONLY_TOKEN_ENV} is set, so this run may only read; unset it "
                         "(and give the deploy token) to deploy")
    # The HTTP client only here: a preview, and validate's declarations, never load it.
    from sentry_iac.providers.client import SentryClient
    from sentry_iac.providers.errors import SentryApiError
    from sentry_iac.providers.token_scopes import TokenScopeError, check_token

    token = pulumi.runtime.get_config("sentry:token") or env_token()
    if not token:
        return  # the provider reports the missing token with what to do
    base_url = (pulumi.runtime.get_config("sentry:baseUrl") or spec.stack(stack).base_url
                or env_base_url())
    with SentryClient(token, base_url) as client:
        try:
            check_token(client, stack, owner=spec.is_owner(stack))
        except TokenScopeError as exc:
            raise TokenError(str(exc)) from None
        except SentryApiError as exc:
            raise TokenError(f"the Sentry token could not be checked: {exc}") from None


def run(root: Path) -> None:
    """Entry point of ``__main__.py`` under the Pulumi CLI: the spec in ``root``, for the stack
    the CLI runs."""
    spec = load_or_fail(root)
    stack = pulumi.get_stack()
    stack_config(spec, stack)  # an unknown stack is reported before the token is checked
    if not pulumi.runtime.is_dry_run():
        check_deploy_token(spec, stack)
    build(spec, stack, offline=False)
