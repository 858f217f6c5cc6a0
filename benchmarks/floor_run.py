"""The floor as a whole process: ``python -m benchmarks.floor_run engine|declared|stock DIR``.

Imports the bare SDK, registers what ``DIR/resources.json`` lists (``floor_program.register``)
and prints every registration as JSON, indented, as ``sentry-iac plan --json`` prints a plan:

- ``engine``: under sentry-iac's offline engine (``run_under_mocks``: its recording monitor,
  the collector paused, no stack traces), the engine ``plan`` runs its program on;
- ``declared``: declared in place (``offline.declarations.declare_program``: the SDK's
  constructors and serialization without the engine's round trip), as ``plan`` declares its
  program: the fair floor of ``plan``;
- ``stock``: as a stock SDK program under Pulumi's own mocks (``pulumi.runtime.set_mocks``,
  its ``MockMonitor``), the collector on.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import pulumi
import pulumiverse_sentry  # noqa: F401  (what the floor program registers)

from benchmarks.floor import PROJECT, RESOURCES_FILE
from benchmarks.floor_program import register
from sentry_iac.config.yaml import gcpause
from sentry_iac.offline.mocks import SpecMocks
from sentry_iac.offline.runner import run_under_mocks
from sentry_iac.pulumi_sdk import reset_options, run_pulumi_func, sync_await

STACK = "production"


class StockMocks(pulumi.runtime.Mocks):
    """What a unit test of a Pulumi program writes: ids from names, state from inputs."""

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[Any, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], None]:
        return {}, None


def engine(directory: Path) -> list[dict[str, Any]]:
    run = run_under_mocks(directory, STACK, PROJECT, SpecMocks(None),
                          lambda: register(directory / RESOURCES_FILE))
    registered = run.monitor.registered
    names = {r.urn: f"{r.type}::{r.name}" for r in registered}
    return [r.as_json(names) for r in sorted(registered, key=lambda r: r.urn)]


def declared(directory: Path) -> list[dict[str, Any]]:
    from sentry_iac.offline.declarations import declare_program

    run = declare_program(directory, STACK, PROJECT, SpecMocks(None),
                          lambda: register(directory / RESOURCES_FILE))
    names = {r.urn: f"{r.type}::{r.name}" for r in run.registered}
    return [r.as_json(names) for r in sorted(run.registered, key=lambda r: r.urn)]


def stock(directory: Path) -> list[dict[str, Any]]:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    reset_options(project=PROJECT, stack=STACK, root_directory=str(directory))
    pulumi.runtime.set_mocks(StockMocks(), project=PROJECT, stack=STACK)
    sync_await(run_pulumi_func(lambda: register(directory / RESOURCES_FILE)))
    monitor: Any = pulumi.runtime.settings.get_monitor()
    return [{"urn": r.urn, "id": r.id, "state": r.state}
            for r in sorted(monitor.resources.values(), key=lambda r: r.urn)]


def main(argv: list[str]) -> int:
    mode, directory = argv
    if mode in ("engine", "declared"):
        gcpause.hold()  # as the sentry-iac script does for plan (cli.app.run)
        resources = (engine if mode == "engine" else declared)(Path(directory))
    else:
        resources = stock(Path(directory))
    print(json.dumps({"resources": resources}, indent=2))
    if mode in ("engine", "declared"):  # and it ends the process as the script does
        sys.stdout.flush()
        os._exit(0)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
