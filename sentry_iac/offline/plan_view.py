"""The offline plan as people read it: one line per resource, grouped by project
(organisation-wide resources first) and kind, rules in plain words, what removal would do.

Pulumi-free: it reads a ``Plan`` (what the program registered) and the ``Spec`` it came from,
whose rule, cron and channel views (``config.stack_views``) give the words ``render`` uses.
Every input is in ``report.format_plan`` (``plan --details``) and ``plan --json``.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sentry_iac.config.crons import legacy_issue_rule
from sentry_iac.config.loader import Spec
from sentry_iac.config.stack_views import (
    StackCron,
    StackRule,
    StackUptime,
    stack_crons,
    stack_rules,
    stack_uptime,
)
from sentry_iac.review import english, quotas, triage
from sentry_iac.review.observability import cron_views
from sentry_iac.review.uptime import check_words, issue_words, routing_words
from sentry_iac.sentry import keys

if TYPE_CHECKING:
    from sentry_iac.offline.engine import Plan
    from sentry_iac.offline.monitor import RegisteredResource

WIDTH = 100
NAME_WIDTH = 24
KEEP = "\u00a0"  # a space ``wrap`` does not break at, printed as a space
ARROW = english.ARROW
# Objects whose deletion destroys data in Sentry: the plan says what removing them would do.
DATA_HOLDERS = frozenset({"SentryProject", "SentryTeam", "SentryKey", "SentryOrganizationMember",
                          "CronMonitor", "UptimeMonitor", "LegacyUptimeMonitor"})
# Component resources only group others; the tree in ``--details`` shows them.
COMPONENTS = frozenset({"Organization", "Project", "AlertRule"})
# Type -> (kind shown, rank within its group).
KINDS = {
    "pulumi:providers:sentry": ("provider", 0),
    "SentryTeam": ("team", 1),
    "SentryOrganizationMember": ("member", 2),
    "TeamRole": ("team role", 2),
    "Repository": ("repository", 3),
    "SentryProject": ("project", 1),
    "SentryKey": ("key", 2),
    "ProjectDefaults": ("settings", 3),
    "ProjectDetails": ("settings", 4),
    "OrganizationPrivacy": ("settings", 4),
    "OrganizationSecurity": ("settings", 4),
    "ProjectPrivacy": ("settings", 4),
    "ProjectFingerprinting": ("settings", 4),
    "ProjectPerformanceIssues": ("settings", 4),
    "ProjectOwnership": ("settings", 4),
    "ProjectInboundFilters": ("settings", 4),
    "SpikeProtection": ("settings", 4),
    "EnvironmentVisibility": ("environment", 5),
    "SpikeNotification": ("spike alert", 5),
    "Alert": ("alert", 6),
    "Monitor": ("monitor", 6),
    "SentryIssueAlert": ("alert", 6),
    "SentryMetricAlert": ("alert", 6),
    "CronMonitor": ("cron", 7),
    "CronAlert": ("cron alert", 7),
    "cron alert": ("cron alert", 7),
    "UptimeMonitor": ("uptime", 7),
    "LegacyUptimeMonitor": ("uptime", 7),
    "UptimeAlert": ("uptime alert", 7),
    "uptime alert": ("uptime alert", 7),
    "Dashboard": ("dashboard", 8),
    "SentryOrganizationCodeMapping": ("code mapping", 9),
}
SETTINGS_BLOCKS = {
    "OrganizationPrivacy": "privacy", "OrganizationSecurity": "security",
    "ProjectPrivacy": "privacy", "ProjectFingerprinting": "fingerprinting",
    "ProjectPerformanceIssues": "performance", "ProjectDetails": "details",
}
# Issue owners and inbound filters: the block's name and its words (review.triage).
TRIAGE_WORDS: dict[str, tuple[str, Callable[[dict[str, Any]], str]]] = {
    "ProjectOwnership": ("ownership", lambda fields: triage.ownership_sentence(
        triage.ownership_from_fields(fields))),
    "ProjectInboundFilters": ("inbound filters", lambda fields: triage.filters_sentence(
        triage.filters_from_fields(fields))),
}
LOOKUP_NAMES = {
    "sentry:index/getSentryTeam:getSentryTeam": "team",
    "sentry:index/getSentryOrganization:getSentryOrganization": "organization",
    "sentry:index/getSentryOrganizationIntegration:getSentryOrganizationIntegration":
        "integration",
}
_SOURCE = re.compile(r"^\S+:\d+:\d+: (?P<path>.+)$")
_PROJECT_PATH = re.compile(r"^projects\[\d+\]\.")


def short_type(type_token: str) -> str:
    """``sentry:index/sentryKey:SentryKey`` -> ``SentryKey``; providers keep their full token."""
    if type_token.startswith("pulumi:providers:"):
        return type_token
    return type_token.rsplit(":", 1)[-1]


def value_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


KEPT = "[kept in Sentry if removed]"
KEPT_SHORT = "[kept if removed]"
DELETED = "[DELETED from Sentry if removed: opted in]"
LEGEND = (f"If removed from the YAML: {KEPT_SHORT} Sentry keeps it, data and all; {DELETED} by "
          "delete_when_removed; unmarked: deleted (it holds no data).")


def removal_flags(resource: RegisteredResource, kept: str = KEPT,
                  implied: Collection[str] = ()) -> list[str]:
    """What removing it from the YAML does, and renames, in the words of every view (``kept``
    shorter in the summary, whose legend says it in full; renames from ``implied`` left to a
    heading that says them once)."""
    flags = []
    if resource.options.get("protect"):
        flags.append("[protected]")
    if resource.options.get("retain_on_delete"):
        flags.append(kept)
    elif short_type(resource.type) in DATA_HOLDERS:
        flags.append(DELETED)
    aliases = [a.get("name") if isinstance(a, dict) else a
               for a in resource.options.get("aliases", [])]
    aliases = [a for a in aliases if a not in implied]
    if aliases:
        flags.append(f"[renamed from {', '.join(str(a) for a in aliases)}]")
    return flags


def sorted_lookups(plan: Plan) -> list[dict[str, Any]]:
    return sorted(plan.lookups, key=lambda lookup: json.dumps(lookup, sort_keys=True))


@dataclass(frozen=True)
class Views:
    """The stack's rules and crons by logical name, where the words come from."""

    rules: dict[str, StackRule]
    crons: dict[str, StackCron]
    schedules: dict[str, str]
    uptime: dict[str, StackUptime]

    @classmethod
    def of(cls, spec: Spec, stack: str) -> Views:
        crons = {item.key: item for item in stack_crons(spec.org, stack)}
        # The legacy backend alerts on a cron through an issue rule of its own logical name.
        crons.update({legacy_issue_rule(item.cron, item.project.slug).id + "/" +
                      item.project.slug: item for item in crons.values()})
        return cls(rules={item.key: item for item in stack_rules(spec, stack)}, crons=crons,
                   schedules={view.key: f"{view.name}, {view.schedule.replace('`', '')}"
                              for view in cron_views(spec, stack)},
                   uptime={key: item for item in stack_uptime(spec.org, stack)
                           for key in (item.key, item.legacy_key)})


def _routing(priority: str | None, channels: tuple[tuple[str, Any], ...],
             team: str | None = None) -> str:
    who = english.routed(priority, team).replace(" ", KEEP)
    return f"{ARROW}{KEEP}{who}: {', '.join(name for name, _ in channels) or 'nobody'}"


def _rule_routing(item: StackRule) -> str:
    """``→ critical: on-call, team-chat``, with the warning level's own routing after it."""
    text = _routing(item.priority, item.channels, item.team)
    if item.split:
        warning = _routing(item.warning_priority, item.warning_channels or (), item.warning_team)
        text += f"; warning {warning}"
    return text


def _alert(item: StackRule, environment: str | None) -> str:
    where = f" in {item.environment}" if item.environment != environment else ""
    return f"{english.condition(item)}{where} {_rule_routing(item)}"


def _monitor(item: StackRule) -> str:
    if item.anomaly is not None:
        return english.ANOMALY_ISSUES
    parts = []
    if item.warning is not None:
        parts.append(f"warning {english.threshold(item.warning)}")
    if item.resolution is not None:
        parts.append(f"resolves {english.threshold(item.resolution)}")
    return ", ".join(parts)


def _settings_fields(resource: RegisteredResource) -> list[str]:
    """The YAML keys a settings resource manages, from where each was declared."""
    sources = resource.inputs.get("sources")
    if not isinstance(sources, dict) or not sources:
        settings = resource.inputs.get("settings")
        return sorted(settings) if isinstance(settings, dict) else []
    fields = set()
    for where in sources.values():
        match = _SOURCE.match(str(where))
        path = _PROJECT_PATH.sub("", match.group("path") if match else str(where))
        fields.add(path.split(".", 1)[1] if "." in path else path)
    return sorted(fields)


def _settings(kind: str, resource: RegisteredResource) -> str:
    if kind == "ProjectFingerprinting":
        rules = resource.inputs.get("settings", {}).get("fingerprintingRules", "")
        count = len([line for line in str(rules).splitlines() if line.strip()])
        return f"{count} rule{'s' if count != 1 else ''}"
    return ", ".join(_settings_fields(resource)) or "none"


def _dashboard(inputs: dict[str, Any]) -> str:
    dashboard = inputs.get("dashboard", {})
    widgets = inputs.get("widgets", [])
    return (f"\"{dashboard.get('title', '')}\", {len(widgets)} widgets, "
            f"period {dashboard.get('period', '?')}")


def describe(resource: RegisteredResource, views: Views,
             environment: str | None) -> tuple[str, str, str]:
    """(kind, name, what it is) for one resource; unknown types show their name only."""
    kind = short_type(resource.type)
    shown = KINDS.get(kind, (kind, 10))[0]
    inputs, name = resource.inputs, resource.name
    rule = views.rules.get(name)
    if kind == "SentryMetricAlert" and rule is not None:  # the legacy backend's, whole
        return shown, rule.rule.id, f"{_alert(rule, environment)}; {_monitor(rule)}"
    if kind in ("Alert", "SentryIssueAlert") and rule is not None:
        return shown, rule.rule.id, _alert(rule, environment)
    if kind == "Monitor" and rule is not None:
        return shown, rule.rule.id, _monitor(rule)
    cron = views.crons.get(name)
    if kind in ("CronAlert", "SentryIssueAlert") and cron is not None:
        return "cron alert", cron.cron.slug, _routing(cron.priority, cron.channels, cron.team)
    if kind == "CronMonitor":
        return shown, name.split("/", 1)[-1], views.schedules.get(name, "")
    uptime = views.uptime.get(name)
    if kind in ("UptimeMonitor", "LegacyUptimeMonitor") and uptime is not None:
        what = f"{check_words(uptime)}; {issue_words(uptime)}"
        paused = f"{what}; PAUSED in {uptime.stack}: no checks, no alert"
        return shown, uptime.check.id, paused if uptime.paused else what
    if kind in ("UptimeAlert", "SentryIssueAlert") and uptime is not None:
        return "uptime alert", uptime.check.id, f"{ARROW}{KEEP}{routing_words(uptime)}"
    if kind == "pulumi:providers:sentry":
        return shown, name, "its token is a secret, never shown"
    if kind == "SentryTeam":
        return shown, name, f"\"{inputs.get('name', '')}\""
    if kind == "SentryOrganizationMember":
        teams = ", ".join(inputs.get("teams") or []) or "no team"
        return shown, name, f"{inputs.get('role', '')}; teams: {teams}"
    if kind == "Repository":
        return shown, name, f"through integration {inputs.get('integration', '')}"
    if kind == "SentryProject":
        teams = ", ".join(inputs.get("teams") or [])
        return shown, name, f"\"{inputs.get('name', '')}\"; teams: {teams}"
    if kind == "SentryKey":
        count, window = inputs.get(keys.COUNT_WIRE), inputs.get(keys.WINDOW_WIRE)
        limit = (f"; {quotas.rate_limit(int(count), int(window))}"
                 if isinstance(count, int | float) and isinstance(window, int | float) else "")
        return shown, str(inputs.get("name", name)), f"(DSN exported as a secret){limit}"
    if kind == "TeamRole":
        return shown, str(inputs.get("member", name)), quotas.team_role(
            str(inputs.get("role", "")), str(inputs.get("org_role", "")),
            str(inputs.get("team", "")))
    if kind == "SpikeProtection":
        return shown, "spike protection", quotas.spike_protection(inputs.get("enabled") is True)
    if kind == "SpikeNotification":
        dest = inputs.get("destination") or {}
        to = quotas.spike_destination(str(dest.get("kind", "")), str(inputs.get("via", name)))
        return shown, str(inputs.get("via", name)), (
            f"when spike protection drops events {ARROW} {to}; projects: "
            f"{', '.join(inputs.get('projects') or [])}")
    if kind == "ProjectDefaults":
        return shown, "defaults", "takes Sentry's default key and alert off"
    if kind in TRIAGE_WORDS:
        block, words = TRIAGE_WORDS[kind]
        return shown, block, words(inputs.get("settings") or {})
    if kind in SETTINGS_BLOCKS:
        return shown, SETTINGS_BLOCKS[kind], _settings(kind, resource)
    if kind == "EnvironmentVisibility":
        hidden = inputs.get("settings", {}).get("isHidden")
        return shown, str(inputs.get("environment", name)), "hidden" if hidden else "shown"
    if kind == "Dashboard":
        return shown, name.split("/", 1)[0], _dashboard(inputs)
    if kind == "SentryOrganizationCodeMapping":
        return shown, str(inputs.get("stackRoot", name)), (
            f"{ARROW} {inputs.get('sourceRoot', '')} on branch {inputs.get('defaultBranch', '')}")
    return shown, name, ""


def wrap(line: str, indent: int) -> list[str]:
    """``line`` in lines of at most ``WIDTH`` columns, continued ``indent`` spaces in, never
    broken inside a flag or at a ``KEEP``."""
    lines = textwrap.wrap(line, WIDTH, subsequent_indent=" " * indent, break_long_words=False,
                          break_on_hyphens=False)
    return [text.replace(KEEP, " ") for text in lines] or [""]


def project_of(resource: RegisteredResource, components: dict[str, RegisteredResource]
               ) -> str | None:
    """The project a resource belongs to, or ``None`` for organisation-wide ones."""
    project = resource.inputs.get("project")
    if isinstance(project, str):
        return project
    parent = components.get(resource.parent or "")
    if parent is not None and short_type(parent.type) == "Project":
        return parent.name
    return None


def _implied(resource: RegisteredResource, slug: str | None, renamed: Collection[str]) -> set[str]:
    """The old names a resource has only because its project was renamed from ``renamed``."""
    if slug is None:
        return set()
    parts = re.split(r"([/:])", resource.name)
    return {"".join(old if part == slug else part for part in parts) for old in renamed}


def _group(title: str, resources: list[RegisteredResource], views: Views, kind_width: int,
           environment: str | None, slug: str | None = None,
           renamed: Collection[str] = ()) -> list[str]:
    rows = []
    for resource in resources:
        kind, name, what = describe(resource, views, environment)
        shown_rank = kind in ("cron alert", "uptime alert")
        rank = KINDS.get(kind if shown_rank else short_type(resource.type), ("", 10))[1]
        flags = removal_flags(resource, KEPT_SHORT, _implied(resource, slug, renamed))
        rows.append(((rank, name, kind), kind, name, what, flags))
    rows.sort(key=lambda row: row[0])
    name_width = min(max((len(row[2]) for row in rows), default=0), NAME_WIDTH)
    text_column = kind_width + name_width + 6
    lines = [title]
    for _, kind, name, what, flags in rows:
        text = "  ".join(part for part in (what, *(f.replace(" ", KEEP) for f in flags)) if part)
        line = f"  {kind:<{kind_width}}  {name:<{name_width}}  {text}".rstrip()
        lines += wrap(line, text_column if text_column <= WIDTH // 2 else kind_width + 6)
    return lines


def _renamed_from(resource: RegisteredResource | None) -> list[str]:
    if resource is None:
        return []
    return [str(a.get("name") if isinstance(a, dict) else a)
            for a in resource.options.get("aliases", [])]


def _components_flags(resource: RegisteredResource | None) -> str:
    flags = removal_flags(resource) if resource is not None else []
    if _renamed_from(resource):
        flags[-1] = flags[-1].replace("]", ": so is everything in it]")
    return "".join(f"  {flag}" for flag in flags)


def _tail(plan: Plan, shown: int) -> list[str]:
    lines: list[str] = []
    lookups = sorted_lookups(plan)
    if lookups:
        lines += ["", "Looked up at deploy time (read only):"]
        for lookup in lookups:
            what = LOOKUP_NAMES.get(lookup["token"], lookup["token"])
            args = "  ".join(f"{k}={value_text(v)}" for k, v in sorted(lookup["args"].items()))
            lines += wrap(f"  {what}  {args}", 4)
    if plan.attention:
        lines += ["", "Attention: changes to who may do what, deletions opted into, renames:"]
        for callout in plan.attention:
            lines += wrap(f"  ! {callout}", 4)
    lines += ["", "Outputs:"]
    for name, value in sorted(plan.outputs.items()):
        text = f"  {name}: {value_text(value)}"
        lines.append(text if len(text) <= WIDTH else text[:WIDTH - 1] + "…")
    components = len(plan.resources) - shown
    lines += ["", *wrap(f"{len(plan.resources)} resources: {shown} above and {components} "
                        "components grouping them. Every input: --details; all of it as JSON: "
                        "--json.", 0)]
    return lines


def format_summary(plan: Plan, spec: Spec) -> str:
    """``sentry-iac plan``: the stack's resources, one line each, sorted."""
    views = Views.of(spec, plan.stack)
    owner = plan.stack == plan.owner_stack
    role = ("owns the organisation-wide resources" if owner else
            f"refers to the organisation-wide resources of stack '{plan.owner_stack}' by slug")
    lines = wrap(f"Stack '{plan.stack}' of {plan.project}: organization '{plan.organization}'; "
                 f"this stack {role}.", 0)
    lines += wrap(LEGEND.replace(KEPT_SHORT, KEPT_SHORT.replace(" ", KEEP)).replace(
        DELETED, DELETED.replace(" ", KEEP)), 0)
    components = {r.urn: r for r in plan.resources if short_type(r.type) in COMPONENTS}
    wide: list[RegisteredResource] = []
    groups: dict[str, list[RegisteredResource]] = {}
    for resource in plan.resources:
        if resource.urn not in components:
            slug = project_of(resource, components)
            (wide if slug is None else groups.setdefault(slug, [])).append(resource)
    headings = {(short_type(r.type), r.name): r for r in components.values()}
    environments = plan.outputs.get("environments")
    environments = environments if isinstance(environments, dict) else {}
    org = headings.get(("Organization", plan.organization))
    # One kind column for the whole plan; names line up within their group.
    kind_width = max((len(describe(r, views, None)[0]) for r in plan.resources
                      if r.urn not in components), default=0)
    lines += ["", *_group(f"Organisation {plan.organization}{_components_flags(org)}",
                          wide, views, kind_width, None)]
    for slug in sorted(set(groups) | {name for kind, name in headings if kind == "Project"}):
        environment = environments.get(slug)
        env_text = f" (environment {environment})" if isinstance(environment, str) else ""
        heading = headings.get(("Project", slug))
        title = f"Project {slug}{env_text}{_components_flags(heading)}"
        lines += ["", *_group(title, groups.get(slug, []), views, kind_width,
                              environment if isinstance(environment, str) else None,
                              slug, _renamed_from(heading))]
    lines += _tail(plan, len(plan.resources) - len(components))
    return "\n".join(lines)
