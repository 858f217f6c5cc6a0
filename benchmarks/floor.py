"""The floor: the bare SDK registering what sentry-iac's plan registered, and nothing else.

For each resource of a sentry-iac plan, the floor program creates the same kind of resource with
the same logical name, parent and inputs: ``pulumiverse_sentry`` classes for Sentry resources,
plain ``ComponentResource``s for components, and ``pulumi.dynamic.Resource``s with a provider
that does nothing for dynamic resources. It reads no YAML, checks nothing and computes no
payload, so the time it takes is what any program registering that many resources pays.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sentry_iac.offline.engine import Plan

RESOURCES_FILE = "resources.json"
PROJECT = "floor"


def floor_resources(plan: Plan) -> list[dict[str, Any]]:
    """The plan's resources as the floor program reads them: parents by index."""
    index = {resource.urn: n for n, resource in enumerate(plan.resources)}
    out = []
    for resource in plan.resources:
        options = {k: v for k, v in resource.options.items()
                   if k in ("retain_on_delete", "additional_secret_outputs")}
        out.append({"type": resource.type, "name": resource.name,
                    "parent": index.get(resource.parent) if resource.parent else None,
                    "custom": resource.custom, "inputs": resource.inputs, "options": options})
    return out


def write_floor(dest: Path, resources: list[dict[str, Any]]) -> Path:
    """A project directory holding ``resources`` for ``floor_program.register`` (the worker
    calls it under the offline engine's mocks, as the plan's program is called)."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    (dest / "Pulumi.yaml").write_text(f"name: {PROJECT}\nruntime: python\n", encoding="utf-8")
    (dest / RESOURCES_FILE).write_text(json.dumps(resources), encoding="utf-8")
    return dest
