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
from typing import Any

RESOURCES_FILE = "resources.json"
PROJECT = "floor"
# sentry-iac's components (rules, projects, the organisation): everything else is custom.
COMPONENT_PREFIX = "sentry-iac:index:"


def write_floor(dest: Path, resources: list[dict[str, Any]]) -> Path:
    """A project directory holding ``resources`` for ``floor_program.register`` (the worker
    calls it under the offline engine's mocks, as the plan's program is called)."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    (dest / "Pulumi.yaml").write_text(f"name: {PROJECT}\nruntime: python\n", encoding="utf-8")
    (dest / RESOURCES_FILE).write_text(json.dumps(resources), encoding="utf-8")
    return dest


def floor_resources_from_plan_json(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """``floor_resources`` from what ``sentry-iac plan --json`` printed (resources sorted by
    URN, each parent named ``type::name``): parents before their children, by index."""
    entries = plan["resources"]
    by_name = {f"{e['type']}::{e['name']}": e for e in entries}
    if len(by_name) != len(entries):
        raise ValueError("two resources share a type and name: parents would be ambiguous")
    index: dict[str, int] = {}
    out: list[dict[str, Any]] = []

    def add(key: str) -> int:
        if key not in index:
            entry = by_name[key]
            parent = add(entry["parent"]) if entry["parent"] else None
            options = {k: v for k, v in entry["options"].items()
                       if k in ("retain_on_delete", "additional_secret_outputs")}
            index[key] = len(out)
            out.append({"type": entry["type"], "name": entry["name"], "parent": parent,
                        "custom": not entry["type"].startswith(COMPONENT_PREFIX),
                        "inputs": entry["inputs"], "options": options})
        return index[key]

    for key in by_name:
        add(key)
    return out
