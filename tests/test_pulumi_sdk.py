"""One test per part of Pulumi's SDK that sentry-iac uses beyond its public API
(``sentry_iac.pulumi_sdk``): a Pulumi upgrade that moves or changes one fails here, by name."""

from __future__ import annotations

import ast
import asyncio
import base64
import contextlib
import importlib.util
import pickle
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pulumi.dynamic as dyn

from sentry_iac import pulumi_sdk
from sentry_iac.providers.alerting import MonitorProvider


def test_provider_key_is_the_input_the_provider_host_reads() -> None:
    # The provider host's module runs its server when imported: read its constant instead.
    spec = importlib.util.find_spec("pulumi.dynamic.__main__")
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    keys = [node.value.value for node in tree.body if isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "PROVIDER_KEY" for t in node.targets)
            and isinstance(node.value, ast.Constant)]
    assert keys == [pulumi_sdk.PROVIDER_KEY] == ["__provider"]


def test_pickle_provider_is_what_dynamic_resource_stores() -> None:
    text, secret = pulumi_sdk.pickle_provider(MonitorProvider())
    assert secret is False
    provider = pickle.loads(base64.b64decode(text))
    assert isinstance(provider, MonitorProvider)


def test_serialize_provider_is_base64_of_a_pickle() -> None:
    text = pulumi_sdk.serialize_provider(MonitorProvider())
    assert isinstance(pickle.loads(base64.b64decode(text)), MonitorProvider)


def test_dynamic_type_prefix_is_dynamic_resources_own() -> None:
    class Probe(dyn.Resource):
        pass

    # dynamic.Resource.__init__ registers f"pulumi-python:{self._resource_type_name}".
    assert Probe._resource_type_name == "dynamic:Resource"
    assert pulumi_sdk.DYNAMIC_TYPE_PREFIX + "dynamic:Resource" == "pulumi-python:dynamic:Resource"


def test_sync_await_runs_a_coroutine_to_its_result() -> None:
    async def answer() -> int:
        return 42

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        assert pulumi_sdk.sync_await(answer()) == 42
    finally:
        loop.close()


def test_run_pulumi_func_runs_the_program_and_settles(tmp_path: Path) -> None:
    ran: list[str] = []
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        pulumi_sdk.reset_options(project="p", stack="s", root_directory=str(tmp_path),
                                 preview=True)
        assert pulumi.get_project() == "p" and pulumi.get_stack() == "s"
        pulumi_sdk.sync_await(pulumi_sdk.run_pulumi_func(lambda: ran.append("program")))
    finally:
        loop.close()
    assert ran == ["program"]


def test_root_resource_is_none_before_a_stack_is_made(tmp_path: Path) -> None:
    pulumi_sdk.reset_options(project="p", stack="s", root_directory=str(tmp_path))
    assert pulumi_sdk.root_resource() is None


def test_batch_setitems_is_restored_after_pulumi_wraps_it() -> None:
    pulumi_sdk.restore_batch_setitems()
    original = pulumi_sdk.batch_setitems()
    pulumi_sdk.serialize_provider(MonitorProvider())
    assert pulumi_sdk.batch_setitems() is not original  # Pulumi wraps it and leaves it so
    pulumi_sdk.restore_batch_setitems()
    assert pulumi_sdk.batch_setitems() is original


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], None]:
        return {}, None


class _Probe(pulumi.ComponentResource):
    # A class of its own: the SDK's trace starts at the third __init__ up the stack.
    def __init__(self) -> None:
        super().__init__("test:index:Probe", "probe")


def _stack_trace_frames(tmp_path: Path, quiet: bool) -> int:
    """How many frames the stack trace of one registered component carries."""
    from pulumi.runtime.mocks import MockMonitor

    frames: list[int] = []

    class Capturing(MockMonitor):
        def RegisterResource(self, request: Any) -> Any:
            if request.type == "test:index:Probe":
                frames.append(len(request.stackTrace.frames))
            return super().RegisterResource(request)  # type: ignore[no-untyped-call]

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        pulumi_sdk.reset_options(project="p", stack="s", root_directory=str(tmp_path))
        mocks = _Mocks()
        pulumi.runtime.set_mocks(mocks, project="p", stack="s", monitor=Capturing(mocks))

        def program() -> None:
            _Probe()

        with pulumi_sdk.no_stack_traces() if quiet else contextlib.nullcontext():
            pulumi_sdk.sync_await(pulumi_sdk.run_pulumi_func(program))
    finally:
        loop.close()
        asyncio.set_event_loop(None)
    assert len(frames) == 1
    return frames[0]


def test_no_stack_traces_empties_the_trace_register_resource_sends(tmp_path: Path) -> None:
    assert _stack_trace_frames(tmp_path, quiet=False) > 0  # the SDK walks the stack by default
    assert _stack_trace_frames(tmp_path, quiet=True) == 0
    assert _stack_trace_frames(tmp_path, quiet=False) > 0  # and again once the block ends


def test_drained_every_finishes_registrations_while_the_program_runs(tmp_path: Path) -> None:
    from pulumi.runtime.mocks import MockMonitor

    registered: list[str] = []
    seen_while_declaring: list[int] = []
    drains: list[int] = []

    class Counting(MockMonitor):
        def RegisterResource(self, request: Any) -> Any:
            if request.type == "test:index:Probe":
                registered.append(request.name)
            return super().RegisterResource(request)  # type: ignore[no-untyped-call]

    class Probe(pulumi.ComponentResource):
        def __init__(self, name: str) -> None:
            super().__init__("test:index:Probe", name)

    def program() -> None:
        for n in range(5):
            seen_while_declaring.append(len(registered))
            Probe(f"p{n}")

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        pulumi_sdk.reset_options(project="p", stack="s", root_directory=str(tmp_path))
        mocks = _Mocks()
        pulumi.runtime.set_mocks(mocks, project="p", stack="s", monitor=Counting(mocks))
        with pulumi_sdk.drained_every(2, lambda: drains.append(len(registered))):
            pulumi_sdk.sync_await(pulumi_sdk.run_pulumi_func(program))
    finally:
        loop.close()
        asyncio.set_event_loop(None)
    assert sorted(registered) == [f"p{n}" for n in range(5)]
    # After every second declaration, all declared so far were registered before going on.
    assert drains == [2, 4]
    assert seen_while_declaring == [0, 0, 2, 2, 4]
    # The name drained_every wraps is the one Resource.__init__ calls, and it is put back.
    import pulumi.resource as pulumi_resource

    wrapped = getattr(pulumi_resource, "register_resource")  # noqa: B009 (not exported)
    assert wrapped.__module__ == "pulumi.runtime.resource"


@contextlib.contextmanager
def _fresh_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """A new event loop, current while the block runs, closed after it."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        loop.close()
        asyncio.set_event_loop(None)


# What offline.declarations runs in a resource's constructor (tests/test_declarations.py holds
# the whole against the engine; these name each step).

def test_stack_type_is_the_root_resources_type() -> None:
    from pulumi.runtime.stack import Stack

    assert Stack.__init__.__code__.co_consts.count(pulumi_sdk.STACK_TYPE) == 1


def test_register_in_place_receives_every_registration_and_restores_the_sdks(
        tmp_path: Path) -> None:
    from pulumi.runtime.mocks import MockMonitor

    seen: list[tuple[str, str, bool]] = []

    class Probe(pulumi.ComponentResource):
        def __init__(self, name: str) -> None:
            super().__init__("test:index:Probe", name, {"a": 1})

    before = getattr(pulumi.resource, "register_resource")  # noqa: B009
    with _fresh_loop():
        pulumi_sdk.reset_options(project="p", stack="s", root_directory=str(tmp_path))
        mocks = _Mocks()
        def record(r: pulumi_sdk.RegisterResource) -> None:
            seen.append((r.token, r.name, r.custom))
            pulumi_sdk.settle_outputs(r.resource, r.props, {}, urn=f"urn:{r.name}",
                                      resource_id=None, by_type=False)

        with pulumi_sdk.register_in_place(record):
            # setting the mocks makes the stack's root resource
            pulumi.runtime.set_mocks(mocks, project="p", stack="s",
                                     monitor=MockMonitor(mocks))
            def program() -> None:
                Probe("one")

            pulumi_sdk.sync_await(pulumi_sdk.run_pulumi_func(program))
    assert seen == [(pulumi_sdk.STACK_TYPE, "p-s", False), ("test:index:Probe", "one", False)]
    assert getattr(pulumi.resource, "register_resource") is before  # noqa: B009


def test_run_now_finishes_a_coroutine_that_waits_on_a_pending_future() -> None:
    with _fresh_loop() as loop:
        async def program() -> int:
            pending = loop.create_future()
            loop.call_soon(pending.set_result, 41)

            async def waits() -> int:
                return int(await pending) + 1

            return pulumi_sdk.run_now(waits())  # inside the running loop, as in a program

        assert loop.run_until_complete(program()) == 42


def test_serialize_inputs_of_plain_data_is_what_the_sdks_serializer_gives() -> None:
    from pulumi.runtime import rpc

    class Probe(dyn.Resource):
        pass

    res = object.__new__(Probe)
    props = {"n": 3, "f": 0.5, "none": None, "t": (1, "x"), "d": {"k": [None, {"z": 2}]}}
    with _fresh_loop() as loop:
        ours = pulumi_sdk.serialize_inputs(res, props, None)
        theirs = pulumi_sdk.wire_value(loop.run_until_complete(rpc.serialize_properties(
            props, {}, res, res.translate_input_property, None)))
    assert ours == theirs == {"n": 3.0, "f": 0.5, "t": [1.0, "x"],
                              "d": {"k": [None, {"z": 2.0}]}}


def test_as_deserialized_is_what_the_sdks_deserializer_makes_of_the_struct(
        tmp_path: Path) -> None:
    from google.protobuf import struct_pb2
    from pulumi.runtime import rpc

    # Outside a preview, as declarations run: there the SDK reads an unknown as absent (in a
    # preview it keeps it), so the settings an earlier test left must not decide.
    pulumi_sdk.reset_options(project="p", stack="s", root_directory=str(tmp_path),
                             preview=False)
    secret = {rpc._special_sig_key: rpc._special_secret_sig, "value": "s"}
    wire = {"d": {"none": None, "x": 1.0, "u": rpc.UNKNOWN}, "l": [None, "a", secret],
            "s": secret, "gone": None}
    struct = struct_pb2.Struct()
    struct.update(wire)
    assert pulumi_sdk.as_deserialized_properties(wire) == rpc.deserialize_properties(struct)


def test_settle_outputs_resolves_urn_id_and_each_property(tmp_path: Path) -> None:
    class Probe(dyn.Resource):
        pass

    with _fresh_loop():
        res = object.__new__(Probe)
        res._name = "probe"
        pulumi_sdk.settle_outputs(res, {"a": 1, "b": 2}, {"a": 1, "extra": 3}, urn="urn:x",
                                  resource_id="id-1", by_type=False)
        got = [pulumi_sdk.sync_await(res.__dict__[k].future()) for k in ("urn", "id", "a", "b")]
        assert got == ["urn:x", "id-1", 1.0, None] and "extra" not in res.__dict__


def test_secret_output_names_and_mock_resource_args_are_the_sdks() -> None:
    class Probe(dyn.Resource):
        pass

    res = object.__new__(Probe)
    assert pulumi_sdk.secret_output_names(res, None, ["dsnPublic"]) == ["dsnPublic"]
    assert pulumi_sdk.secret_output_names(res, None, None) == []
    args = pulumi_sdk.mock_resource_args("t:i:T", "n", {"a": 1.0}, custom=True)
    assert (args.typ, args.name, args.inputs, args.custom) == ("t:i:T", "n", {"a": 1.0}, True)
