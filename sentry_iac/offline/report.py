"""``sentry-iac plan --details``: the offline plan as a resource tree with every input (the
short view is ``plan_view``)."""

from __future__ import annotations

from collections import Counter, defaultdict

from sentry_iac.offline.engine import Plan
from sentry_iac.offline.monitor import RegisteredResource
from sentry_iac.offline.plan_view import LOOKUP_NAMES, removal_flags, short_type, sorted_lookups
from sentry_iac.offline.plan_view import value_text as _value

# Inputs that are bookkeeping for error messages, not configuration to review.
HIDDEN_INPUTS = frozenset({"sources"})


def _flags(resource: RegisteredResource) -> list[str]:
    flags = removal_flags(resource)
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
        for lookup in sorted_lookups(plan):
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
