"""What the floor program runs (see ``benchmarks.floor``): only the SDK, no sentry-iac code."""

from __future__ import annotations

import json
import pickle
import re
import types
from pathlib import Path
from typing import Any

import pulumi
import pulumi.dynamic as dyn
import pulumiverse_sentry as sentry

SENTRY_PREFIX = "sentry:index/"
DYNAMIC_PREFIX = "pulumi-python:dynamic/sentry-iac:"
# The same guard sentry-iac needs (sentry_iac/providers/pickling.py): without it the SDK's
# pickler wrappers pile up and a program with ~1,000 dynamic resources overflows the stack.
_ORIGINAL_BATCH_SETITEMS = pickle._Pickler._batch_setitems  # type: ignore[attr-defined]


def snake_case(name: str) -> str:
    """``digestsMinDelay`` -> ``digests_min_delay`` (Pulumi's wire names -> SDK arguments)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class FloorProvider(dyn.ResourceProvider):
    """A dynamic provider that is never called: only its pickling is paid, as for any."""

    serialize_as_secret_always = False


_DYNAMIC: dict[str, type[dyn.Resource]] = {}


def _dynamic_class(short: str) -> type[dyn.Resource]:
    if short not in _DYNAMIC:
        _DYNAMIC[short] = types.new_class(
            short, (dyn.Resource,), {"module": "sentry-iac", "name": short})
    return _DYNAMIC[short]


def _create(entry: dict[str, Any], opts: pulumi.ResourceOptions,
            provider: pulumi.ProviderResource | None) -> pulumi.Resource:
    kind, name, inputs = entry["type"], entry["name"], entry["inputs"]
    if kind == "pulumi:providers:sentry":
        return sentry.Provider(name, opts=opts)
    if kind.startswith(SENTRY_PREFIX):
        cls: type[pulumi.CustomResource] = getattr(sentry, kind.rsplit(":", 1)[-1])
        args = {snake_case(k): v for k, v in inputs.items()}
        return cls(name, opts=pulumi.ResourceOptions.merge(
            opts, pulumi.ResourceOptions(provider=provider)), **args)
    if kind.startswith(DYNAMIC_PREFIX):
        pickle._Pickler._batch_setitems = _ORIGINAL_BATCH_SETITEMS  # type: ignore[attr-defined]
        cls = _dynamic_class(kind.removeprefix(DYNAMIC_PREFIX))
        return cls(FloorProvider(), name, dict(inputs), opts)
    return pulumi.ComponentResource(kind, name, None, opts)


def register(path: Path) -> None:
    """Register every resource listed in ``path`` (written by ``benchmarks.floor``)."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    created: list[pulumi.Resource] = []
    provider: pulumi.ProviderResource | None = None
    for entry in entries:
        parent = created[entry["parent"]] if entry["parent"] is not None else None
        opts = pulumi.ResourceOptions(parent=parent, **entry["options"])
        resource = _create(entry, opts, provider)
        if isinstance(resource, sentry.Provider):
            provider = resource
        created.append(resource)
