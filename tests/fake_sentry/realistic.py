"""A realistic organisation to import: 22 projects of 6 teams, members, integrations, settings,
and about 170 monitors and alerts of every kind sentry-iac writes, some migrated from legacy
rules, and a set that its vocabulary cannot express.

with FakeSentry(token=...) as fake:
    seeded = seed_realistic_org(fake)      # through the fake's own API, so it validates them
    fake.page_size = 7                     # then read it in pages, with 429s armed
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, cast

from sentry_iac.config.fingerprinting import FingerprintRule, rules_text
from sentry_iac.config.privacy import ProjectPrivacy
from sentry_iac.providers import SentryClient, api_path
from tests.fake_sentry import seed_payloads as p
from tests.fake_sentry.migration import mark_migrated
from tests.fake_sentry.server import FakeSentry
from tests.fake_sentry.state import FakeDetector, FakeIntegration, FakeProject, FakeTeam

TEAMS = ("science", "payments", "platform", "data", "mobile", "web")
# slug, platform, team (None: a project nobody owns), kind
SERVICES: tuple[tuple[str, str, str | None, str], ...] = (
    ("spms-backend", "python-django", "science", "backend"),
    ("spms-frontend", "javascript-react", "science", "frontend"),
    ("payments-api", "java-spring-boot", "payments", "backend"),
    ("payments-web", "javascript-nextjs", "payments", "frontend"),
    ("auth-service", "go", "platform", "backend"),
    ("notifications", "node", "platform", "worker"),
    ("search-api", "python-fastapi", "data", "backend"),
    ("reports-worker", "python-celery", "data", "worker"),
    ("data-pipeline", "python", "data", "worker"),
    ("etl-scheduler", "python", "data", "worker"),
    ("mobile-ios", "apple-ios", "mobile", "mobile"),
    ("mobile-android", "android", "mobile", "mobile"),
    ("admin-portal", "ruby-rails", "platform", "frontend"),
    ("public-website", "php-laravel", "web", "frontend"),
    ("geo-api", "python-flask", "data", "backend"),
    ("billing-api", "dotnet", "payments", "backend"),
    ("audit-trail", "elixir", "platform", "worker"),
    ("media-service", "node", "web", "backend"),
    ("sync-worker", "go", "platform", "worker"),
    ("feature-flags", "python", "platform", "backend"),
    ("gateway", "go", "platform", "backend"),
    ("legacy-monolith", "php-laravel", None, "backend"),
)
# The front ends report their staging events as "test" (import with these --env options).
STAGING_AS_TEST = ("spms-frontend", "payments-web")
ENV_ARGS = [f"{slug}:staging=test" for slug in STAGING_AS_TEST]
PAGED = {"science": "SPMS", "payments": "Payments"}  # other teams page Platform
SPMS_RULES = [
    FingerprintRule(match={"error.type": "OperationalError"}, group=("database-connection",),
                    title="Database connection error"),
    FingerprintRule(match={"error.type": "ConnectionError", "tags.external_api": "*"},
                    group=("external-api-error", "{{ tags.external_api }}")),
]


@dataclass
class Seeded:
    """What a test needs to know about the organisation."""

    env_args: list[str] = field(default_factory=lambda: list(ENV_ARGS))
    migrated: dict[str, str] = field(default_factory=dict)  # workflow id -> legacy id
    not_expressible: dict[str, str] = field(default_factory=dict)  # object id -> what it is
    renamed: set[str] = field(default_factory=set)  # ids whose names lack " [env]"
    secrets: list[str] = field(default_factory=list)  # key values, routing keys, tokens


class _Seeder:
    def __init__(self, fake: FakeSentry) -> None:
        self.fake = fake
        self.org = fake.org
        self.client = SentryClient(fake.token, fake.url, timeout=5.0)
        self.seeded = Seeded()
        self.teams: dict[str, FakeTeam] = {}
        self.projects: dict[str, FakeProject] = {}
        self.users: dict[str, str] = {}  # email -> user id
        self.integrations: dict[str, FakeIntegration] = {}

    # -- API calls, validated by the fake ------------------------------------------------------

    def detector(self, project: str, body: dict[str, Any]) -> str:
        path = api_path("organizations", self.org.slug, "projects", project, "detectors")
        return str(self.client.post(path, body)["id"])

    def workflow(self, body: dict[str, Any]) -> str:
        return str(self.client.post(api_path("organizations", self.org.slug, "workflows"),
                                    body)["id"])

    def stream(self, project: str, kind: str = "issue_stream") -> str:
        return self.org.default_detector(project, kind).id

    # -- the organisation ----------------------------------------------------------------------

    def people(self) -> None:
        for slug in TEAMS:
            self.teams[slug] = self.org.add_team(slug, slug.title())
        for email, role, teams in (
            ("owner@dbca.example", "owner", ["platform"]),
            ("maintainer@example.org", "manager", ["science"]),
            ("payments-lead@dbca.example", "admin", ["payments"]),
            ("data-dev@dbca.example", "member", ["data", "platform"]),
            ("mobile-dev@dbca.example", "member", ["mobile"]),
            ("web-dev@dbca.example", "member", ["web"]),
        ):
            member = self.org.add_member(email, role=role, teams=teams)
            self.users[email] = str(member.user_id)
            if email == "maintainer@example.org":
                member.team_roles["science"] = "admin"
        self.org.add_member("new-hire@dbca.example", teams=["web"], pending=True)

    def integrations_(self) -> None:
        add = self.org.add_integration
        self.integrations = {
            "pagerduty": add("pagerduty", name="DBCA PagerDuty",
                             services=["SPMS", "Payments", "Platform"]),
            "msteams": add("msteams", name="DBCA"),
            "slack": add("slack", name="dbca"),
            "github": add("github", name="dbca-wa"),
            "discord": add("discord", name="DBCA Discord"),
            "opsgenie": add("opsgenie", name="DBCA Opsgenie"),
        }
        self.integrations["opsgenie"].config_data["team_table"] = [
            {"id": 9101, "team": "Data on-call", "integration_key": "opsgenie-routing-secret"}]
        self.seeded.secrets += [row["integration_key"] for row in
                                self.integrations["pagerduty"].config_data["service_table"]]
        self.seeded.secrets.append("opsgenie-routing-secret")

    def project(self, slug: str, platform: str, team: str | None, kind: str) -> None:
        staging = "test" if slug in STAGING_AS_TEST else "staging"
        environments = {"production": False, staging: False,
                        "development": kind in ("backend", "worker")}
        project = self.org.add_project(slug, name=slug.replace("-", " ").title(),
                                       platform=platform, teams=[team] if team else [],
                                       environments=environments)
        self.projects[slug] = project
        for name in ("production", staging, *(("Default",) if kind == "mobile" else ())):
            key = self.org.add_key(project, name)
            self.seeded.secrets += [key.public, key.secret]
        self.seeded.secrets.append(f"{project.id:0>32}")  # the project's security token

    def settings(self) -> None:
        self.org.settings.update(dataScrubber=True, scrubIPAddresses=True, storeCrashReports=5,
                                 sensitiveFields=["password", "token", "api_key", "session"])
        spms = self.projects["spms-backend"].settings
        spms.update(resolveAge=720, digestsMinDelay=60, digestsMaxDelay=600,
                    scrubIPAddresses=True, fingerprintingRules=rules_text(tuple(SPMS_RULES)))
        spms["relayPiiConfig"] = ProjectPrivacy.model_validate({"scrubbing_rules": [
            {"type": "anything", "method": "remove",
             "fields": ["$http.headers.x-api-key", "$http.cookies.sessionid"]},
            {"type": "email", "method": "mask", "fields": ["$http.data.**"]}]}
        ).relay_pii_config()
        self.projects["spms-backend"].performance.update(
            slow_db_queries_detection_enabled=True, slow_db_query_duration_threshold=1000,
            uncompressed_assets_detection_enabled=False)
        # Written in Sentry's UI: rule id "0"; the same rule after import, with our ids.
        self.projects["payments-api"].settings["relayPiiConfig"] = json.dumps({
            "rules": {"0": {"type": "creditcard", "redaction": {"method": "mask"}}},
            "applications": {"$string": ["0"]}})
        # Sentry's built-in rule by alias: no YAML form.
        self.projects["auth-service"].settings["relayPiiConfig"] = json.dumps({
            "rules": {}, "applications": {"$http.headers.authorization": ["@password:remove"]}})
        self.projects["search-api"].settings["fingerprintingRules"] = (
            "# timeouts from the search cluster are one issue\n"
            'error.type:"ReadTimeout" -> search-timeout')
        # A threshold kept while its detector is off: Sentry would refuse to write it.
        self.projects["geo-api"].performance.update(
            n_plus_one_db_queries_detection_enabled=False, n_plus_one_db_count=10)
        self.projects["media-service"].settings.update(sensitiveFields=["x-auth"],
                                                       safeFields=["extra.user_id"])
        self.projects["mobile-ios"].settings.update(digestsMinDelay=120)

    # -- alerts --------------------------------------------------------------------------------

    def team_actions(self, team: str, slug: str) -> dict[str, dict[str, Any]]:
        i = self.integrations
        return {"pager": p.pagerduty(i["pagerduty"], PAGED.get(team, "Platform"), "critical"),
                "chat": p.msteams(i["msteams"], f"{team}-alerts"),
                "mail": p.email_team(self.teams[team].id),
                "tracker": p.github(i["github"], f"dbca-wa/{slug}", ["sentry", "regression"])}

    def standard_rules(self, slug: str, team: str, kind: str) -> None:
        """What every service has: new issues, regressions, 500s, error rate, and latency or
        crash-free sessions by kind."""
        a = self.team_actions(team, slug)
        staging = "test" if slug in STAGING_AS_TEST else "staging"
        stream = [self.stream(slug)]
        for env, action in (("production", a["chat"]), (staging, a["mail"])):
            self.workflow(p.workflow(f"New issues [{env}]", env, stream,
                                     triggers=[p.trigger("first_seen_event")], actions=[action]))
        self.workflow(p.workflow("Resolved errors came back [production]", "production", stream,
                                 triggers=[p.trigger("regression_event")],
                                 actions=[a["tracker"]], frequency=60))
        errors = [p.condition("tagged_event", {"key": "http.status_code", "match": "eq",
                                               "value": "500"}),
                  p.condition("event_frequency_count", {"value": 10, "interval": "1h"})]
        for env, action, every in (("production", a["pager"], 5), (staging, a["mail"], 60)):
            self.workflow(p.workflow(f"Server errors [{env}]", env, stream, filters=errors,
                                     actions=[action], frequency=every))
        for env, (crit, warn), actions in (("production", (10, 5), [a["pager"], a["chat"]]),
                                           (staging, (50, 25), [a["mail"]])):
            monitor = self.detector(slug, p.detector(f"High error rate [{env}]", env,
                                                     conditions=p.levels("gt", crit, warn)))
            self.workflow(p.metric_workflow(f"High error rate [{env}]", env, monitor,
                                            p.MEDIUM, actions))
        if kind == "backend":
            monitor = self.detector(slug, p.detector(
                "Slow requests [production]", "production", dataset="events_analytics_platform",
                aggregate="p95(span.duration)", query="is_transaction:true span.op:http.server",
                window=300, conditions=p.levels("gt", 3000)))
            self.workflow(p.metric_workflow("Slow requests [production]", "production",
                                            monitor, p.HIGH, [a["chat"]]))
        if kind == "mobile":
            monitor = self.detector(slug, p.detector(
                "Crash-free sessions [production]", "production", dataset="metrics",
                aggregate="percentage(sessions_crashed, sessions) AS _crash_rate_alert_aggregate",
                window=3600, conditions=p.levels("lt", 99, 99.5)))
            self.workflow(p.metric_workflow("Crash-free sessions [production]", "production",
                                            monitor, p.MEDIUM, [a["pager"], a["chat"]]))

    def special_rules(self) -> None:
        """Every measure, filter, trigger and channel kind at least once."""
        i, t = self.integrations, self.teams
        owners = p.issue_owners()
        eap = "events_analytics_platform"
        for name, body in (
            ("Users hit by fatal errors", p.detector(
                "Users hit by fatal errors [production]", "production",
                aggregate="count_unique(tags[sentry:user])", query="level:fatal", window=300,
                conditions=p.levels("gt", 5))),
            ("Failed requests", p.detector(
                "Failed requests [production]", "production", dataset=eap,
                aggregate="failure_rate()", query="is_transaction:true", window=300,
                conditions=p.levels("gt", 0.05, 0.02, 0.01))),
            ("Error spike", p.detector(
                "Error spike [production]", "production", window=3600, detection="percent",
                delta=86400, conditions=p.levels("gt", 150))),
            ("Distinct URLs failing", p.detector(
                "Distinct URLs failing [production]", "production",
                aggregate="count_unique(tags[url])", window=900, conditions=p.levels("gt", 100),
                description="Many pages break at once")),
        ):
            monitor = self.detector("spms-backend", body)
            level = p.MEDIUM if len(body["conditionGroup"]["conditions"]) == 3 else p.HIGH
            self.workflow(p.metric_workflow(f"{name} [production]", "production", monitor,
                                            level, [owners]))
        for slug, aggregate, query, conditions in (
            ("search-api", "p75(span.duration)", "span.category:db", p.levels("gt", 800)),
            ("gateway", "p99(span.duration)", "span.op:http.client", p.levels("gt", 5000, 2500)),
        ):
            monitor = self.detector(slug, p.detector(
                "Slow dependencies [production]", "production", dataset=eap,
                aggregate=aggregate, query=query, window=600, conditions=conditions))
            self.workflow(p.metric_workflow("Slow dependencies [production]", "production",
                                            monitor, p.HIGH if len(conditions) == 2 else p.MEDIUM,
                                            [p.email_team(t["platform"].id)]))
        # Anomaly detection (Seer): p95 of search queries, unusually high or low, weekly.
        monitor = self.detector("search-api", p.detector(
            "Search latency unlike usual [production]", "production", dataset=eap,
            aggregate="p95(span.duration)", query="span.category:db", window=1800,
            detection="dynamic", conditions=[{
                "type": "anomaly_detection", "conditionResult": p.HIGH, "comparison": {
                    "seasonality": "weekly", "sensitivity": "low", "thresholdType": 2}}]))
        self.workflow(p.metric_workflow("Search latency unlike usual [production]", "production",
                                        monitor, p.HIGH, [p.email_team(t["platform"].id)]))
        monitor = self.detector("mobile-android", p.detector(
            "Crash-free users [production]", "production", dataset="metrics",
            aggregate="percentage(users_crashed, users) AS _crash_rate_alert_aggregate",
            window=86400, conditions=p.levels("lt", 98)))
        self.workflow(p.metric_workflow("Crash-free users [production]", "production", monitor,
                                        p.HIGH, [p.email_team(t["mobile"].id)]))
        self.workflow(p.workflow(
            "Noisy worker issues [production]", "production", [self.stream("notifications")],
            triggers=[p.trigger("reappeared_event"), p.trigger("new_high_priority_issue")],
            filters=[p.condition("level", {"level": 40, "match": "gte"}),
                     p.condition("age_comparison", {"time": "day", "value": 1,
                                                    "comparisonType": "newer"}),
                     p.condition("issue_occurrences", {"value": 100}),
                     p.condition("latest_release", True),
                     p.condition("issue_category", {"value": 1, "include": True})],
            logic="any-short",
            actions=[p.slack(i["slack"], "#notifications"), p.discord(i["discord"], "80451"),
                     p.email_user(self.users["maintainer@example.org"])], frequency=1440))
        self.workflow(p.workflow(
            "Report failures [production]", "production", [self.stream("reports-worker")],
            filters=[p.condition("event_frequency_percent", {
                         "value": 50, "interval": "1h", "comparisonInterval": "1w"}),
                     p.condition("event_unique_user_frequency_count", {
                         "value": 5, "interval": "1h", "filters": []})],
            actions=[p.opsgenie(i["opsgenie"], "Data on-call", "P2")]))

    def migrated_rules(self) -> None:
        """Legacy rules Sentry migrated: legacy names, one action filter per trigger."""
        a = self.team_actions("payments", "payments-api")
        migrated = self.seeded.migrated
        for slug, name, env, body, legacy in (
            ("payments-api", "Payments API errors", "production",
             {"triggers": [p.trigger("first_seen_event"), p.trigger("regression_event")],
              "actions": [a["pager"]]}, "4001"),
            ("billing-api", "Billing 500s", "production",
             {"filters": [p.condition("tagged_event", {"key": "http.status_code",
                                                       "match": "eq", "value": "500"})],
              "actions": [a["mail"]]}, "4002"),
            ("geo-api", "Geo alerts", "staging",
             {"triggers": [p.trigger("first_seen_event")],
              "actions": [p.email_team(self.teams["data"].id)]}, "4003"),
        ):
            workflow = self.workflow(p.workflow(name, env, [self.stream(slug)],
                                                **cast(dict[str, Any], body)))
            mark_migrated(self.org, workflow, rule_id=legacy)
            migrated[workflow] = legacy
            self.seeded.renamed.add(workflow)
        platform = self.team_actions("platform", "auth-service")
        for slug, name, body, legacy in (
            ("auth-service", "Auth error count",
             p.detector("Auth error count", "production", window=300,
                        conditions=p.levels("gt", 100)), "9001"),
            ("gateway", "Gateway latency",
             p.detector("Gateway latency", "production", dataset="events_analytics_platform",
                        aggregate="p95(span.duration)", query="is_transaction:true",
                        window=300, conditions=p.levels("gt", 2000)), "9002"),
        ):
            monitor = self.detector(slug, body)
            workflow = self.workflow(p.metric_workflow(name, "production", monitor, p.HIGH,
                                                       [platform["pager"]], frequency=60))
            mark_migrated(self.org, workflow, alert_rule_id=legacy)
            migrated[workflow] = legacy
            self.seeded.renamed |= {monitor, workflow}
        # A migrated two-trigger metric alert: one action filter per level, the chat in both
        # (migrate_metric_action gives each trigger its own actions): warning_priority and
        # warning_channels say it, the chat kept in the warning level's filter only.
        a = self.team_actions("platform", "auth-service")
        monitor = self.detector("payments-api", p.detector(
            "Payments latency", "production", window=300, conditions=p.levels("gt", 2000, 1000)))
        workflow = self.workflow(p.workflow(
            "Payments latency", "production", [monitor], actions=[], frequency=30,
            groups=[p.metric_filter(p.HIGH, [a["pager"], a["chat"]]),
                    p.metric_filter(p.MEDIUM, [a["chat"]])]))
        mark_migrated(self.org, workflow, alert_rule_id="9003")
        migrated[workflow] = "9003"
        self.seeded.renamed |= {monitor, workflow}

    def not_expressible(self) -> None:
        """What sentry-iac cannot say; each must be reported and left alone."""
        a = self.team_actions("platform", "auth-service")
        mark = self.seeded.not_expressible
        monitor = self.detector("payments-api", p.detector(
            "Payments saturation", "production", window=300,
            conditions=p.levels("gt", 90, 75)))
        workflow = self.workflow(p.workflow(
            "Payments saturation", "production", [monitor], actions=[], frequency=30,
            groups=[p.metric_filter(p.HIGH, [a["pager"]]), p.metric_filter(p.MEDIUM, [])]))
        mark_migrated(self.org, workflow, alert_rule_id="9004")
        mark[monitor] = mark[workflow] = "a warning level that notifies no one"
        streams = [self.stream("auth-service"), self.stream("gateway")]
        for name, env, links, extra, why in (
            ("Platform-wide new issues", "production", streams, {}, "two projects"),
            ("Orphan alert", "production", [], {}, "no monitor"),
            ("Webhook relay", "production", [self.stream("feature-flags")],
             {"actions": [p.webhook()]}, "a webhook action"),
            ("Any environment errors", None, [self.stream("audit-trail")], {},
             "all environments"),
            ("Dev errors", "development", [self.stream("sync-worker")], {},
             "an environment of no stack"),
            ("Paused alert", "production", [self.stream("etl-scheduler")], {"enabled": False},
             "switched off"),
            ("Unassigned issues", "production", [self.stream("admin-portal")],
             {"filters": [p.condition("assigned_to", {"targetType": "Unassigned",
                                                      "targetIdentifier": ""})]},
             "an assignee filter"),
            ("Resolved issues", "production", [self.stream("public-website")],
             {"triggers": [p.trigger("issue_resolved_trigger")]}, "a resolved trigger"),
            ("Media errors with tags", "production", [self.stream("media-service")],
             {"actions": [p.slack(self.integrations["slack"], "#media", tags="environment")]},
             "Slack notes and tags"),
            ("Errors by error monitor", "production", [self.stream("mobile-ios", "error")], {},
             "the error monitor"),
            ("Two-day-old issues", "production", [self.stream("data-pipeline")],
             {"filters": [p.condition("age_comparison", {"time": "hour", "value": 48,
                                                         "comparisonType": "older"})]},
             "an age in hours the YAML writes in days"),
            ("Monolith errors", "production", [self.stream("legacy-monolith")], {},
             "a project without a team"),
        ):
            body: dict[str, Any] = {"triggers": [p.trigger("first_seen_event")],
                                    "actions": [a["mail"]], **extra}
            label = f"{name} [{env}]" if env else name
            mark[self.workflow(p.workflow(label, env, links, **body))] = why
        # Sentry takes an anomaly condition at medium priority, though Seer opens only high
        # issues (anomaly_detection_handler.py); sentry-iac writes high.
        monitor = self.detector("data-pipeline", p.detector(
            "Anomalous errors [production]", "production", window=900, detection="dynamic",
            conditions=[{"type": "anomaly_detection", "conditionResult": p.MEDIUM,
                         "comparison": {"seasonality": "auto", "sensitivity": "medium",
                                        "thresholdType": 0}}]))
        mark[monitor] = "anomaly detection at medium priority"
        mark[self.workflow(p.metric_workflow("Anomalous errors [production]", "production",
                                             monitor, p.MEDIUM, [a["mail"]]))] = "its monitor"
        mark[self.detector("reports-worker", p.detector(
            "Unwired monitor [production]", "production", conditions=p.levels("gt", 1)))] = \
            "a monitor without an alert"
        uptime = FakeDetector(id=self.org.next_id(), type="uptime_domain_failure",
                              project_id=self.projects["public-website"].id,
                              name="Website uptime")
        self.org.detectors[uptime.id] = uptime
        mark[uptime.id] = "an uptime monitor"


def seed_realistic_org(fake: FakeSentry) -> Seeded:
    """Fill ``fake`` (running, organisation empty) with the organisation described above."""
    seeder = _Seeder(fake)
    seeder.people()
    seeder.integrations_()
    for slug, platform, team, kind in SERVICES:
        seeder.project(slug, platform, team, kind)
    seeder.settings()
    for slug, _, team, kind in SERVICES:
        if team is not None:
            seeder.standard_rules(slug, team, kind)
    seeder.special_rules()
    seeder.migrated_rules()
    seeder.not_expressible()
    seeder.client.close()
    seeder.seeded.secrets.append(fake.token)
    return seeder.seeded


def seed_small_org(fake: FakeSentry) -> None:
    """The people, integrations and one project with its standard rules: a quick import."""
    seeder = _Seeder(fake)
    seeder.people()
    seeder.integrations_()
    seeder.project("spms-backend", "python-django", "science", "backend")
    seeder.standard_rules("spms-backend", "science", "backend")
    seeder.client.close()
