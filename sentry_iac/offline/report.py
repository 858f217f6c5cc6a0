"""The offline plan as text for people: a resource tree with the inputs that matter."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from typing import Any

from sentry_iac.offline.engine import Plan
from sentry_iac.offline.monitor import RegisteredResource

LOOKUP_NAMES = {
    "sentry:index/getSentryTeam:getSentryTeam": "team",
    "sentry:index/getSentryOrganization:getSentryOrganization": "organization",
    "sentry:index/getSentryOrganizationIntegration:getSentryOrganizationIntegration":
        "integration",
}


def short_type(type_token: str) -> str:
    """``sentry:index/sentryKey:SentryKey`` -> ``SentryKey``; providers keep their full token."""
    if type_token.startswith("pulumi:providers:"):
        return type_token
    return type_token.rsplit(":", 1)[-1]


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


# Inputs that are bookkeeping for error messages, not configuration to review.
HIDDEN_INPUTS = frozenset({"sources"})


# Objects whose deletion destroys data in Sentry: the plan says what removing them would do.
DATA_HOLDERS = frozenset({"SentryProject", "SentryTeam", "SentryKey", "SentryOrganizationMember",
                          "CronMonitor"})


def _flags(resource: RegisteredResource) -> list[str]:
    flags = []
    if resource.options.get("protect"):
        flags.append("[protected]")
    if resource.options.get("retain_on_delete"):
        flags.append("[kept in Sentry if removed]")
    elif short_type(resource.type) in DATA_HOLDERS:
        flags.append("[DELETED from Sentry if removed: opted in]")
    aliases = [a.get("name") if isinstance(a, dict) else a
               for a in resource.options.get("aliases", [])]
    if aliases:
        flags.append(f"[renamed from {', '.join(str(a) for a in aliases)}]")
    secrets = resource.options.get("additional_secret_outputs")
    if secrets:
        flags.append(f"[secret outputs: {', '.join(secrets)}]")
    return flags


def _lines(resource: RegisteredResource, depth: int) -> list[str]:
    """A header with the short inputs, then one line per nested setting; multi-line text
    (fingerprinting rules) indented below its key."""
    pad = "  " * depth
    inline, nested = [], []
    for key, value in sorted(resource.inputs.items()):
        if key in HIDDEN_INPUTS:
            continue
        if isinstance(value, dict):
            nested += [(f"{key}.{k}", v) for k, v in sorted(value.items())]
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            # conditions, actions, triggers: one per line reads better than one long list
            nested += [(f"{key}[{i}]", v) for i, v in enumerate(value)]
        else:
            inline.append(f"{key}={_value(value)}")
    header = [f"{pad}+ {short_type(resource.type)} {resource.name}", *inline, *_flags(resource)]
    out = ["  ".join(header)]
    for key, value in nested:
        if isinstance(value, str) and "\n" in value:
            out.append(f"{pad}    {key}:")
            out += [f"{pad}      {line}" for line in value.splitlines()]
        else:
            out.append(f"{pad}    {key}: {_value(value)}")
    return out


def format_plan(plan: Plan) -> str:
    owner = plan.stack == plan.owner_stack
    role = ("owns the organisation-wide resources" if owner else
            f"refers to the organisation-wide resources of stack '{plan.owner_stack}' by slug")
    lines = [f"Stack '{plan.stack}' of {plan.project}: organization '{plan.organization}'; "
             f"this stack {role}.", ""]
    urns = {r.urn for r in plan.resources}
    children: dict[str | None, list[RegisteredResource]] = defaultdict(list)
    for resource in plan.resources:
        parent = resource.parent if resource.parent in urns else None
        children[parent].append(resource)

    def walk(parent: str | None, depth: int) -> None:
        for resource in sorted(children[parent], key=lambda r: (r.type, r.name)):
            lines.extend(_lines(resource, depth))
            walk(resource.urn, depth + 1)

    walk(None, 0)
    if plan.lookups:
        lines += ["", "Looked up at deploy time (read only):"]
        for lookup in plan.lookups:
            what = LOOKUP_NAMES.get(lookup["token"], lookup["token"])
            args = "  ".join(f"{k}={_value(v)}" for k, v in sorted(lookup["args"].items()))
            lines.append(f"  {what}  {args}")
    if plan.attention:
        lines += ["", "Attention: changes to who may do what, deletions opted into, renames:"]
        lines += [f"  ! {callout}" for callout in plan.attention]
    lines += ["", "Outputs:"]
    lines += [f"  {name}: {_value(value)}" for name, value in plan.outputs.items()]
    counts = Counter(short_type(r.type) for r in plan.resources)
    summary = ", ".join(f"{n} {t}" for t, n in sorted(counts.items()))
    lines += ["", f"{len(plan.resources)} resources: {summary}"]
    return "\n".join(lines)
