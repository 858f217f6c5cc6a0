"""The files Pulumi adopts with, built from the plan itself so every name matches it exactly.

* ``import/<stack>.json`` is ``pulumi import --file``'s format: ``nameTable`` (the stack's
  explicit Sentry provider) and ``resources`` (type, ``name`` unique in the file, the plan's
  ``logicalName``, Sentry's ``id``, the ``parent``'s name; components as ``component: true``).
  Ids follow pulumiverse_sentry's documented import ids: ``org/team``, ``org/project``,
  ``org/project/key-id``, ``org/member-id``.
* ``import/<stack>.adopt.json`` lists the dynamic resources, which ``pulumi import`` cannot
  import (pulumi/pulumi#16175): monitors, alerts, cron monitors and dashboards by Sentry id,
  settings by their identity.
  The program reads it (``build.adoption``) and the providers take those objects over.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sentry_iac.importer.convert.to_spec import AdoptionIds
from sentry_iac.offline.engine import Plan
from sentry_iac.offline.monitor import RegisteredResource
from sentry_iac.providers.kinds import KINDS

PROVIDER_TYPE = "pulumi:providers:sentry"
DYNAMIC_PREFIX = "pulumi-python:dynamic/"
# Resources without a Sentry id of their own: they are named by their identity. ProjectDefaults
# acts once, on the project the import found (which keeps Sentry's defaults if it has events).
SETTINGS_KINDS = {kind.name: kind.identity for kind in KINDS}
SETTINGS_KINDS["ProjectDefaults"] = ("organization", "project")
# Dynamic resources that take over an existing object by its Sentry id (``adopt``).
ADOPTED_BY_ID = ("Monitor", "Alert", "CronMonitor", "CronAlert", "Dashboard", "UptimeMonitor",
                 "UptimeAlert")


@dataclass
class ImportFiles:
    pulumi: dict[str, Any]  # for `pulumi import --file`
    adopt: dict[str, Any]  # for the dynamic providers
    missing: list[str] = field(default_factory=list)  # "type name": what the plan creates anew


def short_type(resource: RegisteredResource) -> str:
    return resource.type.rsplit(":", 1)[-1]


def sentry_id(resource: RegisteredResource, ids: AdoptionIds, stack: str) -> str | None:
    """The id a resource of the plan is imported or adopted with; None when Sentry has none."""
    short, name, org = short_type(resource), resource.name, ids.organization
    if short in ("SentryTeam", "SentryProject"):
        return f"{org}/{name}"
    if short == "SentryKey":
        key = ids.keys.get((name, stack))
        return f"{org}/{name}/{key}" if key else None
    if short == "SentryOrganizationMember":
        member = ids.members.get(name.lower())
        return f"{org}/{member}" if member else None
    if short in ADOPTED_BY_ID:
        return ids.alerts.get((short, name, stack))
    if short == "TeamRole":
        member = ids.members.get(str(resource.inputs.get("member", "")).lower())
        return f"{org}/{member}/{resource.inputs['team']}" if member else None
    if short == "SpikeProtection":
        return f"{org}/{resource.inputs['project']}"
    if short == "SpikeNotification":
        return ids.spike.get(name)
    if short in SETTINGS_KINDS:
        # Settings resources: their id is the "/"-joined identity (providers.settings).
        return "/".join(str(resource.inputs[k]) for k in SETTINGS_KINDS[short])
    return None


def _source_name(resource: RegisteredResource, taken: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_]+", "_", f"{short_type(resource)}_{resource.name}").strip("_")
    name, number = base, 1
    while name in taken:
        number += 1
        name = f"{base}_{number}"
    taken.add(name)
    return name


def import_files(plan: Plan, ids: AdoptionIds) -> ImportFiles:
    by_urn = {r.urn: r for r in plan.resources}
    provider = next(r for r in plan.resources if r.type == PROVIDER_TYPE)
    # The URN the real engine gives the stack's provider (a child of the stack, whose type is
    # not part of its children's URNs; the mock engine's URNs differ there).
    provider_urn = f"urn:pulumi:{plan.stack}::{plan.project}::{PROVIDER_TYPE}::{provider.name}"
    taken: set[str] = set()
    names: dict[str, str] = {}
    entries: list[dict[str, Any]] = []
    adopt: list[dict[str, Any]] = []
    out = ImportFiles({}, {})

    def entry_name(urn: str) -> str:
        if urn not in names:
            parent = by_urn[urn]
            names[urn] = _source_name(parent, taken)
            component = {"type": parent.type, "name": names[urn], "logicalName": parent.name,
                         "component": True}
            if parent.parent in by_urn:
                component["parent"] = entry_name(parent.parent)
            entries.append(component)
        return names[urn]

    for resource in plan.resources:
        if not resource.custom or resource.type == PROVIDER_TYPE:
            continue
        found = sentry_id(resource, ids, plan.stack)
        if found is None:
            out.missing.append(f"{short_type(resource)} {resource.name}")
            continue
        parent = by_urn.get(resource.parent or "")
        if resource.type.startswith(DYNAMIC_PREFIX):
            item = {"type": resource.type, "name": resource.name, "id": found}
            if parent is not None:
                item["parent"] = f"{parent.type}::{parent.name}"
            adopt.append(item)
            continue
        item = {"type": resource.type, "name": _source_name(resource, taken),
                "logicalName": resource.name, "id": found, "provider": provider.name}
        if parent is not None:
            item["parent"] = entry_name(parent.urn)
        entries.append(item)
    out.pulumi = {"nameTable": {provider.name: provider_urn}, "resources": entries}
    out.adopt = {"resources": adopt}
    return out
