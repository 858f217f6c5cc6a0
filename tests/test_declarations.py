"""A stack's declarations made in place (``sentry_iac.offline.declarations``) against the oracle
they stand in for: the same program registered through the SDK's whole registration and
Pulumi's mock monitor (``offline.engine``, whose recording monitor reads the protobuf requests
the SDK sends). Every resource must come out the same: type, name, URN, parent, custom, inputs
as the wire carries them, options; and the lookups and the stack's outputs."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi import dynamic

from benchmarks.generate import Shape, write_project
from sentry_iac import pulumi_sdk
from sentry_iac.config.loader import load_spec
from sentry_iac.offline.declarations import declare, declare_program, declare_spec
from sentry_iac.offline.engine import run_offline, run_program
from sentry_iac.offline.monitor import RecordingMonitor, RegisteredResource
from tests.helpers import EXAMPLE


def _registered(r: RegisteredResource) -> tuple[Any, ...]:
    return r.type, r.name, r.urn, r.parent, r.custom, r.inputs, r.options


_declared = _registered


def _same_as_the_engine(root: Path) -> int:

    spec = load_spec(root)
    count = 0
    for stack in sorted(spec.stacks):
        run = run_program(root, stack, spec.project, spec)
        engine = {r.urn: _registered(r) for r in run.monitor.registered}
        declared = declare_spec(root, stack, spec)
        got = {d.urn: _declared(d) for d in declared.registered}
        assert sorted(got) == sorted(engine), stack
        for urn, expected in engine.items():
            assert got[urn] == expected, urn
        assert declared.outputs == run.outputs and declared.outputs
        key = repr
        assert sorted(map(key, declared.lookups)) == sorted(map(key, run.mocks.lookups))
        count += len(got)
    return count


def test_the_example_is_declared_as_the_engine_registers_it() -> None:
    assert _same_as_the_engine(EXAMPLE) > 50


@pytest.mark.slow
def test_a_generated_organisation_is_declared_as_the_engine_registers_it(
        tmp_path: Path) -> None:
    # Every rule of the benchmark's catalogue, privacy, fingerprinting, performance settings,
    # code mappings, members and repositories, in both stacks.
    root = write_project(tmp_path / "org", Shape(teams=2))
    assert _same_as_the_engine(root) > 300


# A program of its own, for what sentry-iac's program may not hold at every moment: an output
# derived with ``apply`` (pending when the next resource is declared), a secret, an input of an
# output property, numbers, None, a tuple, nested dicts.

class _Nothing(dynamic.ResourceProvider):
    def create(self, props: Any) -> dynamic.CreateResult:
        return dynamic.CreateResult("x", props)


class _Thing(dynamic.Resource):
    def __init__(self, name: str, props: dict[str, Any],
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(_Nothing(), name, props, opts)


class _Group(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("test:index:Group", name)


def _program() -> None:
    group = _Group("g")
    first = _Thing("first", {"count": 3, "ratio": 0.5, "none": None, "pair": (1, "b"),
                             "nested": {"a": [1, {"b": None}], "flag": True}},
                   pulumi.ResourceOptions(parent=group, additional_secret_outputs=["token"]))
    _Thing("second", {"first": first.id.apply(lambda i: f"{i}!"),
                      "echo": first.nested,  # type: ignore[attr-defined]
                      "token": pulumi.Output.secret("s3cret"),
                      "all": pulumi.Output.all(first.urn, 2)},
           pulumi.ResourceOptions(parent=group, depends_on=[first]))
    _Thing("third", {"x": 1},
           pulumi.ResourceOptions(parent=group, protect=True, retain_on_delete=True,
                                  delete_before_replace=True, ignore_changes=["x"],
                                  aliases=[pulumi.Alias(name="old")]))


class _Mocks(pulumi.runtime.Mocks):
    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[Any, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], Any]:
        return {}, []


def _through_the_engine(root: Path) -> dict[str, tuple[Any, ...]]:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        pulumi_sdk.reset_options(project="p", stack="s", root_directory=str(root))
        mocks = _Mocks()
        monitor = RecordingMonitor(mocks)
        pulumi.runtime.set_mocks(mocks, project="p", stack="s", monitor=monitor,
                                 logger=logging.getLogger("test"))
        pulumi_sdk.sync_await(pulumi_sdk.run_pulumi_func(_program))
        return {r.urn: _registered(r) for r in monitor.registered}
    finally:
        loop.close()
        asyncio.set_event_loop(None)


def test_outputs_pending_secret_and_derived_are_declared_as_the_engine_registers_them(
        tmp_path: Path) -> None:
    expected = _through_the_engine(tmp_path)
    assert len(expected) == 4
    declared = {d.urn: _declared(d)
                for d in declare_program(tmp_path, "s", "p", _Mocks(), _program).registered}
    assert declared == expected
    second = next(v for urn, v in declared.items() if urn.endswith("::second"))
    assert second[5]["first"] == "first-id!" and second[5]["token"] == "[secret]"
    # An output property is what the engine answered, deserialized: the SDK leaves out what is
    # None in a dict (``deserialize_properties``), and numbers are doubles.
    assert second[5]["echo"] == {"a": [1.0, {}], "flag": True}
    third = next(v for urn, v in declared.items() if urn.endswith("::third"))
    assert third[6] == {"protect": True, "retain_on_delete": True,
                        "delete_before_replace": True, "ignore_changes": ["x"],
                        "aliases": [{"name": "old"}]}


def test_declaring_leaves_the_sdk_registering_as_before(tmp_path: Path) -> None:
    before = getattr(pulumi.resource, "register_resource")  # noqa: B009
    spec = load_spec(EXAMPLE)
    declare(EXAMPLE, spec.org.owner_stack, spec)
    assert getattr(pulumi.resource, "register_resource") is before  # noqa: B009
    # and the offline engine, run after, still registers through the monitor
    assert run_offline(EXAMPLE, spec.org.owner_stack, spec).resources


def test_client_keys_declare_their_dsns_secret() -> None:
    spec = load_spec(EXAMPLE)
    keys = [d for d in declare(EXAMPLE, spec.org.owner_stack, spec)
            if d.type.endswith(":SentryKey")]
    assert keys and all({"dsnPublic", "dsnSecret"} <= set(d.options["additional_secret_outputs"])
                        for d in keys)
