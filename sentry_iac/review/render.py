"""``sentry-iac render``: one stack's alerting and organisation as a Markdown page (or JSON)."""

from __future__ import annotations

from typing import Any

from sentry_iac.review import quotas, summary, triage
from sentry_iac.review.mermaid import routing_diagram
from sentry_iac.review.observability import render_sections
from sentry_iac.review.snapshot import ProjectView, Snapshot
from sentry_iac.review.uptime import render_section as render_uptime


def cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def _project_section(project: ProjectView) -> list[str]:
    platform = f" · platform {project.platform}" if project.platform else ""
    limit = f" · client key: {project.key_rate_limit}" if project.key_rate_limit else ""
    spike = project.values.get("spike_protection")
    protection = f" · spike protection {'on' if spike == 'true' else 'off'}" if spike else ""
    lines = [f"### {project.name} (`{project.slug}`)", "",
             f"Environment `{project.environment}`{platform} · teams: "
             f"{', '.join(project.teams)}{limit}{protection}", ""]
    if project.rules:
        lines += ["| Rule | Alert | Details |", "|---|---|---|"]
        for rule in project.rules:
            details = cell("; ".join(rule.details))
            lines.append(f"| {cell(rule.name)} `{rule.rule_id}` | {cell(rule.sentence)} |"
                         f"{' ' + details if details else ''} |")
    else:
        lines.append("No alert rules in this stack.")
    if project.off:
        lines += ["", "Off in this stack: " + ", ".join(project.off) + "."]
    for line in triage.project_lines(project.values):
        lines += ["", line]
    return [*lines, ""]


def _routing_section(view: Snapshot) -> list[str]:
    lines = ["## Routing", "", routing_diagram(view), "",
             "| Priority | Respond | Channels |", "|---|---|---|"]
    for route in view.routes:
        channels = ", ".join(f"{name} ({view.channels[name]})" for name in route.channels)
        lines.append(f"| {route.label} | {cell(route.respond or '')} | "
                     f"{cell(channels or 'nobody')} |")
    return [*lines, ""]


def _organization_section(view: Snapshot) -> list[str]:
    org = view.org
    assert org is not None
    who = ("this stack" if view.is_owner else f"the {view.owner_stack} stack")
    lines = ["## Organisation", "", f"Teams, members, projects and settings are managed by {who}.",
             "", "### Teams and access", "", "| Team | Members | Projects |", "|---|---|---|"]
    for team in org.teams:
        members = [f"{m.email} ({t.declared_role})" if t.declared_role else m.email
                   for m in org.members for t in m.teams if t.team == team.slug]
        projects = [p.slug for p in org.projects if team.slug in p.teams]
        lines.append(f"| {cell(team.display_name)} `{team.slug}` | "
                     f"{cell(', '.join(members) or 'none')} | {', '.join(projects) or 'none'} |")
    lines += ["", "Members: " + (", ".join(f"{email} ({text.split(';')[0]})"
                                          for email, text in view.members.items()) or "none"),
              ""]
    access = summary.access(org.security)
    lines += ["### Access", "", *(f"- {a}" for a in access or ["not managed here"]), ""]
    lines += ["### Privacy", ""]
    privacy = [("organisation", summary.privacy(org.privacy)), *summary.project_privacy(org)]
    for owner, phrases in privacy:
        lines.append(f"- {owner}: {'; '.join(phrases) or 'not managed here'}")
    retention = summary.retention(org.retention)
    lines += ["", "### Retention", "", retention or "Not declared.", ""]
    notices = quotas.spike_notifications(org)
    if notices:
        lines += ["### Spike protection", "",
                  "When spike protection drops a project's events, Sentry tells:", "",
                  *(f"- {notice}" for notice in notices), ""]
    return lines


def render_markdown(view: Snapshot) -> str:
    backend = ("Sentry's Monitors & Alerts API" if view.alerts_backend == "monitors"
               else "the legacy alert-rule API")
    lines = [f"# Sentry alerting: {view.stack}", "",
             f"Organisation `{view.organization}`, stack `{view.stack}`; alert rules go through "
             f"{backend}.", "", "## Alert rules", ""]
    for project in view.projects:
        lines += _project_section(project)
    lines += render_sections(view.stack, view.crons, view.dashboards)
    lines += render_uptime(view.stack, view.uptime)
    lines += _routing_section(view)
    lines += _organization_section(view)
    return "\n".join(lines).rstrip("\n") + "\n"


def render_json(view: Snapshot) -> dict[str, Any]:
    org = view.org
    assert org is not None
    data = view.as_json()
    data["summary"] = {
        "access": summary.access(org.security),
        "privacy": {owner: phrases for owner, phrases in
                    [("organisation", summary.privacy(org.privacy)),
                     *summary.project_privacy(org)]},
        "retention": summary.retention(org.retention),
    }
    return data
