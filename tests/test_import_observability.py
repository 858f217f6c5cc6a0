"""`sentry-iac import` of cron monitors (with their alerts), dashboards and security settings.

First the inverse of each YAML form on its own (Sentry's object -> our words), then an
organisation made in Sentry's UI on the fake (``tests.import_seed``) imported whole: the written
directory validates, its plans register what Sentry holds (compared with the seeded objects,
not with the importer's own renders), what cannot be said is reported and left alone, and
nothing is dropped silently. The first `up` through Pulumi's provider host is
``tests/engine/test_import_adoption.py``."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pulumi.dynamic import Config, ConfigureRequest

from sentry_iac.cli.app import main
from sentry_iac.config.dashboards import Widget
from sentry_iac.config.metrics import PRESETS
from sentry_iac.config.models import Project
from sentry_iac.importer.convert.crons import cron_fields, schedule_fields, unset_as_ours
from sentry_iac.importer.convert.dashboards import (
    base_title,
    convert_dashboards,
    presented_as_ours,
    widget_fields,
)
from sentry_iac.importer.convert.problems import NotExpressible
from sentry_iac.importer.convert.security import security
from sentry_iac.importer.convert.stacks import EnvMap
from sentry_iac.importer.read.progress import Progress
from sentry_iac.importer.read.snapshot import ProjectData, Snapshot
from sentry_iac.importer.report import CHANGED, NOT_READ, RENAMED, SKIPPED, Report
from sentry_iac.importer.run import ImportResult, run_import
from sentry_iac.offline.engine import Plan, run_offline
from sentry_iac.providers import SentryClient, api_path
from sentry_iac.providers.alerting import normalize_workflow
from sentry_iac.providers.crons import CRON_WIRE, CronAlertProvider
from sentry_iac.resources.payloads.dashboards import widget_body
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN, RecordingSleep
from tests.fake_sentry.recording import Exchange
from tests.import_seed import SECURITY, Seeded, seed
from tests.providers.scaffold import delivered

STACKS = ("production", "staging")
PROJECT = Project.model_validate({"slug": "spms-backend", "teams": ["backend", "ops"]})
TEAMS = {"7": "backend", "8": "ops"}


# -- crons ------------------------------------------------------------------------------------


def _monitor(**config: Any) -> dict[str, Any]:
    base = {"schedule_type": "crontab", "schedule": "0 2 * * *", "timezone": "UTC",
            "checkin_margin": None, "max_runtime": None, "failure_issue_threshold": 1,
            "recovery_threshold": 1, "alert_rule_id": None}
    return {"id": "guid", "slug": "nightly", "name": "nightly", "status": "active",
            "config": {**base, **config}, "owner": {"type": "team", "id": "7"}}


def test_schedules_come_back_as_crontabs_or_intervals() -> None:
    assert schedule_fields({"schedule_type": "crontab", "schedule": "*/15 * * * *"}) == {
        "schedule": "*/15 * * * *"}
    assert schedule_fields({"schedule_type": "interval", "schedule": [6, "hour"]}) == {
        "every": "6h"}
    assert schedule_fields({"schedule_type": "interval", "schedule": [2.0, "week"]}) == {
        "every": "2w"}
    with pytest.raises(NotExpressible, match="every 1 month"):
        schedule_fields({"schedule_type": "interval", "schedule": [1, "month"]})
    with pytest.raises(NotExpressible, match="neither a crontab nor an interval"):
        schedule_fields({"schedule_type": "crontab", "schedule": None})


def test_a_monitor_comes_back_in_our_words_with_sentrys_defaults_left_out() -> None:
    fields, changes = cron_fields(_monitor(), PROJECT, TEAMS)
    assert fields == {"slug": "nightly", "schedule": "0 2 * * *"} and changes == []
    fields, changes = cron_fields(
        {**_monitor(timezone="Australia/Perth", checkin_margin=15, max_runtime=1440,
                    failure_issue_threshold=3, recovery_threshold=2),
         "name": "Nightly import", "owner": {"type": "team", "id": "8"}}, PROJECT, TEAMS)
    assert fields == {"slug": "nightly", "name": "Nightly import", "schedule": "0 2 * * *",
                      "timezone": "Australia/Perth", "checkin_margin": "15m",
                      "max_runtime": "1d", "failure_threshold": 3, "recovery_threshold": 2,
                      "owner": "ops"}
    assert changes == []


def test_what_sentry_leaves_unset_is_stored_by_the_first_up_and_said_so() -> None:
    body = {**_monitor(timezone=None, failure_issue_threshold=None), "owner": None}
    fields, changes = cron_fields(body, PROJECT, TEAMS)
    assert fields == {"slug": "nightly", "schedule": "0 2 * * *"}
    assert [what for what, _, _ in changes] == ["timezone", "failure threshold", "owner"]
    ours = {"owner": "team:7", "config": {"timezone": "UTC", "failure_issue_threshold": 1,
                                          "recovery_threshold": 1}}
    adjusted = unset_as_ours(body, ours)
    assert adjusted["owner"] == "team:7"
    assert adjusted["config"]["timezone"] == "UTC"
    assert adjusted["config"]["failure_issue_threshold"] == 1
    assert body["config"]["timezone"] is None  # Sentry's answer itself is left as read
    no_owner = {k: v for k, v in _monitor().items() if k != "owner"}  # an older Sentry
    assert cron_fields(no_owner, PROJECT, TEAMS)[1][0][0] == "owner"


def test_monitors_the_yaml_cannot_own_are_refused() -> None:
    with pytest.raises(NotExpressible, match="owned by a person"):
        cron_fields({**_monitor(), "owner": {"type": "user", "id": "3"}}, PROJECT, TEAMS)
    with pytest.raises(NotExpressible, match="owner team 9"):
        cron_fields({**_monitor(), "owner": {"type": "team", "id": "9"}}, PROJECT, TEAMS)


def test_an_interval_monitor_passes_the_wire_check() -> None:
    """An interval is [count, unit]: its unit is text beside a whole number."""
    monitor = {"config": {"schedule_type": "interval", "schedule": [6.0, "hour"]}}
    assert CRON_WIRE.problems({"monitor": monitor}) == []
    assert CRON_WIRE.to_sentry({"monitor": monitor})["monitor"]["config"]["schedule"] == [
        6, "hour"]
    fraction = {"config": {"schedule_type": "interval", "schedule": [1.5, "hour"]}}
    assert [p.message for p in CRON_WIRE.problems({"monitor": fraction})] == [
        "monitor.config.schedule[0] must be a whole number, not 1.5"]


# -- dashboards -------------------------------------------------------------------------------


def _widget(fields: dict[str, Any]) -> dict[str, Any]:
    """A widget as Sentry answers it (camelCase) from a request body of ours."""
    body = widget_body(Widget.model_validate(fields), "1h")
    query = body["queries"][0]
    return {"title": body["title"], "displayType": body["display_type"],
            "widgetType": body["widget_type"], "limit": body["limit"],
            "queries": [{**{k: v for k, v in query.items() if k != "field_aliases"},
                         "fieldAliases": query["field_aliases"]}]}


WIDGETS: list[dict[str, Any]] = [
    {"title": "Errors", "measure": "error-count", "display": "big_number"},
    {"title": "Users", "measure": "users-with-errors", "search": "level:error"},
    {"title": "Failures", "measure": "failure-rate", "display": "bar"},
    {"title": "HTTP", "measure": "http-request-duration", "percentile": ["p95", "p99"]},
    {"title": "DB p75", "measure": "db-query-duration", "percentile": "p75",
     "search": "transaction:/api/*"},
    {"title": "Calls", "measure": "outgoing-http-duration", "percentile": "p95",
     "display": "area"},
    {"title": "Crash-free", "measure": "crash-free-sessions"},
    {"title": "Crash-free users", "measure": "crash-free-users"},
    {"title": "Top", "issues": {}},
    {"title": "New", "issues": {"sort": "new", "limit": 3, "query": "firstSeen:-7d"}},
]


@pytest.mark.parametrize("fields", WIDGETS, ids=[w["title"] for w in WIDGETS])
def test_every_widget_of_ours_comes_back_as_written(fields: dict[str, Any]) -> None:
    assert widget_fields(_widget(fields)) == fields


def test_every_measure_is_recognised() -> None:
    charted = {widget_fields(_widget({"title": name, "measure": name}))["measure"]
               for name in PRESETS}
    assert charted == set(PRESETS)


def test_sentry_widgets_the_vocabulary_has_no_word_for_are_refused() -> None:
    errors: dict[str, Any] = {
        "title": "x", "displayType": "line", "widgetType": "error-events", "limit": None,
        "queries": [{"name": "", "fields": ["count()"], "aggregates": ["count()"],
                     "columns": [], "fieldAliases": [], "conditions": "", "orderby": ""}]}
    assert widget_fields(errors) == {"title": "x", "measure": "error-count"}
    cases = {
        "'discover' widget": {**errors, "widgetType": "discover"},
        "drawn as 'table'": {**errors, "displayType": "table"},
        "2 queries": {**errors, "queries": errors["queries"] * 2},
        "has description": {**errors, "description": "what it shows"},
        "has thresholds": {**errors, "thresholds": {"max_values": {"max1": 5}}},
        "charts avg(span.duration)": {**errors, "widgetType": "spans", "queries": [
            {**errors["queries"][0], "aggregates": ["avg(span.duration)"]}]},
        "sorted by 'title'": {**errors, "widgetType": "issue", "displayType": "table",
                              "queries": [{**errors["queries"][0], "orderby": "title"}]},
    }
    for reason, widget in cases.items():
        with pytest.raises(NotExpressible, match=re.escape(reason)):
            widget_fields(widget)


def test_titles_lose_the_project_and_environment_sentry_iac_adds() -> None:
    project = Project.model_validate({"slug": "api", "name": "API", "teams": ["backend"]})
    assert base_title("Weekly: API [production]", project, "production") == "Weekly"
    assert base_title("Weekly", project, "production") == "Weekly"
    assert base_title("Weekly: API [staging]", project, "production") == (
        "Weekly: API [staging]")


def test_layout_interval_and_title_are_changes_the_rest_must_match() -> None:
    ours = {"title": "T: A [production]", "widgets": [
        {"interval": "1h", "layout": {"x": 0, "y": 0, "w": 2, "h": 1, "min_h": 1}}]}
    same = {"title": "T: A [production]", "widgets": [
        {"interval": "1h", "layout": {"x": 0, "y": 0, "w": 2, "h": 1, "minH": 1}}]}
    assert presented_as_ours(ours, same)[1] == []
    moved = {"title": "T", "widgets": [
        {"title": "w", "interval": "5m", "layout": {"x": 4, "y": 0, "w": 2, "h": 1}}]}
    adjusted, changes = presented_as_ours(ours, moved)
    assert [what for what, _, _ in changes] == ["title", "widget 'w' interval", "layout"]
    assert adjusted["widgets"][0]["interval"] == "1h" and adjusted["title"] == ours["title"]


def _snapshot(dashboards: list[dict[str, Any]]) -> Snapshot:
    projects = [ProjectData(slug, {"id": pid, "slug": slug}, [], None, [])
                for slug, pid in (("api", "11"), ("web", "12"), ("jobs", "13"))]
    return Snapshot("dbca", {}, [], [], projects, [], [], [], dashboards=dashboards)


def _sentry_dashboard(dashboard_id: str, project: str, env: str,
                      slug: str) -> dict[str, Any]:
    widget = {**_widget({"title": "Errors", "measure": "error-count"}), "interval": "1h",
              "layout": {"x": 0, "y": 0, "w": 3, "h": 2, "minH": 2}}
    return {"id": dashboard_id, "title": f"Weekly: {slug} [{env}]", "projects": [int(project)],
            "environment": [env], "period": "7d", "filters": {}, "widgets": [widget]}


def test_dashboards_alike_become_one_entry_per_set_of_stacks() -> None:
    models = {slug: Project.model_validate({"slug": slug, "teams": ["backend"]})
              for slug in ("api", "web", "jobs")}
    bodies = [_sentry_dashboard("1", "11", "production", "api"),
              _sentry_dashboard("2", "11", "staging", "api"),
              _sentry_dashboard("3", "12", "production", "web"),
              _sentry_dashboard("4", "12", "staging", "web"),
              _sentry_dashboard("5", "13", "production", "jobs")]
    report = Report()
    found = convert_dashboards(_snapshot(bodies), models, STACKS, report)
    assert [(e["id"], e["projects"], e.get("environments")) for e in found.entries] == [
        ("weekly", ["api", "web"], None),
        ("weekly-jobs", ["jobs"], {"staging": {"enabled": False}})]
    assert found.ids == {("Dashboard", "weekly/api", "production"): "1",
                         ("Dashboard", "weekly/api", "staging"): "2",
                         ("Dashboard", "weekly/web", "production"): "3",
                         ("Dashboard", "weekly/web", "staging"): "4",
                         ("Dashboard", "weekly-jobs/jobs", "production"): "5"}
    assert report.adopted["dashboards"] == 5 and not report.findings
    # A second dashboard that would take the first one's title stays in Sentry.
    twin = {**_sentry_dashboard("6", "11", "production", "api"), "title": "Weekly"}
    report = Report()
    convert_dashboards(_snapshot([bodies[0], twin]), models, STACKS, report)
    assert [f.detail for f in report.of_kind(SKIPPED)] == [
        "its title would become 'Weekly: api [production]', which another dashboard has "
        "(Sentry keeps titles unique)"]


# -- security ---------------------------------------------------------------------------------


def test_security_settings_come_back_without_sentrys_defaults_or_stamps() -> None:
    org = {"require2FA": True, "openMembership": True, "allowJoinRequests": False,
           "defaultRole": "member", "eventsMemberAdmin": True, "alertsMemberWrite": True,
           "attachmentsRole": "admin", "debugFilesRole": "admin", "allowSharedIssues": True,
           "enhancedPrivacy": False, "hideAiFeatures": False,
           "trustedRelays": [{"name": "edge", "publicKey": SECURITY["trustedRelays"][0][
               "publicKey"], "description": None, "created": "2026-01-01T00:00:00Z",
               "lastModified": "2026-01-01T00:00:00Z"}]}
    report = Report()
    block, read = security(org, report)
    key = SECURITY["trustedRelays"][0]["publicKey"]
    assert block == {"require_2fa": True, "allow_join_requests": False,
                     "attachments_role": "admin",
                     "trusted_relays": [{"name": "edge", "public_key": key}]}
    assert read == {"require2FA": True, "allowJoinRequests": False, "attachmentsRole": "admin",
                    "trustedRelays": [{"name": "edge", "publicKey": key}]}
    assert report.findings == []


def test_security_settings_sentry_does_not_show_or_the_yaml_refuses_are_reported() -> None:
    report = Report()
    block, _ = security({"require2FA": False, "defaultRole": "billing"}, report)
    assert block is None
    assert [f.subject for f in report.of_kind(SKIPPED)] == ["security.default_role"]
    assert len(report.of_kind(NOT_READ)) == 10  # every other field is absent from the answer


# -- a whole organisation ---------------------------------------------------------------------


@dataclass
class Imported:
    fake: FakeSentry
    seeded: Seeded
    result: ImportResult
    plans: dict[str, Plan]
    exchanges: tuple[Exchange, ...]

    @property
    def out(self) -> Path:
        return self.result.out

    def adopted(self) -> dict[tuple[str, str, str], str]:
        """(short type, name, stack) -> Sentry id, from the adoption files."""
        found = {}
        for stack in STACKS:
            entries = json.loads((self.out / "import" / f"{stack}.adopt.json").read_text())
            for entry in entries["resources"]:
                found[(entry["type"].rsplit(":", 1)[-1], entry["name"], stack)] = entry["id"]
        return found

    def findings(self, *kinds: str) -> list[str]:
        return [f"{f.subject} | {f.detail}" for f in self.result.report.findings
                if f.kind in kinds]


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    out = tmp_path_factory.mktemp("import") / "dbca-sentry"
    with FakeSentry(token=FAKE_TOKEN, org_slug="dbca") as fake:
        seeded = seed(fake, with_changes=True)
        fake.page_size = 2  # the lists come in pages
        fake.clear_exchanges()
        with SentryClient(FAKE_TOKEN, fake.url, sleep=RecordingSleep()) as client:
            result = run_import(client, "dbca", out, EnvMap.parse(STACKS, []),
                                base_url=fake.url, progress=Progress(io.StringIO(), tty=False))
        exchanges = tuple(fake.exchanges)
        plans = {stack: run_offline(out, stack) for stack in STACKS}
        yield Imported(fake, seeded, result, plans, exchanges)
    assert not fake.internal_errors, "\n".join(fake.internal_errors)


def test_it_only_reads_monitors_and_each_dashboard(imported: Imported) -> None:
    assert {e.method for e in imported.exchanges} == {"GET"}
    org = "/api/0/organizations/dbca/"
    monitors = [e for e in imported.exchanges if e.path == org + "monitors/"]
    assert len(monitors) >= 4 and all(e.query.get("project") == ["-1"] for e in monitors)
    read = {e.path for e in imported.exchanges}
    assert {f"{org}dashboards/{d}/" for d in imported.fake.org.dashboards} <= read


def test_the_written_directory_validates(imported: Imported,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--dir", str(imported.out)]) == 0, capsys.readouterr().out


def test_cron_monitors_plan_to_what_sentry_holds(imported: Imported) -> None:
    org = imported.fake.org
    planned = {r.inputs["monitor"]["slug"]: r.inputs["monitor"]
               for r in imported.plans["production"].of_type("CronMonitor")}
    assert not imported.plans["staging"].of_type("CronMonitor")  # the owner stack's
    assert set(planned) == {"nightly-import", "sync", "cleanup", "backup"}
    for slug, ours in planned.items():
        monitor = org.monitors[slug]
        project = next(p for p in org.projects.values() if p.id == monitor.project_id)
        assert (ours["name"], ours["project"], ours["status"]) == (
            monitor.name, project.slug, monitor.status)
        stored = {k: v for k, v in monitor.config.items() if k in ours["config"]}
        if slug == "backup":  # Sentry holds no failure threshold: the first up stores 1
            stored["failure_issue_threshold"] = 1
        assert {k: v for k, v in ours["config"].items() if v is not None or k in stored} == (
            {**dict.fromkeys(k for k, v in ours["config"].items() if v is None), **stored})
        team = org.teams[ours["owner"].removeprefix("team:")]
        assert monitor.owner in (f"team:{team.id}", None)
        assert monitor.owner is not None or team.slug == project.teams[0]


def _alerts(imported: Imported) -> Any:
    provider = CronAlertProvider()
    provider.configure(ConfigureRequest(Config(
        {"sentry:token": FAKE_TOKEN, "sentry:baseUrl": imported.fake.url}, "sentry-iac")))
    provider.client_factory = lambda token, url: SentryClient(token, url, sleep=RecordingSleep())
    return provider


def test_cron_alerts_plan_to_what_sentry_holds(imported: Imported) -> None:
    provider, adopted = _alerts(imported), imported.adopted()
    checked = 0
    for stack in STACKS:
        for alert in imported.plans[stack].of_type("CronAlert"):
            sentry_id = adopted[("CronAlert", alert.name, stack)]
            with SentryClient(FAKE_TOKEN, imported.fake.url) as client:
                sent = provider.payload(client, delivered(alert.inputs))  # as `up` resolves it
                sentry = client.get(api_path("organizations", "dbca", "workflows", sentry_id))
            assert {**normalize_workflow(sent), "name": None} == {
                **normalize_workflow(sentry), "name": None}
            assert sorted(sent["detectorIds"]) == sorted(sentry["detectorIds"])
            assert sent["name"] == sentry["name"] or sentry_id in imported.seeded.changed
            checked += 1
    assert checked == 5


def _stored_widget(widget: dict[str, Any]) -> dict[str, Any]:
    return {"title": widget["title"], "display_type": widget["display_type"],
            "widget_type": widget["widget_type"], "limit": widget["limit"],
            "queries": [{k: q[k] for k in ("name", "fields", "aggregates", "columns",
                                           "field_aliases", "conditions", "orderby")}
                        for q in widget["queries"]]}


def test_dashboards_plan_to_what_sentry_holds(imported: Imported) -> None:
    org, adopted = imported.fake.org, imported.adopted()
    checked = 0
    for stack in STACKS:
        for resource in imported.plans[stack].of_type("Dashboard"):
            sentry_id = adopted[("Dashboard", resource.name, stack)]
            stored = org.dashboards[sentry_id]
            ours = resource.inputs
            assert [_stored_widget(w) for w in ours["widgets"]] == [
                _stored_widget(w) for w in stored.widgets]
            assert ours["dashboard"]["environment"] == stored.filters["environment"]
            assert ours["dashboard"]["period"] == stored.filters["period"]
            assert org.projects[ours["project"]].id == str(stored.projects[0])
            if sentry_id not in imported.seeded.changed:
                assert ours["dashboard"]["title"] == stored.title
                assert [w["layout"] for w in ours["widgets"]] == [
                    {**{k: w["layout"][k] for k in "xywh"}, "min_h": w["layout"]["minH"]}
                    for w in stored.widgets]
                assert [w["interval"] for w in ours["widgets"]] == [
                    w["interval"] for w in stored.widgets]
            checked += 1
    assert checked == 4


def test_security_plans_to_what_sentry_holds(imported: Imported) -> None:
    (resource,) = imported.plans["production"].of_type("OrganizationSecurity")
    assert resource.inputs["settings"] == SECURITY
    assert not imported.plans["staging"].of_type("OrganizationSecurity")


def test_what_cannot_be_expressed_is_reported_and_left_alone(imported: Imported) -> None:
    org = imported.fake.org
    slugs = {m.id: m.slug for m in org.monitors.values()}
    adopted = set(imported.adopted().values())
    skipped = imported.findings(SKIPPED)
    for sentry_id, reason in imported.seeded.not_expressible.items():
        name = f"cron monitor '{slugs[sentry_id]}'" if sentry_id in slugs else f" {sentry_id} "
        found = [f for f in skipped if name in f" {f}"]
        assert found and reason in found[0], (sentry_id, reason, skipped)
        assert sentry_id not in adopted


def test_changes_the_first_up_makes_are_reported(imported: Imported) -> None:
    changes = imported.findings(RENAMED, CHANGED)
    for sentry_id, phrase in imported.seeded.changed.items():
        assert any(phrase in f for f in changes), (sentry_id, phrase, changes)
    assert any("layout | as arranged in Sentry becomes" in f for f in changes)
    assert any("interval | one point per 5m becomes one per 1h" in f for f in changes)
    assert any("'backup' (spms-backend) owner | none becomes team backend" in f
               for f in changes)


def test_nothing_is_dropped_silently(imported: Imported) -> None:
    """Every cron monitor, check-in monitor, alert on one and dashboard is adopted or listed
    in the report (Sentry's prebuilt "General" among what is not read)."""
    org = imported.fake.org
    adopted = set(imported.adopted().values())
    report = "\n".join(imported.findings(SKIPPED, NOT_READ))
    slugs = {m.id: m.slug for m in org.monitors.values()}
    cron_detectors = {m.detector_id for m in org.monitors.values()}
    alerts = {w for d, w in org.links if d in cron_detectors}
    for sentry_id in [*slugs, *alerts, *org.dashboards]:
        if sentry_id in adopted:
            continue
        named = f"cron monitor '{slugs[sentry_id]}'" if sentry_id in slugs else (
            f"alert {sentry_id} " if sentry_id in alerts else f"dashboard {sentry_id} ")
        assert named in report, sentry_id
    assert "dashboard 'General' | one of Sentry's prebuilt dashboards" in report
