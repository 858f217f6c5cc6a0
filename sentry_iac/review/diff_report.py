"""A stack's diff as a pull-request comment (Markdown) or as JSON.

Each stack's Markdown starts with a hidden marker, ``<!-- sentry-iac-diff:<stack> -->``, so CI
finds and edits its earlier comment for that stack instead of adding a new one each push."""

from __future__ import annotations

from typing import Any

from sentry_iac.review.diff import Change, RuleGroup, StackDiff

MARKER = "<!-- sentry-iac-diff:{stack} -->"
SECTIONS = (("routing", "Routing"), ("projects", "Projects"), ("access", "Teams and access"),
            ("privacy", "Privacy"), ("organization", "Organisation settings"),
            ("crons", "Cron monitors"), ("dashboards", "Dashboards"),
            ("uptime", "Uptime monitors"))


def marker(stack: str) -> str:
    return MARKER.format(stack=stack)


def change_line(change: Change, indent: str = "") -> str:
    if change.old is None:
        return f"{indent}- {change.label}: added: {change.new}"
    if change.new is None:
        return f"{indent}- {change.label}: removed (was: {change.old})"
    return f"{indent}- {change.label}: {change.old} → {change.new}"


def _projects(names: tuple[str, ...]) -> str:
    return ", ".join(f"`{n}`" for n in names)


def _group_line(group: RuleGroup) -> str:
    return (f"- **{group.name}** `{group.rule_id}` on {_projects(group.projects)}: "
            f"{group.sentence}")


def _rules(diff: StackDiff) -> list[str]:
    if not (diff.rules_added or diff.rules_removed or diff.rules_changed):
        return []
    lines = ["### Alert rules", ""]
    for title, groups in (("Added", diff.rules_added), ("Removed", diff.rules_removed)):
        if groups:
            lines += [f"**{title}**", "", *(_group_line(g) for g in groups), ""]
    if diff.rules_changed:
        lines += ["**Changed**", ""]
        for rule in diff.rules_changed:
            lines.append(f"- **{rule.name}** `{rule.rule_id}` on {_projects(rule.projects)}")
            lines += [change_line(c, "  ") for c in rule.changes]
        lines.append("")
    return lines


def stack_markdown(diff: StackDiff, base: str, head: str) -> str:
    """One stack's comment: marker, title, callouts first, then each section that changed."""
    lines = [marker(diff.stack), f"## sentry-iac diff: `{diff.stack}`", "",
             f"`{base}` → `{head}`", ""]
    if diff.callouts:
        lines += ["> [!WARNING]", "> **Deletes, replaces or renames in Sentry**", ">"]
        lines += [f"> - {c.message}" for c in diff.callouts]
        lines.append("")
    lines += _rules(diff)
    for attribute, title in SECTIONS:
        changes: list[Change] = getattr(diff, attribute)
        if changes:
            lines += [f"### {title}", "", *(change_line(c) for c in changes), ""]
    if not diff.changed:
        scope = ("alert rules, routing, projects, access or privacy" if diff.owner
                 else "alert rules, routing or projects")
        lines += [f"No changes to {scope} in `{diff.stack}`.", ""]
    if diff.elsewhere:
        lines += [f"Organisation-wide changes (teams, members, project settings, privacy) are "
                  f"applied by the `{diff.elsewhere}` stack; see its comment.", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def markdown(diffs: list[StackDiff], base: str, head: str) -> str:
    return "\n".join(stack_markdown(d, base, head) for d in diffs)


def as_json(diffs: list[StackDiff], base: str, head: str) -> dict[str, Any]:
    return {"base": base, "head": head, "changed": any(d.changed for d in diffs),
            "stacks": [d.as_json() for d in diffs]}
