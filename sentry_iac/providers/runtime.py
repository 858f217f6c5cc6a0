"""What every sentry-iac dynamic provider shares: the engine's calls, how it gets its token,
and how it builds a client.

Pulumi's provider host calls ``check``, ``diff``, ``create``, ``read``, ``update`` and
``delete`` with values as the wire carries them. ``SentryApiProvider`` answers those calls
itself: it refuses in ``check`` what no Sentry field accepts, hands every other call the values
in Sentry's types (``wire.WireTypes``), and turns a ``read`` of an object Sentry no longer has
into the empty id that makes the engine drop it (raising would make ``pulumi refresh`` fail).
Subclasses implement the ``*_inputs`` / ``*_object`` hooks.

The token reaches a provider only through ``configure`` (the stack's secret ``sentry:token``,
else ``SENTRY_AUTH_TOKEN`` / ``SENTRY_TOKEN``) and is dropped whenever the provider is pickled,
so it never lands in Pulumi state. When ``SENTRY_IAC_READ_ONLY_TOKEN`` is set (a pull
request's preview), that token is the only one used, whatever the stack config says, and
``create``, ``update`` and ``delete`` refuse before calling Sentry.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pulumi.dynamic as dyn

from sentry_iac.providers.credentials import (
    READ_ONLY_TOKEN_ENV,
    env_base_url,
    env_token,
    read_only_token,
)
from sentry_iac.providers.errors import SentryNotFoundError
from sentry_iac.providers.resolve import Lookups
from sentry_iac.providers.shared_reads import SharedReads
from sentry_iac.providers.wire import WireTypes

if TYPE_CHECKING:  # the HTTP client is loaded where a provider runs, not where it is declared
    from sentry_iac.providers.client import SentryClient

# Input of a resource of a renamed project: the slugs it had (spec: previous_slugs).
PREVIOUS_PROJECTS = "previous_projects"


@dataclass
class _Runtime:
    token: str | None
    base_url: str
    read_only: bool = False


class ReadOnlyError(RuntimeError):
    """A write asked of a provider running with the read-only token."""


def _env_runtime(config_token: str | None, config_base_url: str | None) -> _Runtime:
    read_only = read_only_token()
    base_url = config_base_url or env_base_url()
    if read_only is not None:
        return _Runtime(token=read_only, base_url=base_url, read_only=True)
    return _Runtime(token=config_token or env_token(), base_url=base_url)


def default_client(token: str, base_url: str) -> SentryClient:
    # Loaded here, where a provider runs: declaring resources never needs httpx.
    from sentry_iac.providers.client import SentryClient

    return SentryClient(token, base_url)


@dataclass
class _Shared:
    """What the providers of one process share between their calls. Pulumi's provider host
    builds one provider per distinct pickled provider (one per kind) and calls it for every
    resource sharing it, all in one process that lasts a deployment: one client (one
    connection pool; building one loads the CA bundle, ~30 ms, which was most of a refresh's
    time), the deploy-time lookups' cache and the answers Reads share, for every kind alike
    (the project lists, integrations and teams one kind looked up serve the others)."""

    client: SentryClient
    lookups: Lookups = field(default_factory=Lookups)
    reads: SharedReads = field(default_factory=SharedReads)


# One _Shared per (token, API root, client factory) in this process, created under the lock:
# the provider host calls providers from a pool of threads. The client itself is safe to
# share (httpx's is, and SentryClient keeps no state).
_SHARED: dict[tuple[str, str, Callable[[str, str], SentryClient]], _Shared] = {}
_SHARED_LOCK = threading.Lock()


def forget_shared() -> None:
    """Drop what this process's providers share (a test's fake Sentry is gone with it)."""
    with _SHARED_LOCK:
        _SHARED.clear()


class SentryApiProvider(dyn.ResourceProvider):
    """A dynamic provider that talks to Sentry; subclasses implement the hooks below."""

    serialize_as_secret_always = False  # nothing secret is captured; see __getstate__
    # The input keys that name the Sentry object: a change to one replaces it.
    identity: tuple[str, ...] = ()

    def __init__(self) -> None:
        super().__init__()
        self._runtime: _Runtime | None = None
        # Tests swap this for a client with a fake clock; production uses the defaults.
        self.client_factory: Callable[[str, str], SentryClient] = default_client

    def __getstate__(self) -> dict[str, Any]:
        # Never pickle the token: Pulumi stores the pickled provider in state. (The shared
        # client and caches live outside the provider, in _SHARED.)
        state = dict(self.__dict__)
        state["_runtime"] = None
        state["client_factory"] = default_client
        return state

    def configure(self, req: dyn.ConfigureRequest) -> None:
        self._runtime = _env_runtime(req.config.get("sentry:token"),
                                     req.config.get("sentry:baseUrl"))

    def _runtime_now(self) -> _Runtime:
        return self._runtime or _env_runtime(None, None)

    def _refuse_writes(self, verb: str, id_: str = "") -> None:
        if self._runtime_now().read_only:
            what = " ".join(filter(None, (type(self).__name__.removesuffix("Provider"), id_)))
            raise ReadOnlyError(
                f"refusing to {verb} {what}: {READ_ONLY_TOKEN_ENV} is set, so this run only "
                "reads Sentry (a pull request's preview); unset it and deploy with the deploy "
                "token")

    def _shared(self) -> _Shared:
        runtime = self._runtime_now()
        if not runtime.token:
            raise RuntimeError("no Sentry auth token: run `pulumi config set --secret "
                               "sentry:token <token>` or set SENTRY_AUTH_TOKEN")
        key = (runtime.token, runtime.base_url, self.client_factory)
        with _SHARED_LOCK:
            shared = _SHARED.get(key)
            if shared is None:
                shared = _SHARED[key] = _Shared(self.client_factory(runtime.token,
                                                                    runtime.base_url))
        return shared

    def client(self) -> contextlib.AbstractContextManager[SentryClient]:
        """The provider's client, as ``with self.client() as client:``; it stays open for the
        provider's next call."""
        return contextlib.nullcontext(self._shared().client)

    def _operation(self) -> contextlib.AbstractContextManager[None]:
        """One deadline for everything one engine call sends (the client's
        ``operation_timeout``): a trickled answer or endless pages cannot hang the deploy."""
        if not self._runtime_now().token:
            return contextlib.nullcontext()  # the hook says what is missing if it needs one
        return self._shared().client.operation()

    # -- the engine's calls ---------------------------------------------------------------------

    def wire_types(self) -> WireTypes:
        """The types Sentry gives this kind's numbers; see ``wire``."""
        return WireTypes()

    def sentry_values(self, props: dict[str, Any]) -> dict[str, Any]:
        return self.wire_types().to_sentry(props)

    def check(self, olds: dict[str, Any], news: dict[str, Any]) -> dyn.CheckResult:
        # The checked inputs go back to the engine as they came: the wire would turn any
        # conversion made here back into doubles anyway.
        problems = self.wire_types().problems(news)
        if problems:
            return dyn.CheckResult(news, [dyn.CheckFailure(p.top, p.message) for p in problems])
        failures = [dyn.CheckFailure(key, f"missing '{key}'") for key in self.identity
                    if not news.get(key)]
        failures += self.check_inputs(self.sentry_values(news))
        return dyn.CheckResult(news, failures)

    def diff(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.DiffResult:
        return self.diff_inputs(id_, self.sentry_values(olds), self.sentry_values(news))

    def create(self, props: dict[str, Any]) -> dyn.CreateResult:
        self._refuse_writes("create")
        with self._operation():
            return self.create_object(self.sentry_values(props))

    def read(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        try:
            with self._operation():
                return self.read_object(id_, self.sentry_values(props))
        except SentryNotFoundError:
            # Deleted in Sentry (or its project was): an empty id tells the engine to drop it
            # from the state, and the next `up` creates it again.
            return dyn.ReadResult("", {})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dyn.UpdateResult:
        self._refuse_writes("update", id_)
        with self._operation():
            return self.update_object(id_, self.sentry_values(olds), self.sentry_values(news))

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        self._refuse_writes("delete", id_)
        with self._operation():
            self.delete_object(id_, self.sentry_values(props))

    def replacements(self, olds: dict[str, Any], news: dict[str, Any],
                     keys: tuple[str, ...] | None = None) -> list[str]:
        """The identity keys whose change means another Sentry object. A project renamed with
        ``previous_slugs`` is the same project: its resources update, never replace."""
        renamed_from = news.get(PREVIOUS_PROJECTS) or []
        return [k for k in (self.identity if keys is None else keys)
                if olds.get(k) != news.get(k)
                and not (k == "project" and olds.get(k) in renamed_from)]

    # -- hooks, with values in Sentry's types --------------------------------------------------

    def check_inputs(self, news: dict[str, Any]) -> list[dyn.CheckFailure]:
        return []

    def diff_inputs(self, id_: str, olds: dict[str, Any], news: dict[str, Any]
                    ) -> dyn.DiffResult:
        raise NotImplementedError

    def create_object(self, props: dict[str, Any]) -> dyn.CreateResult:
        raise NotImplementedError

    def read_object(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        raise NotImplementedError

    def update_object(self, id_: str, olds: dict[str, Any], news: dict[str, Any]
                      ) -> dyn.UpdateResult:
        raise NotImplementedError

    def delete_object(self, id_: str, props: dict[str, Any]) -> None:
        raise NotImplementedError

    # -- what the hooks share ------------------------------------------------------------------

    def lookups(self) -> Lookups:
        """The cache of deploy-time lookups (integrations, teams...) the providers of this
        process share between their calls (see providers.resolve)."""
        return self._shared().lookups

    def reads(self) -> SharedReads:
        """The answers the Reads of this process share (see providers.shared_reads)."""
        return self._shared().reads
