"""A stack's declarations, registered without the engine's side of Pulumi: what ``validate``
runs its policies on.

The program runs exactly as under the offline engine (``runner.run_under_mocks``: the same
mocks, config, settings and event loop, the SDK's own ``Resource`` constructor, its
transformations, its serialization of inputs and its resolution of outputs). What is left out
is the registration's round trip to an engine: ``prepare_resource`` (waiting on dependencies,
aliases, provider references), the protobuf request, the mock monitor turning it back into
Python, and the tasks that carry all of it. Each resource is instead registered at once, in the
constructor: its inputs serialized by the SDK, the mocks asked for its id and state, its
outputs resolved by the SDK from that state.

That round trip was nine tenths of a plan's time (10,000 rules: 4 minutes 39 seconds), and
nothing a policy reads comes from it. ``tests/test_declarations.py`` holds the two to each
other: for the example organisation and a generated one, every resource's type, name, parent,
inputs and secret outputs are the same as the offline engine's.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi

from sentry_iac.config.loader import Spec
from sentry_iac.offline.mocks import SpecMocks
from sentry_iac.offline.monitor import mask_secrets
from sentry_iac.offline.runner import stack_config_values
from sentry_iac.pulumi_sdk import (
    STACK_TYPE,
    RegisterResource,
    as_deserialized_properties,
    mock_resource_args,
    no_stack_traces,
    register_in_place,
    reset_options,
    run_pulumi_func,
    secret_output_names,
    serialize_inputs,
    settle_outputs,
    sync_await,
)
from sentry_iac.resources.program import build


@dataclass(frozen=True)
class Declaration:
    """One resource as the program declared it: its type token, logical name, its parent's
    URN, its inputs as the wire carries them (camelCase, numbers as doubles, secrets masked)
    and the outputs it marks secret (wire names)."""

    type: str
    name: str
    urn: str
    parent: str | None
    custom: bool
    inputs: dict[str, Any]
    secret_outputs: frozenset[str] = field(default_factory=frozenset)


class _Registrar:
    """Registers each resource in its constructor (``pulumi_sdk.register_in_place``)."""

    def __init__(self, mocks: SpecMocks, project: str, stack: str) -> None:
        self.mocks = mocks
        self.project = project
        self.stack = stack
        self.declared: list[Declaration] = []
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
        if request.token == STACK_TYPE:
            resource_id, state = None, dict[str, Any]()
        else:
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
        secret = secret_output_names(res, request.typ,
                                     opts.additional_secret_outputs if opts else None)
        self.declared.append(Declaration(
            request.token, request.name, urn, self.urns.get(id(parent)) if parent else None,
            request.custom, inputs, frozenset(secret)))


def declare(root: Path, stack: str, spec: Spec) -> list[Declaration]:
    """Run the program for ``stack`` with ``spec`` already loaded and checked, and return what
    it declared, in the order it declared it."""
    registrar = _Registrar(SpecMocks(spec), spec.project, stack)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        reset_options(project=spec.project, stack=stack, root_directory=str(root),
                      preview=False)
        pulumi.runtime.set_all_config(stack_config_values(root, stack), [])
        with no_stack_traces(), register_in_place(registrar.register):
            # The mocks answer lookups (invokes) as under the offline engine; setting them
            # makes the stack's root resource, so it is registered here too.
            pulumi.runtime.set_mocks(registrar.mocks, project=spec.project, stack=stack,
                                     preview=False,
                                     logger=logging.getLogger("sentry_iac.offline"))
            sync_await(run_pulumi_func(lambda: build(spec, stack, offline=True)))
        return registrar.declared
    finally:
        loop.close()
        asyncio.set_event_loop(None)
