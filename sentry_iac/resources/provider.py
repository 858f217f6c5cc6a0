"""The one explicit Sentry provider of a stack, configured from secret config or environment."""

from __future__ import annotations

import pulumi
import pulumiverse_sentry as sentry

from sentry_iac.config.stack_config import StackConfig
from sentry_iac.providers.credentials import (
    READ_ONLY_TOKEN_ENV,
    TOKEN_ENV_VARS,
    env_token,
    read_only_token,
)
from sentry_iac.resources.args import api_base_url


class MissingTokenError(pulumi.RunError):
    pass


def sentry_token(*, required: bool) -> pulumi.Output[str] | None:
    """The auth token, always as a secret Output: ``SENTRY_IAC_READ_ONLY_TOKEN`` when it is set
    (a pull request's preview: nothing in the stack config overrides it), else
    ``sentry:token`` (set with ``--secret``), else ``SENTRY_AUTH_TOKEN`` or ``SENTRY_TOKEN``."""
    read_only = read_only_token()
    if read_only is not None:
        return pulumi.Output.secret(read_only)
    configured = pulumi.Config("sentry").get_secret("token")
    if configured is not None:
        return configured
    from_environment = env_token()
    if from_environment is not None:
        return pulumi.Output.secret(from_environment)
    if required:
        raise MissingTokenError(
            "no Sentry auth token: run `pulumi config set --secret sentry:token <token>` "
            f"or set {' or '.join(TOKEN_ENV_VARS)} ({READ_ONLY_TOKEN_ENV} for a read-only "
            "preview)"
        )
    return None


def sentry_provider(stack: StackConfig, *, offline: bool) -> sentry.Provider:
    return sentry.Provider(
        "sentry",
        token=sentry_token(required=not offline),
        base_url=api_base_url(stack.base_url),
    )
