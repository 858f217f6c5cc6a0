"""The routing of one stack (priority → channels) as a Mermaid flowchart, which GitHub renders
in Markdown."""

from __future__ import annotations

import re

from sentry_iac.review.snapshot import Route, Snapshot

# Mermaid's own escapes (#quot; etc.) keep labels from ending early or turning into HTML.
_ESCAPES = {'"': "#quot;", "<": "#lt;", ">": "#gt;"}


def label(text: str) -> str:
    return "".join(_ESCAPES.get(ch, ch) for ch in text)


def node_id(prefix: str, name: str) -> str:
    """A Mermaid id from a YAML name: ``on-call`` -> ``c_on_call`` (never a keyword: prefixed)."""
    return f"{prefix}_{re.sub(r'[^A-Za-z0-9_]', '_', name)}"


def _priority_node(route: Route) -> str:
    """``p_critical``; a team's own route of it ``p_critical__payments``."""
    name = route.priority if route.team is None else f"{route.priority}__{route.team}"
    return node_id("p", name)


def routing_diagram(view: Snapshot) -> str:
    """```mermaid ... ``` with one node per priority and per channel, and an edge for each
    route in this stack; priorities routed nowhere point at a dashed 'nobody' node."""
    environments = sorted({p.environment for p in view.projects}) or [view.stack]
    lines = ["```mermaid", "flowchart LR"]
    lines.append(f'  subgraph priorities["{label(view.stack)} stack, environments: '
                 f'{label(", ".join(environments))}"]')
    for route in view.routes:
        respond = f"<br/>respond {label(route.respond)}" if route.respond else ""
        lines.append(f'    {_priority_node(route)}(["{label(route.label)}{respond}"])')
    lines.append("  end")
    for name, destination in view.channels.items():
        lines.append(f'  {node_id("c", name)}["{label(name)}<br/>{label(destination)}"]')
    unrouted = [r for r in view.routes if not r.channels]
    if unrouted:
        lines.append(f'  nobody(["nobody in {label(view.stack)}"])')
    for route in view.routes:
        for channel in route.channels:
            lines.append(f"  {_priority_node(route)} --> {node_id('c', channel)}")
        if not route.channels:
            lines.append(f"  {_priority_node(route)} -.-> nobody")
    lines.append("```")
    return "\n".join(lines)
