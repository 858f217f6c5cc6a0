"""Everything the import needs, read through ``SentryClient`` (pagination, rate limits, retries).

Read-only: only GET requests. Each response is trimmed to the fields the import uses as soon as
it arrives, so client keys' DSNs and integrations' routing keys are never kept.
"""

from __future__ import annotations

from typing import Any

from sentry_iac.importer.read.member_teams import read_member_teams
from sentry_iac.importer.read.observability import read_dashboards, read_monitors
from sentry_iac.importer.read.progress import Progress
from sentry_iac.importer.read.snapshot import Json, ProjectData, Snapshot, keep
from sentry_iac.importer.report import Report
from sentry_iac.providers.client import SentryClient
from sentry_iac.providers.errors import SentryApiError, SentryNotFoundError
from sentry_iac.providers.paths import api_path
from sentry_iac.sentry import filters, ownership
from sentry_iac.sentry.security import SECURITY_FIELDS
from sentry_iac.sentry.spike import DISABLED_OPTION as SPIKE_OPTION
from sentry_iac.sentry.spike import TRIGGER as SPIKE_TRIGGER

PRIVACY_FIELDS = ("dataScrubber", "dataScrubberDefaults", "scrubIPAddresses", "sensitiveFields",
                  "safeFields", "storeCrashReports", "relayPiiConfig")
ORG_FIELDS = ("id", "slug", "name", *PRIVACY_FIELDS, *SECURITY_FIELDS.values())
PROJECT_FIELDS = ("id", "slug", "name", "platform", "teams", "resolveAge", "digestsMinDelay",
                  "digestsMaxDelay", "fingerprintingRules", *PRIVACY_FIELDS)
# The member list's (organization_member_index.py, the base OrganizationMemberSerializer): no
# teams there, read_member_teams adds them.
MEMBER_FIELDS = ("id", "email", "name", "orgRole", "role", "pending")
KEY_FIELDS = ("id", "name", "isActive", "rateLimit")
ACTION_FIELDS = ("id", "triggerType", "serviceType", "integrationId", "targetType",
                 "targetIdentifier", "targetDisplay", "projects")
OWNERSHIP_FIELDS = (ownership.RAW, ownership.FALLTHROUGH, ownership.AUTO_ASSIGNMENT,
                    ownership.CODEOWNERS_AUTO_SYNC, "dateCreated")


def filter_options(options: Any) -> Json:
    """``{"options": ...}`` with the inbound filter options only (the rest is not imported)."""
    if not isinstance(options, dict):
        return {}
    return {"options": {k: v for k, v in options.items() if k in filters.OPTIONS.values()}}


def _integration(body: Json) -> Json:
    """Name, provider and the service/team tables actions refer to, without routing keys."""
    config = body.get("configData") or {}
    tables = {table: [keep(row, ("id", column)) for row in config.get(table) or []]
              for table, column in (("service_table", "service"), ("team_table", "team"))}
    return {"id": str(body.get("id")), "name": body.get("name"),
            "provider": keep(body.get("provider"), ("key", "name")), "configData": tables}


def _member(body: Json) -> Json:
    member = keep(body, MEMBER_FIELDS)
    user = body.get("user")
    member["user"] = {"id": str(user["id"])} if isinstance(user, dict) and "id" in user else None
    return member


class _Reader:
    def __init__(self, client: SentryClient, organization: str, progress: Progress,
                 report: Report) -> None:
        self.client = client
        self.org = organization
        self.progress = progress
        self.report = report

    def org_path(self, *segments: str) -> str:
        return api_path("organizations", self.org, *segments)

    def listing(self, label: str, path: str, params: dict[str, str] | None = None) -> list[Any]:
        self.progress.step(f"reading {label}")
        items = []
        for item in self.client.paginate(path, params):
            items.append(item)
            self.progress.advance()
        return items

    def project(self, summary: Json) -> ProjectData:
        slug = str(summary["slug"])
        base = ("projects", self.org, slug)
        body = self.client.get(api_path(*base))
        detail = keep(body, PROJECT_FIELDS)
        detail_options = body.get("options") if isinstance(body, dict) else None
        keys = [keep(k, KEY_FIELDS) for k in self.client.paginate(api_path(*base, "keys"))]
        environments = [keep(e, ("name", "isHidden")) for e in
                        self.client.get(api_path(*base, "environments"), {"visibility": "all"})]
        performance: Json | None = None
        try:
            performance = self.client.get(api_path(*base, "performance-issues", "configure"))
        except SentryApiError as exc:
            # A private endpoint behind a feature flag: without it there is nothing to manage.
            if exc.status not in (403, 404):
                raise
            self.report.not_read(f"performance settings of {slug}",
                                 f"Sentry answered {exc.status}; the project's thresholds are "
                                 "left out")
        ownership, filters = self.triage(slug, base)
        detail.update(filter_options(detail_options))
        if isinstance(detail_options, dict) and SPIKE_OPTION in detail_options:
            detail.setdefault("options", {})[SPIKE_OPTION] = detail_options[SPIKE_OPTION]
        return ProjectData(slug, detail, keys, performance, environments, ownership, filters)

    def triage(self, slug: str, base: tuple[str, ...]) -> tuple[Json | None, list[Json] | None]:
        """The project's ownership rules and filter switches, each None where Sentry would not
        show it (the project is then imported without them)."""
        found: list[Any] = []
        for what, segment in (("ownership rules", "ownership"), ("inbound filters", "filters")):
            try:
                found.append(self.client.get(api_path(*base, segment)))
            except SentryApiError as exc:
                if exc.status not in (403, 404):
                    raise
                found.append(None)
                self.report.not_read(f"{what} of {slug}", f"Sentry answered {exc.status}; "
                                     "they are left out")
        ownership = keep(found[0], OWNERSHIP_FIELDS) if isinstance(found[0], dict) else None
        filters = ([keep(f, ("id", "active")) for f in found[1] if isinstance(f, dict)]
                   if isinstance(found[1], list) else None)
        return ownership, filters

    def notification_actions(self) -> list[Json]:
        """Spike protection's notification actions (notification_actions_index.py)."""
        try:
            found = self.listing("spike notifications", self.org_path("notifications", "actions"),
                                 {"triggerType": SPIKE_TRIGGER})
        except SentryApiError as exc:
            if exc.status not in (403, 404):
                raise
            self.report.not_read("spike notifications", f"Sentry answered {exc.status}; they "
                                                        "are left out")
            return []
        return [keep(a, ACTION_FIELDS) for a in found]

    def legacy_ids(self, workflows: list[Json]) -> dict[str, Json]:
        """Which alerts Sentry migrated from legacy rules (``alert-rule-workflow``, private)."""
        self.progress.step("looking up legacy rule ids", len(workflows))
        found: dict[str, Json] = {}
        for workflow in workflows:
            workflow_id = str(workflow["id"])
            try:
                ids = self.client.get(self.org_path("alert-rule-workflow"),
                                      {"workflowId": workflow_id})
            except SentryNotFoundError:
                ids = None  # created through the new API: no legacy rule behind it
            except SentryApiError as exc:
                self.report.not_read("legacy rule ids", f"alert-rule-workflow answered "
                                     f"{exc.status}; migrated rules are adopted like any other")
                return found
            if isinstance(ids, dict) and (ids.get("ruleId") or ids.get("alertRuleId")):
                found[workflow_id] = keep(ids, ("ruleId", "alertRuleId"))
            self.progress.advance()
        return found


def read_snapshot(client: SentryClient, organization: str, progress: Progress,
                  report: Report) -> Snapshot:
    """Read the organisation; raises ``SentryApiError`` when Sentry refuses a required read."""
    reader = _Reader(client, organization, progress, report)
    progress.step("reading the organisation")
    org = keep(client.get(reader.org_path()), ORG_FIELDS)
    teams = [keep(t, ("id", "slug", "name"))
             for t in reader.listing("teams", reader.org_path("teams"))]
    members = [_member(m) for m in reader.listing("members", reader.org_path("members"))]
    read_member_teams(client, organization, teams, members, progress, report)
    summaries = reader.listing("projects", reader.org_path("projects"))
    progress.step("reading project settings", len(summaries))
    projects = []
    for summary in summaries:
        projects.append(reader.project(summary))
        progress.advance()
    integrations = [_integration(i) for i in
                    reader.listing("integrations", reader.org_path("integrations"))]
    # project=-1: every project, not only those the token's user is a member of.
    detectors = reader.listing("monitors", reader.org_path("detectors"), {"project": "-1"})
    workflows = reader.listing("alerts", reader.org_path("workflows"))
    legacy = reader.legacy_ids(workflows)
    monitors = read_monitors(client, organization, detectors, progress)
    dashboards = read_dashboards(client, organization, progress, report)
    actions = reader.notification_actions()
    progress.close()
    return Snapshot(organization, org, teams, members, projects, integrations, detectors,
                    workflows, legacy, monitors, dashboards, notification_actions=actions)
