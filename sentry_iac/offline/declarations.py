"""A stack's declarations, registered without the engine's side of Pulumi: what ``validate``
runs its policies on and ``plan`` shows.

The program runs exactly as under the offline engine (``runner.run_under_mocks``: the same
mocks, config, settings and event loop, the SDK's own ``Resource`` constructor, its
transformations, its serialization of inputs and its resolution of outputs). What is left out
is the registration's round trip to an engine: ``prepare_resource`` (waiting on dependencies,
aliases, provider references), the protobuf request, the mock monitor turning it back into
Python, and the tasks that carry all of it. Each resource is instead registered at once, in the
constructor: its inputs serialized by the SDK, the mocks asked for its id and state, its
outputs resolved by the SDK from that state.

That round trip was nine tenths of a plan's time (10,000 rules: 4 minutes 39 seconds), and
nothing a plan shows comes from it: the request's fields are computed by the SDK's own
functions (``pulumi_sdk.request_options``) and shown as the engine's recording monitor shows
them (``monitor.options_of``). The offline engine is the oracle: ``tests/test_declarations.py``
holds the two to each other resource by resource, and in the test suite every plan the engine
makes is declared too and compared (``tests/conftest.py``).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi

from sentry_iac.config.loader import Spec
from sentry_iac.config.yaml.gcpause import paused_gc
from sentry_iac.offline.mocks import SpecMocks
from sentry_iac.offline.monitor import RegisteredResource, mask_secrets, options_of
from sentry_iac.offline.runner import resolved_outputs, stack_config_values
from sentry_iac.pulumi_sdk import (
    STACK_TYPE,
    RegisterResource,
    as_deserialized_properties,
    mock_resource_args,
    no_stack_traces,
    register_in_place,
    request_options,
    reset_options,
    root_resource,
    run_pulumi_func,
    serialize_inputs,
    settle_outputs,
    sync_await,
)
from sentry_iac.resources.program import build


@dataclass
class Declared:
    """What a program declared: its resources in the order it declared them (as the offline
    engine's monitor records registrations), the lookups the mocks answered, its outputs."""

    registered: list[RegisteredResource] = field(default_factory=list)
    lookups: list[dict[str, Any]] = field(default_factory=list)
    outputs: dict[str, Any] = field(default_factory=dict)


class _Registrar:
    """Registers each resource in its constructor (``pulumi_sdk.register_in_place``)."""

    def __init__(self, mocks: pulumi.runtime.Mocks, project: str, stack: str) -> None:
        self.mocks = mocks
        self.project = project
        self.stack = stack
        self.declared: list[RegisteredResource] = []
        self.urns: dict[int, str] = {}  # id(resource) -> its URN

    def urn(self, parent: pulumi.Resource | None, type_: str, name: str) -> str:
        # As the mock monitor makes it (``MockMonitor.make_urn``): the parent's own type
        # qualifies the child's, the stack's too.
        parent_urn = self.urns.get(id(parent), "") if parent is not None else ""
        qualified = type_
        if parent_urn:
            qualified = parent_urn.split("::")[2].split("$")[-1] + "$" + type_
        return f"urn:pulumi:{self.stack}::{self.project}::{qualified}::{name}"

    def register(self, request: RegisterResource) -> None:
        res, opts = request.resource, request.opts
        wire = serialize_inputs(res, request.props, request.typ)
        parent = opts.parent if opts is not None else None
        if parent is None and request.token != STACK_TYPE:
            parent = pulumi.runtime.get_root_resource()
        urn = self.urn(parent, request.token, request.name)
        self.urns[id(res)] = urn
        given: dict[str, Any] = {}
        state: dict[str, Any] = {}
        resource_id = None
        if request.token != STACK_TYPE:
            # The mock monitor hands the mocks the request's inputs deserialized.
            given = as_deserialized_properties(wire)
            resource_id, state = self.mocks.new_resource(mock_resource_args(
                request.token, request.name, given, custom=request.custom))
        settle_outputs(res, request.props, state, urn=urn,
                       resource_id=(resource_id or "") if request.custom else None,
                       by_type=request.typ is not None, given=given)
        if request.token == STACK_TYPE:
            return
        inputs = mask_secrets(wire)
        inputs.pop("__provider", None)  # a dynamic resource's pickled provider is code
        options = options_of(request_options(res, request.typ, opts or pulumi.ResourceOptions(),
                                             custom=request.custom))
        self.declared.append(RegisteredResource(
            urn=urn, type=request.token, name=request.name,
            parent=self.urns.get(id(parent)) if parent is not None else None,
            custom=request.custom, inputs=inputs, options=options))


def declare_program(root: Path, stack: str, project: str, mocks: pulumi.runtime.Mocks,
                    program: Callable[[], None]) -> Declared:
    """Call ``program`` as ``stack`` of ``project`` in ``root`` with ``mocks`` answering, as
    ``runner.run_under_mocks`` does (for ``pulumi up``, the collector paused), each resource
    registered in place. A failure of the program propagates as it is."""
    registrar = _Registrar(mocks, project, stack)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        reset_options(project=project, stack=stack, root_directory=str(root), preview=False)
        pulumi.runtime.set_all_config(stack_config_values(root, stack), [])
        with paused_gc(), no_stack_traces(), register_in_place(registrar.register):
            # The mocks answer lookups (invokes) as under the offline engine; setting them
            # makes the stack's root resource, so it is registered here too.
            pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=False,
                                     logger=logging.getLogger("sentry_iac.offline"))
            sync_await(run_pulumi_func(program))
            raw: dict[str, Any] = getattr(root_resource(), "outputs", {}) or {}
            outputs = resolved_outputs(raw)
        return Declared(registrar.declared, list(getattr(mocks, "lookups", [])), outputs)
    finally:
        loop.close()
        asyncio.set_event_loop(None)


def declare_spec(root: Path, stack: str, spec: Spec) -> Declared:
    """What sentry-iac's program declares for ``stack``, with ``spec`` already loaded and
    checked."""
    return declare_program(root, stack, spec.project, SpecMocks(spec),
                           lambda: build(spec, stack, offline=True))


def declare(root: Path, stack: str, spec: Spec) -> list[RegisteredResource]:
    """The resources of ``declare_spec``, in the order the program declared them."""
    return declare_spec(root, stack, spec).registered
