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
"""

from __future__ import annotations

import contextlib
import pickle
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import pulumi.resource as _pulumi_resource
from pulumi.dynamic.dynamic import PROVIDER_KEY, serialize_provider
from pulumi.runtime import resource as _resource
from pulumi.runtime import settings as _settings
from pulumi.runtime._serialization import _serialize
from pulumi.runtime.proto import source_pb2 as _source_pb2
from pulumi.runtime.stack import run_pulumi_func as _run_pulumi_func
from pulumi.runtime.stack import wait_for_rpcs as _wait_for_rpcs
from pulumi.runtime.sync_await import _sync_await

T = TypeVar("T")

# dynamic.Resource registers its resources as "pulumi-python:dynamic:Resource"-style tokens:
# "pulumi-python:" + the class's _resource_type_name ("dynamic/<module>:<Class>").
DYNAMIC_TYPE_PREFIX = "pulumi-python:"

__all__ = ["DYNAMIC_TYPE_PREFIX", "PROVIDER_KEY", "batch_setitems", "drained_every",
           "no_stack_traces",
           "pickle_provider", "reset_options", "restore_batch_setitems", "root_resource",
           "run_pulumi_func", "serialize_provider", "sync_await"]


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
