"""Every part of Pulumi's Python SDK that sentry-iac uses beyond its public API, in one place.

Pulumi may move or change these in any release; ``tests/test_pulumi_sdk.py`` has a test per
symbol, so an upgrade that breaks one fails there, by name, rather than deep in a plan. Nothing
else in sentry-iac imports from ``pulumi.runtime`` internals or ``pulumi.dynamic.dynamic``.

- ``PROVIDER_KEY``, ``pickle_provider``, ``serialize_provider``: a dynamic resource's
  ``__provider`` input and the text Pulumi stores in it (``dynamic.Resource.__init__``
  computes it; sentry-iac computes it once per provider state, see ``providers.dynamic``).
- ``DYNAMIC_TYPE_PREFIX``: the type token prefix of every dynamic resource.
- ``sync_await``, ``run_pulumi_func``, ``reset_options``, ``root_resource``: how the offline
  engine runs the program under mocks in-process, as ``pulumi.runtime.test`` does.
- ``batch_setitems`` / ``restore_batch_setitems``: the pickler method Pulumi wraps and never
  unwraps (see ``providers.pickling``).
- ``no_stack_traces``: the offline engine's registrations without the caller's stack trace.
- ``drained_every``: the offline engine letting registrations finish while the program runs.
- ``register_in_place``, ``RegisterResource``, ``output_of``, ``transfer_properties``,
  ``serialize_inputs``, ``resolve_outputs``, ``secret_output_names``, ``mock_resource_args``,
  ``STACK_TYPE``: the steps of the SDK's ``register_resource`` that ``offline.declarations``
  runs one after another in a resource's constructor, without the engine's round trip.
"""

from __future__ import annotations

import asyncio
import contextlib
import pickle
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pulumi.resource as _pulumi_resource
from google.protobuf import struct_pb2 as _struct_pb2
from pulumi import _types
from pulumi.dynamic.dynamic import PROVIDER_KEY, serialize_provider
from pulumi.output import Output, _OutputData
from pulumi.runtime import resource as _resource
from pulumi.runtime import rpc as _rpc
from pulumi.runtime import settings as _settings
from pulumi.runtime._serialization import _serialize
from pulumi.runtime.mocks import MockResourceArgs as _MockResourceArgs
from pulumi.runtime.proto import source_pb2 as _source_pb2
from pulumi.runtime.stack import run_pulumi_func as _run_pulumi_func
from pulumi.runtime.stack import wait_for_rpcs as _wait_for_rpcs
from pulumi.runtime.sync_await import _sync_await

T = TypeVar("T")

# dynamic.Resource registers its resources as "pulumi-python:dynamic:Resource"-style tokens:
# "pulumi-python:" + the class's _resource_type_name ("dynamic/<module>:<Class>").
DYNAMIC_TYPE_PREFIX = "pulumi-python:"

__all__ = [
    "DYNAMIC_TYPE_PREFIX",
    "PROVIDER_KEY",
    "STACK_TYPE",
    "RegisterResource",
    "RequestOptions",
    "as_deserialized_properties",
    "batch_setitems",
    "drained_every",
    "mock_resource_args",
    "no_stack_traces",
    "pickle_provider",
    "register_in_place",
    "request_options",
    "reset_options",
    "restore_batch_setitems",
    "root_resource",
    "run_pulumi_func",
    "secret_output_names",
    "serialize_inputs",
    "serialize_provider",
    "settle_outputs",
    "sync_await",
    "wire_value",
]


def pickle_provider(provider: object) -> tuple[str, bool]:
    """``__provider``'s text for ``provider`` and whether the pickle captured a secret."""
    text, contains_secrets = _serialize(True, serialize_provider, provider)
    return str(text), bool(contains_secrets)


def sync_await(awaitable: Awaitable[T]) -> T:
    """Run ``awaitable`` to completion on the SDK's event loop."""
    return _sync_await(awaitable)


def run_pulumi_func(func: Callable[[], None]) -> Awaitable[None]:
    """Run a program function the way the language host does, awaiting every registration."""
    return _run_pulumi_func(func)


def reset_options(*, project: str, stack: str, root_directory: str,
                  preview: bool | None = None) -> None:
    """Start a new program run's settings (project, stack, folder, whether it previews)."""
    _settings.reset_options(project=project, stack=stack, root_directory=root_directory,
                            preview=preview)


def root_resource() -> Any:
    """The stack's root resource (its ``outputs`` are the stack outputs)."""
    return _settings.get_root_resource()


_ORIGINAL_BATCH_SETITEMS = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]


def batch_setitems() -> Any:
    return pickle._Pickler._batch_setitems  # type: ignore[attr-defined]


def restore_batch_setitems() -> None:
    pickle._Pickler._batch_setitems = _ORIGINAL_BATCH_SETITEMS  # type: ignore[attr-defined]


def _no_stack_trace() -> Any:
    return _source_pb2.StackTrace()


@contextlib.contextmanager
def no_stack_traces() -> Iterator[None]:
    """Register resources without the caller's stack trace.

    For every resource, ``register_resource`` walks the Python stack (``traceback``, a path and
    a URI per frame) so that the Pulumi CLI can show where in the program it was declared. The
    offline engine's monitor never reads it, and it was a fifth of a plan's time. Inside this
    block the trace is empty, as the SDK sends it when it finds no frames."""
    original = _resource._get_stack_trace
    _resource._get_stack_trace = _no_stack_trace
    try:
        yield
    finally:
        _resource._get_stack_trace = original


@contextlib.contextmanager
def drained_every(count: int, between: Callable[[], None] | None = None) -> Iterator[None]:
    """Let a program's registrations finish while it runs: every ``count`` resources it
    declares, run the event loop until every registration so far is done, then ``between()``.

    A program declares all its resources before the event loop runs any of their
    registrations, so every registration's pending work (tasks, futures, requests) is held at
    once: about half of a plan's peak memory. Draining as it goes bounds that to ``count``
    resources' worth. The loop is run from inside the program the way the SDK runs it for a
    synchronous invoke (``_sync_await``); what is registered, and how, is unchanged. A failed
    registration raises here, in the program, rather than after it."""
    # Resource.__init__ calls the name pulumi.resource imported from pulumi.runtime.resource.
    original = getattr(_pulumi_resource, "register_resource")  # noqa: B009
    declared = 0

    def register(*args: Any, **kwargs: Any) -> None:
        nonlocal declared
        original(*args, **kwargs)
        declared += 1
        if declared % count == 0:
            _sync_await(_wait_for_rpcs(await_all_outstanding_tasks=False))
            if between is not None:
                between()

    setattr(_pulumi_resource, "register_resource", register)  # noqa: B010
    try:
        yield
    finally:
        setattr(_pulumi_resource, "register_resource", original)  # noqa: B010


# The type token of a stack's root resource.
STACK_TYPE = "pulumi:pulumi:Stack"


@dataclass(frozen=True)
class RegisterResource:
    """The arguments ``Resource.__init__`` hands ``register_resource``."""

    resource: Any
    token: str  # the resource's type token
    name: str
    custom: bool
    props: Any
    opts: Any
    typ: type | None


@contextlib.contextmanager
def register_in_place(register: Callable[[RegisterResource], None]) -> Iterator[None]:
    """Every resource constructed inside this block is registered by ``register``, in its
    constructor, instead of by the SDK's ``register_resource`` (which schedules the round trip
    to the engine). Only resources that register: none here is read (``opts.id``) or got
    (``opts.urn``)."""
    original = getattr(_pulumi_resource, "register_resource")  # noqa: B009

    def in_place(res: Any, ty: str, name: str, custom: bool, remote: bool,
                 new_dependency: Any, props: Any, opts: Any, typ: type | None = None,
                 package_ref: Any = None) -> None:
        if remote:
            raise NotImplementedError(f"{ty} {name}: a remote component cannot be declared "
                                      "without an engine")
        register(RegisterResource(res, ty, name, custom, props, opts, typ))

    setattr(_pulumi_resource, "register_resource", in_place)  # noqa: B010
    try:
        yield
    finally:
        setattr(_pulumi_resource, "register_resource", original)  # noqa: B010


def run_now(awaitable: Coroutine[Any, Any, T]) -> T:
    """The result of ``awaitable``, run here and now rather than as a task of the event loop.

    What it awaits is mostly done already (the outputs of resources registered in place), so
    it runs straight through; where it waits on something still pending (an ``apply``, a
    lookup), the loop is pumped until that is done (``_sync_await``), then it goes on, as a
    task would be resumed. Pumping the loop for every registration instead made each one wait
    for whatever else the loop held."""
    while True:
        try:
            waited = awaitable.send(None)
        except StopIteration as finished:
            result: T = finished.value
            return result
        if waited is None:
            continue  # a bare yield: the coroutine only gave way
        waited._asyncio_future_blocking = False  # as asyncio.Task does before resuming
        if not waited.done():
            _sync_await(waited)


class _NotPlain(Exception):
    """A value that only the SDK's serializer can put on the wire."""


def _plain_on_wire(value: Any) -> Any:
    """``value`` as the wire carries it, for a value made only of dicts with text keys, lists,
    tuples, text, numbers, booleans and None (each of exactly that type: an enum, an output,
    an input type raise ``_NotPlain``). Serialized, such a value is itself (an untranslated
    resource translates no key), and a ``Struct`` holds every number as a double."""
    kind = type(value)
    if kind is str or kind is bool or value is None or kind is float:
        return value
    if kind is int:
        return float(value)
    if kind is dict:
        out = {}
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlain
            out[key] = _plain_on_wire(item)
        return out
    if kind is list or kind is tuple:
        return [_plain_on_wire(item) for item in value]
    raise _NotPlain


def as_deserialized(value: Any) -> Any:
    """A wire value (plain, as ``serialize_inputs`` gives it) as the SDK's
    ``deserialize_property`` makes it of the ``Struct`` (outside a preview): an unknown is
    None, a dict leaves out what is None, a dict or list holding a secret is made the secret.
    A marked value other than a secret (a resource reference, an asset) is left to the SDK."""
    if value == _rpc.UNKNOWN:
        return None
    if isinstance(value, dict):
        if _rpc._special_sig_key in value:
            if value[_rpc._special_sig_key] == _rpc._special_secret_sig:
                return _rpc.wrap_rpc_secret(as_deserialized(value.get("value")))
            struct = _struct_pb2.Struct()
            struct.update({"v": value})
            return _rpc.deserialize_property(struct["v"])
        out = {}
        for key, item in value.items():
            item = as_deserialized(item)
            if item is not None:
                out[key] = item
        if any(_rpc.is_rpc_secret(item) for item in out.values()):
            return _rpc.wrap_rpc_secret({k: _rpc.unwrap_rpc_secret(v) for k, v in out.items()})
        return out
    if isinstance(value, list):
        items = [as_deserialized(item) for item in value]
        if any(_rpc.is_rpc_secret(item) for item in items):
            return _rpc.wrap_rpc_secret([_rpc.unwrap_rpc_secret(item) for item in items])
        return items
    return value


def as_deserialized_properties(wire: dict[str, Any]) -> dict[str, Any]:
    """A resource's wire inputs as ``deserialize_properties`` makes them of the ``Struct``:
    each property deserialized, one that is None left out (the top level takes on no secret
    of its properties)."""
    out = {}
    for key, value in wire.items():
        value = as_deserialized(value)
        if value is not None:
            out[key] = value
    return out


def _translates_nothing(res: Any, typ: type | None) -> bool:
    return typ is None and (type(res).translate_input_property
                            is _pulumi_resource.Resource.translate_input_property)


def serialize_inputs(res: Any, props: Any, typ: type | None) -> dict[str, Any]:
    """``props`` as ``prepare_resource`` serializes them for the engine, as plain Python (what
    ``wire_value`` makes of the ``Struct``): names translated, outputs awaited, secrets and
    unknowns in the wire's markers, numbers doubles, properties that serialize to None left
    out.

    A resource that translates no name (a dynamic resource) has each property that is plain
    data put on the wire as it is (``_plain_on_wire``) and each other one serialized by the
    SDK's ``serialize_property``, as ``serialize_properties`` would; anything else goes
    through ``serialize_properties`` whole."""
    translate = None if typ is not None else res.translate_input_property
    if not (_translates_nothing(res, typ) and type(props) is dict):
        return dict(wire_value(run_now(_rpc.serialize_properties(props, {}, res, translate,
                                                                 typ))))
    wire: dict[str, Any] = {}
    for key, value in props.items():
        try:
            result = _plain_on_wire(value)
        except _NotPlain:
            result = _plain_on_wire(run_now(_rpc.serialize_property(
                value, [], key, res, translate, None)))
        if result is not None:
            wire[key] = result
    return wire


def wire_value(value: Any) -> Any:
    """A ``Struct``'s value as plain Python (what ``json_format.MessageToDict`` gives, without
    its cost): dicts, lists, strings, floats, booleans and None."""
    if isinstance(value, _struct_pb2.Struct):
        return {key: wire_value(item) for key, item in value.items()}
    if isinstance(value, _struct_pb2.ListValue):
        return [wire_value(item) for item in value]
    return value


def _known(res: Any, value: Any, *, secret: bool = False) -> Any:
    """An output of ``res`` already resolved to ``value``, as a resolver leaves it.

    Made as ``Output._from_data`` makes one, less two steps that do nothing for such a value:
    ``_OutputData`` looking for unknowns in it (a value from the wire holds none: unknowns
    arrive as None outside a preview) and ``_track`` keeping it for the end of the program
    to wait on (it is done already). Both walked every output a second time."""
    data = object.__new__(_OutputData)
    data.resources, data.value, data.is_known, data.is_secret = {res}, value, True, secret
    future: asyncio.Future[Any] = asyncio.get_event_loop().create_future()
    future.set_result(data)
    output = object.__new__(Output)
    output._data = future
    return output


def settle_outputs(res: Any, props: Any, state: dict[str, Any], *, urn: str,
                   resource_id: str | None, by_type: bool,
                   given: dict[str, Any] | None = None) -> None:
    """Give ``res`` its ``urn``, its ``id`` (a custom resource) and an output per input
    property, each resolved from ``state`` (wire names, plain values as ``serialize_inputs``
    gives them; ``given``, the inputs the mocks were given) as the SDK resolves them from the
    engine's answer (``transfer_properties``,
    then ``resolve_outputs``): names translated, values converted to the resource's output
    types, secrets unwrapped, a property the answer lacks None. The answer does not go through
    protobuf and back, which changes nothing a program reads (numbers are doubles either
    way), and the outputs are made resolved rather than resolved by tasks."""
    given = given or {}
    cls = type(res)
    types = _types.resource_types(cls)
    if by_type:
        names = _types.resource_pulumi_to_py_names(cls)
        translate: Callable[[str], str] = lambda prop: names.get(prop) or prop  # noqa: E731
        passed: Callable[[str], str] = lambda prop: prop  # noqa: E731
    else:
        translate = passed = res.translate_output_property
    # What the SDK's translation would rebuild as it is: a value of no output type, of a
    # resource that translates no name.
    as_is = not by_type and (cls.translate_output_property
                             is _pulumi_resource.Resource.translate_output_property)
    values = {}
    for key, value in state.items():
        name = translate(key)
        # The mock monitor's answer is the state serialized; the SDK deserializes it. What
        # the mocks passed on from the inputs they were given is deserialized already, and
        # going through the wire again leaves it as it is.
        if value is not given.get(key):
            value = as_deserialized(_plain_on_wire(value))
        if value is None:
            continue  # "We treat values that deserialize to None as if they don't exist."
        if not (as_is and types.get(key) is None):
            value = _rpc.translate_output_properties(
                value, passed, types.get(key), by_type,
                path=_rpc._Path(name, resource=f"{res._name}"))
        values[name] = value
    res.__dict__["urn"] = _known(res, urn)
    if resource_id is not None:
        res.__dict__["id"] = _known(res, resource_id)
    for name in props or ():
        if name == "urn" or (name == "id" and resource_id is not None):
            continue
        value = values.get(name)
        res.__dict__[name] = _known(res, _rpc.unwrap_rpc_secret(value),
                                    secret=_rpc.is_rpc_secret(value))


def secret_output_names(res: Any, typ: type | None, names: list[str] | None) -> list[str]:
    """``additional_secret_outputs`` in wire names, as the registration request carries it."""
    return list(_resource._translate_additional_secret_outputs(res, typ, names) or [])


@dataclass(frozen=True)
class RequestOptions:
    """The options a registration request carries, as ``register_resource`` fills them."""

    protect: bool | None
    retain_on_delete: bool | None
    delete_before_replace: bool
    secret_outputs: list[str]
    ignore_changes: list[str]
    aliases: list[Any]  # alias_pb2.Alias messages
    provider: str  # the provider reference, "urn::id", or ""


def request_options(res: Any, typ: type | None, opts: Any, *, custom: bool) -> RequestOptions:
    """What ``register_resource`` and ``prepare_resource`` put in the request for ``opts``
    (the options ``Resource.__init__`` settled: protection inherited, provider chosen): names
    translated, aliases made specs (the mock monitor supports them), the provider referenced
    for a custom resource."""
    provider = ""
    if custom and opts.provider is not None:
        provider = run_now(_resource._create_provider_ref(opts.provider))
    return RequestOptions(
        protect=opts.protect, retain_on_delete=opts.retain_on_delete,
        delete_before_replace=opts.delete_before_replace or False,
        secret_outputs=secret_output_names(res, typ, opts.additional_secret_outputs),
        ignore_changes=list(_resource._translate_ignore_changes(res, typ, opts.ignore_changes)
                            or []),
        aliases=list(run_now(_resource.prepare_aliases(res, opts, True))), provider=provider)


def mock_resource_args(type_: str, name: str, inputs: dict[str, Any], *, custom: bool) -> Any:
    """What the mock monitor hands ``Mocks.new_resource`` for a registration."""
    return _MockResourceArgs(typ=type_, name=name, inputs=inputs, provider="",
                             resource_id="", custom=custom)
