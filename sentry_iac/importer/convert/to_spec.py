"""What was read from Sentry -> ``org.yaml`` and ``alerts/*.yaml`` in our vocabulary, with the
Sentry id of everything the stacks will adopt and what each stack's plan must register for it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sentry_iac.config.alerts import AlertsFile
from sentry_iac.config.models import Organization
from sentry_iac.importer.convert import quotas, settings
from sentry_iac.importer.convert.channels import ChannelBook
from sentry_iac.importer.convert.crons import convert_crons
from sentry_iac.importer.convert.dashboards import convert_dashboards
from sentry_iac.importer.convert.grouping import GroupedRule, group_rules
from sentry_iac.importer.convert.instances import Context, Instance, collect_instances
from sentry_iac.importer.convert.organization import OrgParts, organization_parts
from sentry_iac.importer.convert.resolver import SnapshotResolver
from sentry_iac.importer.convert.security import security
from sentry_iac.importer.convert.stacks import EnvMap
from sentry_iac.importer.convert.uptime import ImportedUptime, collect_uptime
from sentry_iac.importer.convert.verify import Rendered
from sentry_iac.importer.read.snapshot import Json, Snapshot
from sentry_iac.importer.report import Report

PRIORITIES = {
    "critical": {"respond": "immediately: these rules page someone (PagerDuty or Opsgenie)"},
    "standard": {"respond": "as before the import: these rules notify without paging"},
}
PAGED_ENVIRONMENT = "production"  # the policy's default paging environment


@dataclass
class AdoptionIds:
    """The Sentry id of each object a stack adopts, by what names it in the plan."""

    organization: str
    members: dict[str, str] = field(default_factory=dict)  # email (lower case) -> member id
    keys: dict[tuple[str, str], str] = field(default_factory=dict)  # (project, stack) -> key id
    # (short type, logical name, stack) -> detector, workflow, cron monitor or dashboard id
    alerts: dict[tuple[str, str, str], str] = field(default_factory=dict)
    # spike notification destination (the resource's name) -> notification action id
    spike: dict[str, str] = field(default_factory=dict)


@dataclass
class ImportedConfig:
    organization: str
    stacks: tuple[str, ...]  # owner first
    org: Json
    alert_files: dict[str, Json]
    ids: AdoptionIds
    # (logical name, stack) -> what the program must register for that alert, for a last check
    rendered: dict[tuple[str, str], Rendered]
    report: Report
    # (short type, logical name, stack) -> the input a cron monitor, cron alert, dashboard or
    # the security settings must be registered with, as verified against Sentry
    objects: dict[tuple[str, str, str], Json] = field(default_factory=dict)
    # the uptime checks: what each stack registers for them, by (logical name, stack)
    uptime: ImportedUptime = field(default_factory=ImportedUptime)


def _paging(parts: OrgParts, instances: list[Instance], stacks: tuple[str, ...],
            report: Report, uptime: ImportedUptime) -> list[str] | None:
    """``paging_environments`` so the imported config passes the paging policy: the default
    when every production project pages someone on a critical rule or uptime check, else none
    (reported)."""
    paged = {(i.project, i.stack) for i in instances if i.levels["priority"] == "critical"}
    paged |= uptime.paged
    unpaged = sorted(slug for slug, project in parts.models.items() for stack in stacks
                     if project.environment_for(stack) == PAGED_ENVIRONMENT
                     and (slug, stack) not in paged)
    if not unpaged:
        return None
    report.note("policies.paging_environments",
                f"set to [] because {len(unpaged)} project(s) have no rule that pages someone "
                f"in {PAGED_ENVIRONMENT}: {', '.join(unpaged)}. Add such rules, then remove "
                "the setting to turn the policy production-pages-on-critical back on")
    return []


def _alert_files(rules: list[GroupedRule]) -> dict[str, Json]:
    files: dict[str, list[Json]] = {}
    for grouped in rules:
        files.setdefault(grouped.file, []).append(grouped.rule)
    return {name: {"version": 1, "alerts": alerts} for name, alerts in sorted(files.items())}


def _record(rules: list[GroupedRule], ids: AdoptionIds, report: Report
            ) -> dict[tuple[str, str], Rendered]:
    rendered: dict[tuple[str, str], Rendered] = {}
    for grouped in rules:
        rule_id = grouped.rule["id"]
        for item in grouped.instances:
            name = f"{rule_id}/{item.project}"
            rendered[(name, item.stack)] = item.rendered
            ids.alerts[("Alert", name, item.stack)] = item.workflow_id
            report.adopted["alerts"] += 1
            if item.detector_id is not None:
                ids.alerts[("Monitor", name, item.stack)] = item.detector_id
                report.adopted["monitors"] += 1
            where = f"rule {rule_id} ({item.project}, {item.stack})"
            for what, old, new in item.renames:
                report.rename(f"{what}, {where}", old, new)
            if item.legacy:
                report.migrated(f"alert {item.workflow_id}, {where}", f"from {item.legacy}")
    return rendered


def to_spec(snapshot: Snapshot, envs: EnvMap, report: Report) -> ImportedConfig:
    stacks = envs.stacks
    parts = organization_parts(snapshot, envs, report)
    book = ChannelBook(snapshot, parts.member_emails)
    ctx = Context(snapshot, parts.models, stacks, book, SnapshotResolver(snapshot), report)
    crons = convert_crons(ctx)  # first: it claims the alerts on cron monitors
    # Uptime monitors too: the alerts they claim are theirs, not candidate rules.
    uptime = collect_uptime(ctx)
    ctx.claimed |= uptime.claimed
    instances = collect_instances(ctx)
    rules = group_rules(instances, stacks)
    dashboards = convert_dashboards(snapshot, parts.models, stacks, report)
    ids = AdoptionIds(snapshot.organization, parts.member_ids, parts.keys)
    ids.alerts.update({**crons.ids, **dashboards.ids})
    objects = {**crons.rendered, **dashboards.rendered}
    rendered = _record(rules, ids, report)
    for entry in parts.projects:
        if entry["slug"] in crons.entries:
            entry["crons"] = crons.entries[entry["slug"]]
    for project in parts.projects:
        if uptime.checks.get(str(project["slug"])):
            project["uptime"] = uptime.checks[str(project["slug"])]
    ids.alerts.update(uptime.ids)
    org: Json = {"version": 1, "organization": snapshot.organization, "owner_stack": stacks[0],
                 "teams": parts.teams, "members": parts.members, "projects": parts.projects}
    org_privacy = settings.privacy(snapshot.org, "organisation", report, project=False)
    if org_privacy:
        org["privacy"] = org_privacy
    org_security, security_read = security(snapshot.org, report)
    if org_security:
        org["security"] = org_security
        objects[("OrganizationSecurity", snapshot.organization, stacks[0])] = {
            "settings": security_read}
    policies: dict[str, Any] = {"allowed_owners": sorted(parts.owners)}
    paging = _paging(parts, instances, stacks, report, uptime)
    if paging is not None:
        policies["paging_environments"] = paging
    org["policies"] = policies
    notices, ids.spike = quotas.spike_notifications(snapshot, book, parts.models, report)
    if notices is not None:
        org["spike_notifications"] = notices
    if book.channels:
        org["channels"] = dict(sorted(book.channels.items()))
    used = {i.levels["priority"] for i in instances} | crons.priorities | uptime.priorities
    if used:
        org["priorities"] = {name: text for name, text in PRIORITIES.items() if name in used}
    if dashboards.entries:
        org["dashboards"] = dashboards.entries
    # The spec's own models have the last word: anything invalid here is a bug of the import.
    Organization.model_validate(org)
    files = _alert_files(rules)
    for data in files.values():
        AlertsFile.model_validate(data)
    return ImportedConfig(snapshot.organization, stacks, org, files, ids, rendered, report,
                          objects, uptime)
