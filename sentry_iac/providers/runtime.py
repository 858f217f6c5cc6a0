"""What every sentry-iac dynamic provider shares: how it gets its token and builds a client.

The token reaches a provider only through ``configure`` (the stack's secret ``sentry:token``,
else ``SENTRY_AUTH_TOKEN`` / ``SENTRY_TOKEN``) and is dropped whenever the provider is pickled,
so it never lands in Pulumi state.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
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


@dataclass
class _Shared:
    """What a provider keeps between calls. Pulumi's provider host builds one provider per
    distinct pickled provider and calls it for every resource sharing it, so this lasts a
    deployment: one client (one connection pool; building one loads the CA bundle, ~30 ms,
    which was most of a refresh's time) and the deploy-time lookups' cache."""

    key: tuple[str, str, Callable[[str, str], SentryClient]]
    client: SentryClient
    lookups: dict[str, list[Any]] = field(default_factory=dict)


# Guards creating a provider's shared state: the provider host calls providers from a pool of
# threads. The client itself is safe to share (httpx's is, and SentryClient keeps no state).
_SHARED_LOCK = threading.Lock()


class SentryApiProvider(dyn.ResourceProvider):
    """A dynamic provider that talks to Sentry; subclasses implement the CRUD contract."""

    serialize_as_secret_always = False  # nothing secret is captured; see __getstate__

    def __init__(self) -> None:
        super().__init__()
        self._runtime: _Runtime | None = None
        # Tests swap this for a client with a fake clock; production uses the defaults.
        self.client_factory: Callable[[str, str], SentryClient] = default_client

    def __getstate__(self) -> dict[str, Any]:
        # Never pickle the token: Pulumi stores the pickled provider in state. The shared
        # client and lookups are left out too, so the pickled text stays what it always was.
        state = dict(self.__dict__)
        state["_runtime"] = None
        state["client_factory"] = default_client
        state.pop("_session", None)
        return state

    def configure(self, req: dyn.ConfigureRequest) -> None:
        token = req.config.get("sentry:token")
        base_url = req.config.get("sentry:baseUrl")
        self._runtime = _Runtime(token=token or _env_token(),
                                 base_url=base_url or _env_base_url())

    def _shared(self) -> _Shared:
        runtime = self._runtime or _Runtime(_env_token(), _env_base_url())
        if not runtime.token:
            raise RuntimeError("no Sentry auth token: run `pulumi config set --secret "
                               "sentry:token <token>` or set SENTRY_AUTH_TOKEN")
        key = (runtime.token, runtime.base_url, self.client_factory)
        with _SHARED_LOCK:
            shared: _Shared | None = self.__dict__.get("_session")
            if shared is None or shared.key != key:
                if shared is not None:
                    shared.client.close()
                shared = _Shared(key, self.client_factory(runtime.token, runtime.base_url))
                self.__dict__["_session"] = shared
        return shared

    def client(self) -> contextlib.AbstractContextManager[SentryClient]:
        """The provider's client, as ``with self.client() as client:``; it stays open for the
        provider's next call."""
        return contextlib.nullcontext(self._shared().client)

    def lookups(self) -> dict[str, list[Any]]:
        """The cache of deploy-time lookups (integrations, teams...) this provider shares
        between its calls (see providers.resolve)."""
        return self._shared().lookups
