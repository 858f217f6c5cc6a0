"""An organisation with cron monitors, dashboards and security settings, made the way a person
makes them in Sentry's UI: through the fake's own API (so it validates every body), with the
shapes written out here by hand rather than by sentry-iac's payload functions.

Some of each kind are what sentry-iac's YAML says exactly (they must be adopted with no write),
some are beyond its vocabulary (they must be reported and left alone). ``seed`` says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sentry_iac.providers import SentryClient, api_path
from tests.fake_sentry import FakeSentry
from tests.fake_sentry import seed_payloads as p
from tests.fake_sentry.state import FakeIntegration

RELAY_KEY = "Eo8qSwkWYOaeJBxwT7NWJLYAgim5HIV2z28AtXdOh-U"  # a real Relay public key
FIRST_EVENT = "2026-01-05T02:00:00Z"
SECURITY: dict[str, Any] = {"require2FA": True, "openMembership": False, "allowJoinRequests": False,
            "eventsMemberAdmin": False, "alertsMemberWrite": False, "debugFilesRole": "manager",
            "allowSharedIssues": False, "enhancedPrivacy": True,
            "trustedRelays": [{"name": "edge", "publicKey": RELAY_KEY, "description": "DMZ"}]}


@dataclass
class Seeded:
    # Sentry ids (monitor GUIDs, workflow and dashboard ids) the YAML can say exactly
    exact: dict[str, str] = field(default_factory=dict)  # id -> what it is
    # ids it cannot, with a phrase the report must give for each
    not_expressible: dict[str, str] = field(default_factory=dict)
    # ids adopted with a change the first `up` makes (a name, a layout, a default stored),
    # with a phrase the report must give for each
    changed: dict[str, str] = field(default_factory=dict)


def _query(fields: list[str], aggregates: list[str], conditions: str,
           orderby: str = "") -> dict[str, Any]:
    return {"name": "", "fields": fields, "aggregates": aggregates,
            "columns": [f for f in fields if f not in aggregates], "field_aliases": [],
            "conditions": conditions, "orderby": orderby}


# The weekly report as Sentry's widget editor stores it, laid out as sentry-iac lays it out:
# numbers two cells wide, charts three by two, issue lists three by three, rows of six.
WEEKLY: list[dict[str, Any]] = [
    {"title": "Errors this week", "display_type": "big_number", "widget_type": "error-events",
     "interval": "1h", "limit": None,
     "queries": [_query(["count()"], ["count()"], "")],
     "layout": {"x": 0, "y": 0, "w": 2, "h": 1, "min_h": 1}},
    {"title": "HTTP requests p95 / p99", "display_type": "line", "widget_type": "spans",
     "interval": "1h", "limit": None,
     "queries": [_query(["p95(span.duration)", "p99(span.duration)"],
                        ["p95(span.duration)", "p99(span.duration)"],
                        "is_transaction:true span.op:http.server")],
     "layout": {"x": 2, "y": 0, "w": 3, "h": 2, "min_h": 2}},
    {"title": "Slow database queries on /api", "display_type": "area",
     "widget_type": "spans", "interval": "1h", "limit": None,
     "queries": [_query(["p75(span.duration)"], ["p75(span.duration)"],
                        "span.category:db transaction:/api/*")],
     "layout": {"x": 0, "y": 2, "w": 3, "h": 2, "min_h": 2}},
    {"title": "Top 5 errors by users", "display_type": "table", "widget_type": "issue",
     "interval": "1h", "limit": 5,
     "queries": [_query(["issue", "assignee", "title", "events", "users"], [],
                        "is:unresolved", "user")],
     "layout": {"x": 3, "y": 2, "w": 3, "h": 3, "min_h": 3}},
]


class _Seeder:
    def __init__(self, fake: FakeSentry) -> None:
        self.fake, self.org = fake, fake.org
        self.client = SentryClient(fake.token, fake.url, timeout=5.0)
        self.seeded = Seeded()

    def path(self, *segments: str) -> str:
        return api_path("organizations", self.org.slug, *segments)

    def people(self) -> tuple[FakeIntegration, dict[str, str]]:
        teams = {slug: self.org.add_team(slug, name).id
                 for slug, name in (("backend", "Backend"), ("ops", "Operations"))}
        self.org.add_member("owner@dbca.example", role="owner", teams=["backend"])
        self.org.add_member("dev@dbca.example", teams=["backend", "ops"])
        pagerduty = self.org.add_integration("pagerduty", name="DBCA PagerDuty",
                                             services=["SPMS"])
        for slug, name, team in (("spms-backend", "SPMS Backend", "backend"),
                                 ("spms-worker", None, "ops")):
            project = self.org.add_project(slug, name=name, platform="python", teams=[team],
                                           environments=["production", "staging"])
            project.first_event = FIRST_EVENT  # it has been reporting: Sentry's defaults stay
            for environment in ("production", "staging"):
                self.org.add_key(project, environment)
        return pagerduty, teams

    def monitor(self, project: str, slug: str, name: str, config: dict[str, Any],
                owner: str | None, status: str = "active") -> tuple[str, str]:
        """(monitor GUID, its check-in detector's id)."""
        body = {"project": project, "name": name, "slug": slug, "status": status,
                "owner": owner, "config": config}
        made = self.client.post(self.path("monitors"), body)
        detector = self.org.monitors[slug].detector_id
        assert detector is not None
        return str(made["id"]), detector

    def alert(self, name: str, environment: str | None, detector: str,
              actions: list[dict[str, Any]], *, resolution: bool = False) -> str:
        """A cron alert as Sentry's monitor form makes it: notify when the issue reaches high
        priority and when it goes back down (``resolution``: only the latter, for every
        environment)."""
        conditions = [p.condition("issue_priority_deescalating", p.HIGH)]
        if not resolution:
            conditions.insert(0, p.condition("issue_priority_greater_or_equal", p.HIGH))
        body = p.workflow(name, environment, [detector], actions=[], frequency=0,
                          groups=[{"logicType": "any-short", "conditions": conditions,
                                   "actions": actions}])
        return str(self.client.post(self.path("workflows"), body)["id"])

    def crons(self, pagerduty: FakeIntegration, teams: dict[str, str]) -> None:
        exact, skipped = self.seeded.exact, self.seeded.not_expressible
        paging = p.pagerduty(pagerduty, "SPMS", "critical")
        backend = p.email_team(teams["backend"])
        guid, detector = self.monitor(
            "spms-backend", "nightly-import", "Nightly data import",
            {"schedule_type": "crontab", "schedule": "0 2 * * *", "timezone": "Australia/Perth",
             "checkin_margin": 15, "max_runtime": 120, "failure_issue_threshold": 1,
             "recovery_threshold": 1}, f"team:{teams['backend']}")
        exact[guid] = "cron monitor nightly-import"
        exact[self.alert("Nightly data import [production]", "production", detector,
                         [paging, backend])] = "its production alert (pages)"
        exact[self.alert("Nightly data import [production] (resolved)", None, detector,
                         [paging], resolution=True)] = "the alert resolving its pages"
        exact[self.alert("Nightly data import [staging]", "staging", detector,
                         [backend])] = "its staging alert"
        guid, detector = self.monitor(
            "spms-worker", "sync", "sync",
            {"schedule_type": "interval", "schedule": [6, "hour"], "timezone": "UTC",
             "checkin_margin": None, "max_runtime": None, "failure_issue_threshold": 3,
             "recovery_threshold": 2}, f"team:{teams['backend']}")
        exact[guid] = "cron monitor sync (owned by another team than the project's)"
        exact[self.alert("sync [production]", "production", detector,
                         [p.email_team(teams["ops"])])] = "its production alert"
        guid, detector = self.monitor(
            "spms-worker", "cleanup", "Cleanup",
            {"schedule_type": "crontab", "schedule": "30 3 * * 1-5", "timezone": "UTC",
             "failure_issue_threshold": 1, "recovery_threshold": 1}, f"team:{teams['ops']}")
        exact[guid] = "cron monitor cleanup"
        skipped[self.alert("Cleanup [production]", "production", detector, [p.webhook()])] = (
            "'webhook' action")
        guid, _ = self.monitor(
            "spms-worker", "monthly-report", "Monthly report",
            {"schedule_type": "interval", "schedule": [1, "month"], "timezone": "UTC"},
            f"team:{teams['ops']}")
        skipped[guid] = "1 month(s)"
        user = next(m.user_id for m in self.org.members.values()
                    if m.email == "dev@dbca.example")
        guid, _ = self.monitor(
            "spms-worker", "user-owned", "Owned by a person",
            {"schedule_type": "crontab", "schedule": "0 * * * *", "timezone": "UTC"},
            f"user:{user}")
        skipped[guid] = "owned by a person"
        guid, _ = self.monitor(
            "spms-worker", "paused", "Paused",
            {"schedule_type": "crontab", "schedule": "0 * * * *", "timezone": "UTC"},
            f"team:{teams['ops']}", status="disabled")
        skipped[guid] = "disabled in Sentry"

    def dashboard(self, title: str, projects: list[str], environments: list[str],
                  widgets: list[dict[str, Any]], period: str = "7d") -> str:
        ids = [int(self.org.projects[slug].id) for slug in projects]
        body = {"title": title, "projects": ids, "environment": environments,
                "period": period, "filters": {}, "widgets": widgets}
        return str(self.client.post(self.path("dashboards"), body)["id"])

    def dashboards(self) -> None:
        exact, skipped = self.seeded.exact, self.seeded.not_expressible
        for environment in ("production", "staging"):
            exact[self.dashboard(f"Weekly report: SPMS Backend [{environment}]",
                                 ["spms-backend"], [environment], WEEKLY)] = (
                f"the weekly report in {environment}")
        exact[self.dashboard("Weekly report: spms-worker [production]", ["spms-worker"],
                             ["production"], WEEKLY)] = "the worker's weekly report"
        discover: dict[str, Any] = {"title": "Transactions by URL", "display_type": "table",
                    "widget_type": "discover", "interval": "5m", "limit": 5,
                    "queries": [_query(["transaction", "count()"], ["count()"], "")],
                    "layout": {"x": 0, "y": 0, "w": 2, "h": 2, "min_h": 2}}
        skipped[self.dashboard("Discover: SPMS Backend [production]", ["spms-backend"],
                               ["production"], [WEEKLY[0], discover])] = "'discover' widget"
        skipped[self.dashboard("Everything", ["spms-backend", "spms-worker"], ["production"],
                               WEEKLY[:1])] = "it shows 2 projects"
        released = self.dashboard("Release 1.0: SPMS Backend [production]", ["spms-backend"],
                                  ["production"], WEEKLY[:1])
        self.org.dashboards[released].filters["release"] = ["1.0"]  # set in Sentry's UI
        skipped[released] = "it filters on release"

    def security(self) -> None:
        self.client.put(self.path(), SECURITY)

    def changed(self, teams: dict[str, str]) -> None:
        """Objects the YAML says but for what the first `up` changes: names without the
        environment, widgets arranged by hand, settings Sentry leaves unset."""
        changed = self.seeded.changed
        guid, detector = self.monitor(
            "spms-backend", "backup", "Backup",
            {"schedule_type": "crontab", "schedule": "0 4 * * *", "timezone": "UTC",
             "failure_issue_threshold": None, "recovery_threshold": 1}, None)
        changed[guid] = "failure threshold"
        changed[self.alert("Backup failed", "production", detector,
                           [p.email_team(teams["backend"])])] = "'Backup failed' becomes"
        moved = [{**WEEKLY[0], "layout": {"x": 4, "y": 0, "w": 2, "h": 1, "min_h": 1},
                  "interval": "5m"}]
        changed[self.dashboard("Ops overview", ["spms-backend"], ["staging"], moved)] = (
            "'Ops overview' becomes 'Ops overview: SPMS Backend [staging]'")


def seed(fake: FakeSentry, *, with_changes: bool = False) -> Seeded:
    """The organisation; ``with_changes`` adds objects whose adoption changes something."""
    seeder = _Seeder(fake)
    try:
        pagerduty, teams = seeder.people()
        seeder.crons(pagerduty, teams)
        seeder.dashboards()
        seeder.security()
        if with_changes:
            seeder.changed(teams)
    finally:
        seeder.client.close()
    return seeder.seeded
