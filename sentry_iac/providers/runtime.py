"""What every sentry-iac dynamic provider shares: how it gets its token and builds a client.

The token reaches a provider only through ``configure`` (the stack's secret ``sentry:token``,
else ``SENTRY_AUTH_TOKEN`` / ``SENTRY_TOKEN``) and is dropped whenever the provider is pickled,
so it never lands in Pulumi state.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pulumi.dynamic as dyn

from sentry_iac.providers.client import SentryClient

TOKEN_ENV_VARS = ("SENTRY_AUTH_TOKEN", "SENTRY_TOKEN")
DEFAULT_BASE_URL = "https://sentry.io/"


@dataclass
class _Runtime:
    token: str | None
    base_url: str


def _env_token() -> str | None:
    for name in TOKEN_ENV_VARS:
        if os.environ.get(name):
            return os.environ[name]
    return None


def _env_base_url() -> str:
    return os.environ.get("SENTRY_BASE_URL") or DEFAULT_BASE_URL


def default_client(token: str, base_url: str) -> SentryClient:
    return SentryClient(token, base_url)


class SentryApiProvider(dyn.ResourceProvider):
    """A dynamic provider that talks to Sentry; subclasses implement the CRUD contract."""

    serialize_as_secret_always = False  # nothing secret is captured; see __getstate__

    def __init__(self) -> None:
        super().__init__()
        self._runtime: _Runtime | None = None
        # Tests swap this for a client with a fake clock; production uses the defaults.
        self.client_factory: Callable[[str, str], SentryClient] = default_client

    def __getstate__(self) -> dict[str, Any]:
        # Never pickle the token: Pulumi stores the pickled provider in state.
        state = dict(self.__dict__)
        state["_runtime"] = None
        state["client_factory"] = default_client
        return state

    def configure(self, req: dyn.ConfigureRequest) -> None:
        token = req.config.get("sentry:token")
        base_url = req.config.get("sentry:baseUrl")
        self._runtime = _Runtime(token=token or _env_token(),
                                 base_url=base_url or _env_base_url())

    def client(self) -> SentryClient:
        runtime = self._runtime or _Runtime(_env_token(), _env_base_url())
        if not runtime.token:
            raise RuntimeError("no Sentry auth token: run `pulumi config set --secret "
                               "sentry:token <token>` or set SENTRY_AUTH_TOKEN")
        return self.client_factory(runtime.token, runtime.base_url)
