"""Where sentry-iac finds Sentry's token and URL outside the stack config, in one place and
without importing Pulumi (the import command and ``--help`` use it too).

A token comes from the stack's secret ``sentry:token``, else ``SENTRY_AUTH_TOKEN`` or
``SENTRY_TOKEN``; ``SENTRY_IAC_READ_ONLY_TOKEN`` (a pull request's preview) overrides them all.
"""

from __future__ import annotations

import os

TOKEN_ENV_VARS = ("SENTRY_AUTH_TOKEN", "SENTRY_TOKEN")
# A read-only token (a pull request's preview): used instead of any other, and no writes.
READ_ONLY_TOKEN_ENV = "SENTRY_IAC_READ_ONLY_TOKEN"
BASE_URL_ENV = "SENTRY_BASE_URL"
DEFAULT_BASE_URL = "https://sentry.io/"


def env_token() -> str | None:
    """The first of ``TOKEN_ENV_VARS`` that is set."""
    return next((os.environ[name] for name in TOKEN_ENV_VARS if os.environ.get(name)), None)


def read_only_token() -> str | None:
    """``SENTRY_IAC_READ_ONLY_TOKEN``, when set: nothing in the stack config overrides it."""
    return os.environ.get(READ_ONLY_TOKEN_ENV) or None


def env_base_url() -> str:
    return os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
