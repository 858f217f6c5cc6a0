"""A model of Pulumi's engine for one stack, with the real dynamic provider host behind it.

``StackEngine`` runs the stack's ``__main__.py`` in-process, the way the language host does, with
a resource monitor that turns each registration into the engine's steps
(``pkg/resource/deploy/step_generator.go``):

* every resource is ``Check``ed (olds = its old inputs; unknowns allowed in a preview);
* a resource without state is created; in a preview the Python dynamic provider declares no
  preview support, so the engine answers with the checked inputs and an unknown id and sends
  no ``Create`` (``provider_plugin.go`` ``Create``);
* a resource with state is ``Diff``ed (olds = old outputs, news = checked inputs, old inputs);
  no changes is a *same* step that keeps the old outputs (``SameStep.Apply``), changes are an
  ``Update`` (not sent in a preview), ``replaces`` a create of the new object then a delete of
  the old one (or the other way round with ``deleteBeforeReplace``);
* after the program, a resource in the state that was not registered (under its URN or any of
  its aliases) is deleted, or only dropped from the state with ``retainOnDelete``;
* ``refresh`` sends ``Read`` with the old outputs and inputs; an empty id drops the resource;
* ``destroy`` deletes in reverse registration order; nothing is deleted in a preview.

Dynamic resources (``pulumi-python:dynamic/...``) go to ``ProviderHost``: Pulumi's own
``python -m pulumi.dynamic`` process, driven over gRPC. pulumiverse_sentry's resources are
Terraform's business, so ``BridgedSentry`` stands in for them: it makes the team, project,
member or key in the fake Sentry and answers with ids from there.

Steps run as the engine runs them, many at a time: every registration arrives on its own
thread of the SDK's executor, sized like the engine's default ``--parallel`` here.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import runpy
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.proto import resource_pb2

from sentry_iac.pulumi_sdk import reset_options, run_pulumi_func, sync_await
from tests.engine.bridged import BridgedSentry
from tests.engine.host import (
    POOL,
    UNKNOWN,
    HostError,
    ProviderHost,
    from_struct,
    marshal,
    project_name,
    secret,
    to_struct,
)
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.recording import Exchange

DYNAMIC = "pulumi-python:dynamic/"
TOKEN_KEY = "sentry:token"
# The engine's default --parallel is GOMAXPROCS * 4 (pkg/cmd/pulumi/operations/up.go).
PARALLEL = (os.cpu_count() or 1) * 4


@dataclass
class Resource:
    """One resource in the stack's state (its checkpoint)."""

    urn: str
    type: str
    id: str
    custom: bool
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    parent: str = ""
    retain_on_delete: bool = False
    protect: bool = False

    @property
    def dynamic(self) -> bool:
        return self.type.startswith(DYNAMIC)

    @property
    def kind(self) -> str:
        return self.type.rsplit(":", 1)[-1]

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]


@dataclass(frozen=True)
class Step:
    """What the engine did (or, in a preview, would do) to one resource."""

    op: str  # create, same, update, replace, delete, release, read, refresh-delete, failed
    urn: str
    type: str
    detail: str = ""

    @property
    def kind(self) -> str:
        return self.type.rsplit(":", 1)[-1]

    @property
    def name(self) -> str:
        return self.urn.rsplit("::", 1)[-1]


@dataclass
class Deployment:
    """One engine operation: its steps, the errors it reported, and its traffic to Sentry."""

    operation: str
    steps: list[Step] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    seconds: float = 0.0
    host_stderr: list[str] = field(default_factory=list)
    most_at_once: int = 0  # the most steps under way at the same time

    @property
    def ok(self) -> bool:
        return not self.errors

    def ops(self, op: str, *, dynamic_only: bool = True) -> list[Step]:
        return [s for s in self.steps if s.op == op
                and (not dynamic_only or s.type.startswith(DYNAMIC))]

    def kinds(self, op: str) -> set[str]:
        return {s.kind for s in self.ops(op)}

    @property
    def writes(self) -> list[Exchange]:
        return [e for e in self.exchanges if e.method != "GET"]

    def explain(self) -> str:
        return "\n".join([*self.errors, *self.host_stderr[-40:]])


class EngineError(RuntimeError):
    """A step failed: the engine reports it and the deployment fails."""


class StackEngine:
    """The engine's view of one stack of one program folder, against a fake Sentry."""

    def __init__(self, program_dir: Path, stack: str, fake: FakeSentry, *, token: str,
                 config: dict[str, Any] | None = None,
                 bridged: BridgedSentry | None = None) -> None:
        self.program_dir = program_dir
        self.stack = stack
        self.project = project_name(program_dir)
        self.fake = fake
        self.token = token
        self.extra_config = dict(config or {})
        self.bridged = bridged or BridgedSentry(fake)
        self.state: dict[str, Resource] = {}
        self._lock = threading.Lock()

    # -- configuration -------------------------------------------------------------------------

    def stack_config(self) -> dict[str, Any]:
        """The whole stack config as Configure carries it: ``namespace:key``, secrets wrapped."""
        return {TOKEN_KEY: secret(self.token), "sentry:baseUrl": self.fake.url,
                **self.extra_config}

    def start_host(self) -> ProviderHost:
        """A provider host as Pulumi's launcher starts it (a prewarmed one when it can)."""
        return POOL.take(self.program_dir, self.project)

    @contextmanager
    def _host(self, deployment: Deployment) -> Iterator[ProviderHost]:
        host = self.start_host()
        try:
            host.configure(self.stack_config())
            yield host
        finally:
            host.stop()
            deployment.host_stderr = host.stderr_lines

    @contextmanager
    def _operation(self, name: str) -> Iterator[Deployment]:
        deployment = Deployment(name)
        self.fake.clear_exchanges()
        start = time.perf_counter()
        try:
            yield deployment
        finally:
            deployment.seconds = time.perf_counter() - start
            deployment.exchanges = self.fake.exchanges

    # -- operations ----------------------------------------------------------------------------

    def preview(self) -> Deployment:
        return self._run_program(preview=True)

    def up(self) -> Deployment:
        return self._run_program(preview=False)

    def refresh(self) -> Deployment:
        """``Read`` every dynamic resource, many at once as the engine does."""
        with self._operation("refresh") as deployment, self._host(deployment) as host:
            dynamic = [r for r in self.state.values() if r.dynamic]
            with concurrent.futures.ThreadPoolExecutor(PARALLEL) as pool:
                results = list(pool.map(lambda r: self._read(host, r), dynamic))
            for resource, result in zip(dynamic, results, strict=True):
                if isinstance(result, HostError):
                    deployment.errors.append(f"{resource.urn}: Read failed: {result.summary}")
                    continue
                id_, outputs, inputs = result
                if not id_:
                    del self.state[resource.urn]
                    deployment.steps.append(Step("refresh-delete", resource.urn, resource.type))
                    continue
                resource.id, resource.outputs = id_, outputs
                if inputs is not None:
                    resource.inputs = inputs
                deployment.steps.append(Step("read", resource.urn, resource.type))
        return deployment

    @staticmethod
    def _read(host: ProviderHost, resource: Resource
              ) -> tuple[str, dict[str, Any], dict[str, Any] | None] | HostError:
        try:
            return host.read(resource.id, resource.urn, resource.outputs, resource.inputs)
        except HostError as exc:
            return exc

    def destroy(self) -> Deployment:
        with self._operation("destroy") as deployment, self._host(deployment) as host:
            for urn in reversed(list(self.state)):
                self._delete(host, deployment, self.state[urn])
        return deployment

    # -- steps ---------------------------------------------------------------------------------

    def _delete(self, host: ProviderHost, deployment: Deployment, resource: Resource) -> None:
        if resource.protect:
            deployment.errors.append(f"{resource.urn}: protected; it cannot be deleted")
            return
        if resource.retain_on_delete:
            deployment.steps.append(Step("release", resource.urn, resource.type))
        elif resource.dynamic:
            try:
                host.delete(resource.id, resource.urn, resource.outputs, resource.inputs)
            except HostError as exc:
                deployment.errors.append(f"{resource.urn}: {exc}")
                return
            deployment.steps.append(Step("delete", resource.urn, resource.type))
        else:
            self.bridged.delete(resource)
            deployment.steps.append(Step("delete", resource.urn, resource.type))
        self.state.pop(resource.urn, None)

    def register(self, host: ProviderHost, deployment: Deployment, preview: bool,
                 request: Any, urn: str, aliases: list[str]) -> tuple[str, dict[str, Any]]:
        """The steps for one registration; returns the id and outputs the program sees."""
        inputs = from_struct(request.object)
        with self._lock:
            old_urn = next((u for u in [urn, *aliases] if u in self.state), None)
            old = self.state.get(old_urn) if old_urn else None
        resource = Resource(urn=urn, type=request.type, id="", custom=bool(request.custom),
                            inputs=inputs, outputs={}, parent=request.parent,
                            retain_on_delete=bool(request.retainOnDelete),
                            protect=bool(request.protect))
        if not request.custom:
            resource.outputs = inputs
            self._record(deployment, preview, resource, old_urn, "same" if old else "create")
            return "", {}
        if not resource.dynamic:
            return self._bridged(deployment, preview, resource, old, old_urn)
        checked = self._check(host, deployment, preview, resource, old)
        if old is None:
            if preview:
                deployment.steps.append(Step("create", urn, resource.type))
                return "", checked
            id_, outputs = host.create(urn, checked)
            resource.id, resource.inputs, resource.outputs = id_, checked, outputs
            self._record(deployment, preview, resource, None, "create")
            return id_, outputs
        diff = host.diff(old.id, urn, old.outputs, checked, old.inputs, preview=preview)
        changed = diff.changes == "some" or (
            diff.changes == "unknown" and marshal(old.inputs, keep_unknowns=True,
                                                  keep_secrets=False) != checked)
        if not changed:
            resource.id, resource.inputs, resource.outputs = old.id, checked, old.outputs
            self._record(deployment, preview, resource, old_urn, "same")
            return old.id, old.outputs
        if diff.replaces:
            return self._replace(host, deployment, preview, resource, old, old_urn, checked,
                                 diff.replaces, diff.delete_before_replace)
        if preview:
            deployment.steps.append(Step("update", urn, resource.type))
            return old.id, checked
        outputs = host.update(old.id, urn, old.outputs, checked, old.inputs)
        resource.id, resource.inputs, resource.outputs = old.id, checked, outputs
        self._record(deployment, preview, resource, old_urn, "update")
        return old.id, outputs

    def _check(self, host: ProviderHost, deployment: Deployment, preview: bool,
               resource: Resource, old: Resource | None) -> dict[str, Any]:
        result = host.check(resource.urn, old.inputs if old else {}, resource.inputs,
                            preview=preview)
        if result.failures:
            reasons = "; ".join(f"{prop}: {reason}" if prop else reason
                                for prop, reason in result.failures)
            raise EngineError(f"{resource.urn}: Check failed: {reasons}")
        return result.inputs

    def _replace(self, host: ProviderHost, deployment: Deployment, preview: bool,
                 resource: Resource, old: Resource, old_urn: str | None,
                 checked: dict[str, Any], replaces: list[str],
                 delete_first: bool) -> tuple[str, dict[str, Any]]:
        detail = f"replaces {', '.join(replaces)}"
        if preview:
            deployment.steps.append(Step("replace", resource.urn, resource.type, detail))
            return "", checked
        # A replacement is Checked again with no olds (step_generator.go).
        fresh = host.check(resource.urn, {}, resource.inputs, preview=False).inputs
        if delete_first:
            host.delete(old.id, resource.urn, old.outputs, old.inputs)
        id_, outputs = host.create(resource.urn, fresh)
        if not delete_first:
            host.delete(old.id, resource.urn, old.outputs, old.inputs)
        resource.id, resource.inputs, resource.outputs = id_, fresh, outputs
        with self._lock:
            if old_urn and old_urn != resource.urn:
                self.state.pop(old_urn, None)
            self.state[resource.urn] = resource
        deployment.steps.append(Step("replace", resource.urn, resource.type, detail))
        return id_, outputs

    def _bridged(self, deployment: Deployment, preview: bool, resource: Resource,
                 old: Resource | None, old_urn: str | None) -> tuple[str, dict[str, Any]]:
        plain = marshal(resource.inputs, keep_unknowns=preview, keep_secrets=False)
        if old is not None and old.inputs == plain:
            resource.id, resource.inputs, resource.outputs = old.id, plain, old.outputs
            self._record(deployment, preview, resource, old_urn, "same")
            return old.id, old.outputs
        op = "create" if old is None else "update"
        if preview:
            deployment.steps.append(Step(op, resource.urn, resource.type))
            unknowns = self.bridged.computed_outputs(resource.kind)
            return (old.id if old else ""), {**plain, **dict.fromkeys(unknowns, UNKNOWN)}
        resource.id, resource.outputs = self.bridged.apply(resource.kind, resource.urn, plain,
                                                           update=old is not None)
        resource.inputs = plain
        self._record(deployment, preview, resource, old_urn, op)
        return resource.id, resource.outputs

    def _record(self, deployment: Deployment, preview: bool, resource: Resource,
                old_urn: str | None, op: str) -> None:
        deployment.steps.append(Step(op, resource.urn, resource.type))
        if preview:
            return
        with self._lock:
            if old_urn and old_urn != resource.urn:
                self.state.pop(old_urn, None)
            self.state[resource.urn] = resource

    # -- the program ---------------------------------------------------------------------------

    def _run_program(self, *, preview: bool) -> Deployment:
        name = "preview" if preview else "up"
        with self._operation(name) as deployment, self._host(deployment) as host:
            monitor = EngineMonitor(self, host, deployment, preview)
            try:
                run_program(self.program_dir, self.stack, self.project, monitor,
                            self.program_config(), preview=preview)
            except Exception as exc:  # the engine reports the program's failure
                if not deployment.errors:
                    deployment.errors.append(f"the program failed: {exc}")
            if not deployment.errors:
                self._delete_unregistered(host, deployment, preview, monitor.seen)
        return deployment

    def program_config(self) -> tuple[dict[str, str], list[str]]:
        """The config the language host hands the program: secrets decrypted and listed."""
        config = {TOKEN_KEY: self.token, "sentry:baseUrl": self.fake.url}
        config.update({k: v if isinstance(v, str) else str(v)
                       for k, v in self.extra_config.items()})
        return config, [TOKEN_KEY]

    def _delete_unregistered(self, host: ProviderHost, deployment: Deployment, preview: bool,
                             seen: set[str]) -> None:
        for urn in reversed(list(self.state)):
            if urn in seen:
                continue
            resource = self.state[urn]
            if preview:
                op = "release" if resource.retain_on_delete else "delete"
                deployment.steps.append(Step(op, urn, resource.type))
            else:
                self._delete(host, deployment, resource)


class EngineMonitor(MockMonitor):
    """The resource monitor the program talks to: registrations become engine steps."""

    def __init__(self, engine: StackEngine, host: ProviderHost, deployment: Deployment,
                 preview: bool) -> None:
        super().__init__(engine.bridged)
        self.engine, self.host, self.deployment, self.preview = engine, host, deployment, preview
        self.seen: set[str] = set()
        self._aliases: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        self._in_flight = 0

    def alias_urns(self, request: Any) -> list[str]:
        """The URNs this resource may have had: its own aliases, and its name under each of
        its parent's former URNs (the engine inherits parent aliases)."""
        parents = [request.parent, *self._aliases.get(request.parent, [])] if request.parent \
            else [""]
        found: list[str] = list(request.aliasURNs)
        for alias in request.aliases:
            if alias.urn:
                found.append(alias.urn)
                continue
            spec = alias.spec
            parent_options = [""] if spec.noParent else (
                [spec.parentUrn] if spec.parentUrn else parents)
            for parent in parent_options:
                found.append(self.make_urn(parent, spec.type or request.type,
                                           spec.name or request.name))
        for parent in parents[1:]:
            found.append(self.make_urn(parent, request.type, request.name))
        urn = self.make_urn(request.parent, request.type, request.name)
        return [u for u in dict.fromkeys(found) if u != urn]

    def RegisterResource(self, request: Any) -> Any:
        urn = self.make_urn(request.parent, request.type, request.name)
        if request.type == "pulumi:pulumi:Stack":
            return resource_pb2.RegisterResourceResponse(urn=urn)
        aliases = self.alias_urns(request)
        with self._lock:
            self._aliases[urn] = aliases
            self.seen.add(urn)
            # The state entry an alias matches is this resource: not left over to delete.
            self.seen.update(a for a in aliases if a in self.engine.state)
            self._in_flight += 1
            self.deployment.most_at_once = max(self.deployment.most_at_once, self._in_flight)
        try:
            id_, outputs = self.engine.register(self.host, self.deployment, self.preview,
                                                request, urn, aliases)
        except HostError as exc:
            message = f"{urn}: {exc.method} failed: {exc.summary}"
            self.deployment.errors.append(message)
            self.deployment.steps.append(Step("failed", urn, request.type, message))
            raise
        except EngineError as exc:
            self.deployment.errors.append(str(exc))
            self.deployment.steps.append(Step("failed", urn, request.type, str(exc)))
            raise
        finally:
            with self._lock:
                self._in_flight -= 1
        return resource_pb2.RegisterResourceResponse(
            urn=urn, id=id_, object=to_struct(outputs, keep_unknowns=True, keep_secrets=True))


def run_program(program_dir: Path, stack: str, project: str, monitor: EngineMonitor,
                config: tuple[dict[str, str], list[str]], *, preview: bool) -> None:
    """``__main__.py`` as the language host runs it, with ``monitor`` as the engine."""
    loop = asyncio.new_event_loop()
    executor = concurrent.futures.ThreadPoolExecutor(PARALLEL)
    loop.set_default_executor(executor)
    # A failed step fails the futures of everything that waits on it; the engine reports the
    # step once (Deployment.errors), so these go to the log instead of stderr.
    loop.set_exception_handler(
        lambda _loop, context: logging.getLogger("tests.engine").debug(context["message"]))
    asyncio.set_event_loop(loop)
    try:
        reset_options(project=project, stack=stack, root_directory=str(program_dir),
                      preview=preview)
        values, secret_keys = config
        pulumi.runtime.set_all_config(values, secret_keys)
        pulumi.runtime.set_mocks(monitor.engine.bridged, project=project, stack=stack,
                                 preview=preview, monitor=monitor,
                                 logger=logging.getLogger("tests.engine"))
        program = str(program_dir / "__main__.py")
        sync_await(run_pulumi_func(lambda: _run_path(program)))
    finally:
        # The engine lets steps under way finish even when one has failed.
        executor.shutdown(wait=True)
        loop.close()
        asyncio.set_event_loop(None)


def _run_path(program: str) -> None:
    runpy.run_path(program, run_name="__main__")
