"""A pull request's preview runs with ``SENTRY_IAC_READ_ONLY_TOKEN``: the read-only token is the
only one that reaches Sentry, whatever ``sentry:token`` the stack config holds (its passphrase
is in the preview's hands), and every dynamic provider refuses to write.

The example stacks are deployed with the deploy token; then the fake Sentry accepts only the
read-only token, and the stack config still carries the deploy token as ``sentry:token``. A
refresh through Pulumi's provider host, started with the read-only token in its environment as
Pulumi's processes inherit it from ``sentry-iac preview --read-only``, must read everything
with the read-only token; a create, update or delete must be refused without a request."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from sentry_iac.providers.credentials import READ_ONLY_TOKEN_ENV
from tests.engine.engine import Deployment, Resource, StackEngine
from tests.engine.host import HostError, ProviderHost, from_struct, secret
from tests.engine.lifecycle import STACKS, deployed_stacks
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN

READ_ONLY = "sntrys_read-only-preview-token-5e2d"
DEPLOY = FAKE_TOKEN  # what the stack config's sentry:token holds


class ReadOnlyEngine(StackEngine):
    """The engine of a read-only run: the provider host has ``SENTRY_IAC_READ_ONLY_TOKEN`` in
    its environment and is configured with the whole stack config, deploy token included. The
    program's registrations of the bridged provider are kept, to see its token."""

    def __init__(self, engine: StackEngine) -> None:
        super().__init__(engine.program_dir, engine.stack, engine.fake, token=DEPLOY)
        self.state = copy.deepcopy(engine.state)
        self.providers: list[dict[str, Any]] = []

    def start_host(self) -> ProviderHost:
        return ProviderHost(self.program_dir, project=self.project,
                            env={READ_ONLY_TOKEN_ENV: READ_ONLY}).start()

    def register(self, host: ProviderHost, deployment: Deployment, preview: bool,
                 request: Any, urn: str, aliases: list[str]) -> tuple[str, dict[str, Any]]:
        if request.type == "pulumi:providers:sentry":
            self.providers.append(from_struct(request.object))
        return super().register(host, deployment, preview, request, urn, aliases)


@pytest.fixture(scope="module")
def deployed() -> Iterator[tuple[FakeSentry, dict[str, StackEngine]]]:
    with deployed_stacks(DEPLOY) as (fake, engines):
        fake.token = READ_ONLY  # from now on Sentry answers the read-only token only
        try:
            yield fake, engines
        finally:
            fake.token = DEPLOY


def _tokens(deployment: Deployment) -> set[str]:
    return {e.headers.get("authorization", "") for e in deployment.exchanges}


@pytest.mark.parametrize("stack", STACKS)
def test_a_read_only_refresh_reads_with_the_read_only_token_only(
    stack: str, deployed: tuple[FakeSentry, dict[str, StackEngine]],
) -> None:
    _, engines = deployed
    engine = ReadOnlyEngine(engines[stack])
    assert engine.stack_config()["sentry:token"]["value"] == DEPLOY
    refresh = engine.refresh()
    assert refresh.ok, refresh.explain()
    assert refresh.ops("read"), "nothing was read"
    assert refresh.ops("refresh-delete") == []
    assert _tokens(refresh) == {f"Bearer {READ_ONLY}"}
    assert refresh.writes == []


@pytest.mark.parametrize("stack", STACKS)
def test_a_read_only_preview_gives_the_bridged_provider_the_read_only_token(
    stack: str, deployed: tuple[FakeSentry, dict[str, StackEngine]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The program runs in this process, as the language host runs it: the stack config gives
    # it sentry:token (the deploy token), the environment the read-only one.
    monkeypatch.setenv(READ_ONLY_TOKEN_ENV, READ_ONLY)
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", "sntrys_deploy-token-in-the-environment")
    _, engines = deployed
    engine = ReadOnlyEngine(engines[stack])
    preview = engine.preview()
    assert preview.ok, preview.explain()
    assert [p["token"] for p in engine.providers] == [secret(READ_ONLY)]
    assert preview.writes == []


def _dynamic(engine: StackEngine, kind: str) -> Resource:
    return next(r for r in engine.state.values() if r.dynamic and r.kind == kind)


@pytest.mark.parametrize("kind", ["Alert", "ProjectDefaults", "CronMonitor"])
def test_every_write_is_refused_before_it_reaches_sentry(
    kind: str, deployed: tuple[FakeSentry, dict[str, StackEngine]],
) -> None:
    fake, engines = deployed
    engine = ReadOnlyEngine(engines[STACKS[0]])
    resource = _dynamic(engine, kind)
    fake.clear_exchanges()
    with engine._host(Deployment("writes")) as host:
        with pytest.raises(HostError, match=f"refusing to create {kind}: "):
            host.create(resource.urn, resource.inputs)
        with pytest.raises(HostError, match=f"refusing to update {kind} {resource.id}: "):
            host.update(resource.id, resource.urn, resource.outputs,
                        {**resource.inputs, "name": "changed by a pull request"},
                        resource.inputs)
        with pytest.raises(HostError, match=f"refusing to delete {kind} {resource.id}: "):
            host.delete(resource.id, resource.urn, resource.outputs, resource.inputs)
        with pytest.raises(HostError) as refused:
            host.create(resource.urn, resource.inputs)
    assert f"{READ_ONLY_TOKEN_ENV} is set" in refused.value.summary
    assert fake.exchanges == []


def test_an_up_with_the_read_only_token_set_stops_before_any_request(
    deployed: tuple[FakeSentry, dict[str, StackEngine]], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A bare `pulumi up` where the variable is set: the program's token check refuses it, so
    not even the scope check sends the stack config's deploy token."""
    monkeypatch.setenv(READ_ONLY_TOKEN_ENV, READ_ONLY)
    _, engines = deployed
    engine = ReadOnlyEngine(engines["production"])
    up = engine.up()
    assert not up.ok
    assert any(f"{READ_ONLY_TOKEN_ENV} is set, so this run may only read" in e
               for e in up.errors), up.errors
    assert up.exchanges == []
