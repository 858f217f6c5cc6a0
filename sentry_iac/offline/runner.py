"""Running a Pulumi program in this process under Pulumi's mock engine, as the language host
would: a fresh event loop, the stack's plain config, ``mocks`` answering for the engine and a
recording monitor keeping what was registered. ``engine`` runs sentry-iac's program with it;
the benchmark's floor runs the bare SDK with it, importing nothing of sentry-iac's program."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi

from sentry_iac.config.errors import SpecErrors
from sentry_iac.config.yaml.gcpause import paused_gc
from sentry_iac.config.yaml.source import load_yaml
from sentry_iac.offline.mocks import SpecMocks
from sentry_iac.offline.monitor import MASK, RecordingMonitor
from sentry_iac.pulumi_sdk import (
    drained_every,
    no_stack_traces,
    reset_options,
    root_resource,
    run_pulumi_func,
    sync_await,
)

# Registrations finish every this many resources declared: a plan's peak memory holds the
# pending work of so many, not of every resource (measured at 6,000 resources: a quarter less).
DRAIN_EVERY = 500


def stack_config_values(root: Path, stack: str) -> dict[str, str]:
    """The plain (non-secret) config of a stack, as the Pulumi CLI would pass it to the program.
    Secret values stay encrypted and unread: nothing offline needs them."""
    try:
        loaded = load_yaml(root / f"Pulumi.{stack}.yaml", f"Pulumi.{stack}.yaml")
    except SpecErrors:
        return {}  # the program itself reports the broken file, before registering anything
    data = loaded.data if isinstance(loaded.data, dict) else {}
    config = data.get("config")
    if not isinstance(config, dict):
        return {}
    values: dict[str, str] = {}
    for key, value in config.items():
        if isinstance(value, dict) and "secure" in value:
            continue
        # The CLI hands structured values to the program as JSON text.
        values[key] = value if isinstance(value, str) else json.dumps(value)
    return values


def resolved_outputs(raw: dict[str, Any]) -> dict[str, Any]:
    """A stack's outputs (the root resource's), each resolved, a secret as ``[secret]``."""
    return {name: _resolve_output(value) for name, value in sorted(raw.items())}


def _resolve_output(value: Any) -> Any:
    output = pulumi.Output.from_input(value)
    if sync_await(output.is_secret()):
        return MASK
    resolved = sync_await(output.future())
    return resolved


@dataclass
class ProgramRun:
    """What the program registered and looked up, whether or not it finished."""

    monitor: RecordingMonitor
    mocks: SpecMocks
    outputs: dict[str, Any]


@contextlib.contextmanager
def _collector(young: bool) -> Iterator[Callable[[], None] | None]:
    """The collector while a program runs; yields what to call after each drain.

    Paused (``config.yaml.gcpause``): registering thousands of resources makes it walk the
    growing heap again and again (half the time of a 6,000-resource plan, and why plans grew
    faster than the resource count). ``young``: paused too, but at each drain one collection
    walks what was allocated since the last (``gc.collect(0)``) and what survives is frozen
    (``gc.freeze``), so every object is walked once and the garbage of finished registrations
    is freed as the run goes, which a paused collector keeps to the end."""
    with paused_gc():
        if not young:
            yield None
            return
        try:
            yield _collect_young
        finally:
            gc.unfreeze()


def _collect_young() -> None:
    gc.collect(0)
    gc.freeze()


def run_under_mocks(root: Path, stack: str, project: str, mocks: SpecMocks,
                    program: Callable[[], None], *, preview: bool = False,
                    young_collections: bool = False) -> ProgramRun:
    """Call ``program`` as ``stack`` of ``project`` in ``root`` under ``mocks``, in a fresh
    event loop, as the language host would run a program (for ``pulumi preview`` when
    ``preview``, else for ``pulumi up``).

    No registration carries the program's stack trace (nothing offline reads it), and the
    registrations finish every ``DRAIN_EVERY`` resources declared (``pulumi_sdk.drained_every``)
    rather than all at the end. The collector is paused, or with ``young_collections`` only
    walks what is new (``_collector``).

    Exceptions from the program propagate after its pending registrations have settled, and
    ``ProgramRun`` is attached to them as ``exc.program_run`` so callers can see what (if
    anything) was registered before the failure.
    """
    monitor = RecordingMonitor(mocks)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        reset_options(project=project, stack=stack, root_directory=str(root), preview=preview)
        pulumi.runtime.set_all_config(stack_config_values(root, stack), [])
        pulumi.runtime.set_mocks(mocks, project=project, stack=stack, preview=preview,
                                 monitor=monitor, logger=logging.getLogger("sentry_iac.offline"))
        with _collector(young_collections) as after_drain, no_stack_traces(), \
                drained_every(DRAIN_EVERY, after_drain):
            try:
                sync_await(run_pulumi_func(program))
            except BaseException as exc:
                exc.program_run = ProgramRun(monitor, mocks, {})  # type: ignore[attr-defined]
                raise
        raw: dict[str, Any] = getattr(root_resource(), "outputs", {}) or {}
        outputs = resolved_outputs(raw)
        return ProgramRun(monitor, mocks, outputs)
    finally:
        loop.close()
        asyncio.set_event_loop(None)
