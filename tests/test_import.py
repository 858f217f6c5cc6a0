"""`sentry-iac import` against a realistic organisation on the fake Sentry: 22 projects, about
170 monitors and alerts (some migrated from legacy rules, some beyond the YAML vocabulary), read
in pages of 7 with 429s and a 502 on the way.

The round trip: the written directory validates, its offline plans register exactly what Sentry
holds (alerts resolved by the real Alert provider against the fake), the import files name
every resource the plans register, what cannot be expressed is reported and left alone, and no
secret reaches the disk. The last test plays the first `pulumi up`: every monitor and alert is
adopted in place, none created."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from pulumi.dynamic import Config, ConfigureRequest

from sentry_iac.cli.app import main
from sentry_iac.config.loader import load_spec
from sentry_iac.importer.convert.fingerprints import parse_rules
from sentry_iac.importer.convert.instances import adjusted_metric_alert
from sentry_iac.importer.convert.scrubbing import same_rules
from sentry_iac.importer.convert.stacks import EnvMap
from sentry_iac.importer.convert.verify import comparable_detector, comparable_workflow
from sentry_iac.importer.read.progress import Progress
from sentry_iac.importer.report import MIGRATED, SKIPPED
from sentry_iac.importer.run import ImportResult, run_import
from sentry_iac.offline.engine import Plan, run_offline
from sentry_iac.offline.monitor import RegisteredResource
from sentry_iac.providers import SentryClient, api_path
from sentry_iac.providers.alerting import AlertProvider, MonitorProvider
from sentry_iac.sentry.metrics import QUERY_TYPE
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN, RecordingSleep
from tests.fake_sentry.performance import effective
from tests.fake_sentry.realistic import Seeded, seed_realistic_org
from tests.fake_sentry.recording import Exchange
from tests.providers.scaffold import delivered

STACKS = ("production", "staging")
ORG = "/api/0/organizations/dbca/"
DYNAMIC = "pulumi-python:dynamic/"


@dataclass
class Imported:
    fake: FakeSentry
    client: SentryClient
    seeded: Seeded
    result: ImportResult
    plans: dict[str, Plan]
    sleep: RecordingSleep
    log: str
    # What the import itself exchanged and waited, kept apart from the fake's running log:
    # later tests in this module write to the same fake (the first `up`), in any order.
    import_exchanges: tuple[Exchange, ...]
    import_sleeps: tuple[float, ...]

    @property
    def out(self) -> Path:
        return self.result.out

    def file(self, stack: str, kind: str) -> dict[str, Any]:
        name = f"{stack}.json" if kind == "pulumi" else f"{stack}.adopt.json"
        data: dict[str, Any] = json.loads((self.out / "import" / name).read_text())
        return data

    def adopted(self, stack: str) -> dict[tuple[str, str], str]:
        return {(e["type"].rsplit(":", 1)[-1], e["name"]): e["id"]
                for e in self.file(stack, "adopt")["resources"]}

    def of(self, stack: str, short: str) -> list[RegisteredResource]:
        return self.plans[stack].of_type(short)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    out = tmp_path_factory.mktemp("import") / "dbca-sentry"
    with FakeSentry(token=FAKE_TOKEN, org_slug="dbca") as fake:
        seeded = seed_realistic_org(fake)
        fake.page_size = 7
        for path in (ORG + "workflows/", ORG + "detectors/", ORG + "projects/",
                     "/api/0/projects/dbca/*/keys/"):
            fake.rate_limit("GET", path, times=2, reset_in=0.2)
        fake.fail("GET", "/api/0/projects/dbca/gateway/", status=502)
        fake.clear_exchanges()
        sleep = RecordingSleep()
        log = io.StringIO()
        with SentryClient(FAKE_TOKEN, fake.url, sleep=sleep, jitter=lambda: 0.5) as client:
            result = run_import(client, "dbca", out, EnvMap.parse(STACKS, seeded.env_args),
                                base_url=fake.url, progress=Progress(log, tty=False))
            exchanges, sleeps = tuple(fake.exchanges), tuple(sleep.calls)
            plans = {stack: run_offline(out, stack) for stack in STACKS}
            fake.page_size = 100  # the tests' own lookups need no paging
            yield Imported(fake, client, seeded, result, plans, sleep, log.getvalue(),
                           exchanges, sleeps)
    assert not fake.internal_errors, "\n".join(fake.internal_errors)


def test_it_only_reads_through_pages_rate_limits_and_retries(imported: Imported) -> None:
    exchanges = imported.import_exchanges
    assert {e.method for e in exchanges} == {"GET"}  # Sentry is never written to
    assert [e.status for e in exchanges].count(429) == 8
    assert len(imported.import_sleeps) == 9  # eight rate-limit waits and one back-off
    pages = [e for e in exchanges if e.path == ORG + "workflows/" and e.status == 200]
    assert len(pages) >= 25 and all(len(e.response) <= 7 for e in pages)
    assert "sentry-iac import: reading alerts" in imported.log


def test_the_written_directory_validates(imported: Imported,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--dir", str(imported.out)]) == 0, capsys.readouterr().out
    assert "6 policies pass" in capsys.readouterr().out


def test_teams_members_projects_and_keys_are_what_sentry_has(imported: Imported) -> None:
    org = imported.fake.org
    teams = {r.name: r.inputs for r in imported.of("production", "SentryTeam")}
    assert teams == {t.slug: {"organization": "dbca", "slug": t.slug, "name": t.name}
                     for t in org.teams.values()}
    members = {r.name: r.inputs for r in imported.of("production", "SentryOrganizationMember")}
    assert members == {m.email: {"organization": "dbca", "email": m.email, "role": m.role,
                                 "teams": list(m.team_roles)} for m in org.members.values()}
    projects = {r.name: r.inputs for r in imported.of("production", "SentryProject")}
    details = {r.name: r.inputs["settings"] for r in imported.of("production", "ProjectDetails")}
    assert set(projects) == set(org.projects) - {"legacy-monolith"}  # it has no team
    for slug, inputs in projects.items():
        project = org.projects[slug]
        assert inputs["name"] == project.name
        assert details.get(slug, {}).get("platform") == project.platform
        assert inputs["teams"] == project.teams
        # Inputs use the wire names; left out means Sentry's default, which it has.
        assert details.get(slug, {}).get("resolveAge", 0) == project.settings["resolveAge"]
        assert inputs.get("digestsMinDelay", 300) == project.settings["digestsMinDelay"]
        assert inputs.get("digestsMaxDelay", 1800) == project.settings["digestsMaxDelay"]
    for stack in STACKS:
        ids = {e["logicalName"]: e["id"] for e in imported.file(stack, "pulumi")["resources"]
               if e["type"].endswith("SentryKey")}
        for key in imported.of(stack, "SentryKey"):
            project_id = ids[key.name].split("/")
            found = next(k for k in org.projects[key.name].keys if k.id == project_id[2])
            assert project_id[:2] == ["dbca", key.name] and found.name == key.inputs["name"]
        assert len(ids) == 21


def test_settings_are_what_sentry_has(imported: Imported) -> None:
    org = imported.fake.org
    (privacy,) = imported.of("production", "OrganizationPrivacy")
    assert privacy.inputs["settings"] == {k: org.settings[k] for k in (
        "dataScrubber", "scrubIPAddresses", "sensitiveFields", "storeCrashReports")}
    for resource in imported.of("production", "ProjectPrivacy"):
        stored = org.projects[resource.name].settings
        for field, value in resource.inputs["settings"].items():
            if field == "relayPiiConfig":
                assert same_rules(value, stored[field])
            else:
                assert value == stored[field]
    for resource in imported.of("production", "ProjectFingerprinting"):
        ours = resource.inputs["settings"]["fingerprintingRules"]
        stored = org.projects[resource.name].settings["fingerprintingRules"]
        assert parse_rules(ours)[0] == parse_rules(stored)[0]
    for resource in imported.of("production", "ProjectPerformanceIssues"):
        live = effective(org.projects[resource.name].performance)
        assert all(live[k] == v for k, v in resource.inputs["settings"].items())
    hidden = {f"{slug}/{name}" for slug, p in org.projects.items() if slug != "legacy-monolith"
              for name, env in p.environments.items() if env.is_hidden}
    visibility = imported.of("production", "EnvironmentVisibility")
    assert {r.name for r in visibility} == hidden
    assert all(r.inputs["settings"] == {"isHidden": True} for r in visibility)


def _sentry(imported: Imported, kind: str, sentry_id: str) -> dict[str, Any]:
    body: dict[str, Any] = imported.client.get(api_path("organizations", "dbca", kind, sentry_id))
    return body


def configured(provider: Any, fake: FakeSentry) -> Any:
    provider.configure(ConfigureRequest(Config(
        {"sentry:token": FAKE_TOKEN, "sentry:baseUrl": fake.url}, "sentry-iac")))
    provider.client_factory = lambda token, url: SentryClient(token, url, sleep=RecordingSleep())
    return provider


def test_every_monitor_and_alert_is_what_sentry_has(imported: Imported) -> None:
    alerts = configured(AlertProvider(), imported.fake)
    checked = 0
    for stack in STACKS:
        adopted = imported.adopted(stack)
        for monitor in imported.of(stack, "Monitor"):
            ours = monitor.inputs["detector"]
            sentry = _sentry(imported, "detectors", adopted[("Monitor", monitor.name)])
            query_type = QUERY_TYPE[ours["dataSources"][0]["dataset"]]
            assert comparable_detector(ours, query_type) == comparable_detector(sentry,
                                                                                query_type)
            assert ours["name"] == sentry["name"] or sentry["id"] in imported.seeded.renamed
        for alert in imported.of(stack, "Alert"):
            props = dict(alert.inputs)
            monitor_id = adopted.get(("Monitor", alert.name))
            props["detectors"] = [monitor_id] if monitor_id else []
            with SentryClient(FAKE_TOKEN, imported.fake.url) as client:
                sent = alerts.payload(client, props)  # resolved as `pulumi up` would
            sentry = _sentry(imported, "workflows", adopted[("Alert", alert.name)])
            if monitor_id:
                # The first up clears a metric alert's environment and frequency (the monitor
                # filters the environment; resolutions reach only alerts without one).
                sentry, _ = adjusted_metric_alert(sent, sentry)
            assert comparable_workflow(sent) == comparable_workflow(sentry)
            assert sorted(sent["detectorIds"]) == sorted(sentry["detectorIds"])
            assert sent["name"] == sentry["name"] or sentry["id"] in imported.seeded.renamed
            checked += 1
    assert checked >= 150


def test_the_import_files_name_every_resource_the_plans_register(imported: Imported) -> None:
    for stack, plan in imported.plans.items():
        registered = {(r.type, r.name) for r in plan.resources
                      if r.custom and r.type != "pulumi:providers:sentry"}
        pulumi, adopt = imported.file(stack, "pulumi"), imported.file(stack, "adopt")
        named = [(e["type"], e["logicalName"]) for e in pulumi["resources"]
                 if not e.get("component")]
        named += [(e["type"], e["name"]) for e in adopt["resources"]]
        assert sorted(named) == sorted(registered)
        assert not any(t.startswith(DYNAMIC) for t, _ in named[:-len(adopt["resources"])])
        # Parents are components of the same file; the provider is the stack's own.
        assert pulumi["nameTable"] == {
            "sentry": f"urn:pulumi:{stack}::sentry-iac::pulumi:providers:sentry::sentry"}
        components = {e["name"]: e for e in pulumi["resources"] if e.get("component")}
        parents = {r.urn: r for r in plan.resources}
        for entry in pulumi["resources"]:
            if entry.get("component"):
                continue
            resource = next(r for r in plan.resources if r.type == entry["type"]
                            and r.name == entry["logicalName"])
            parent = parents[resource.parent or ""]
            assert (components[entry["parent"]]["type"],
                    components[entry["parent"]]["logicalName"]) == (parent.type, parent.name)
            assert entry["provider"] == "sentry"
        assert len({e["name"] for e in pulumi["resources"]}) == len(pulumi["resources"])


def _reported(imported: Imported, sentry_id: str) -> list[str]:
    return [f.detail for f in imported.result.report.of_kind(SKIPPED)
            if f.subject.startswith((f"alert {sentry_id} ", f"monitor {sentry_id} "))]


def test_what_cannot_be_expressed_is_reported_and_left_alone(imported: Imported) -> None:
    adopted_ids = {i for stack in STACKS for i in imported.adopted(stack).values()}
    for sentry_id, what in imported.seeded.not_expressible.items():
        assert _reported(imported, sentry_id), f"{what} ({sentry_id}) is not reported"
        assert sentry_id not in adopted_ids
    # Nothing is dropped silently: every monitor and alert is adopted or reported.
    org = imported.fake.org
    ids = set(org.workflows) | {d.id for d in org.detectors.values() if not d.system}
    assert {i for i in ids if i not in adopted_ids and not _reported(imported, i)} == set()
    report = (imported.out / "import-report.md").read_text()
    for reason in ("warning level notifies no one", "issue streams of 2 projects", "no monitor",
                   "'webhook' action", "all environments", "'development' is no stack's",
                   "switched off", "'assigned_to' filter", "issue_resolved_trigger",
                   "data.tags", "error monitor", "another priority than high",
                   "uptime_domain_failure",
                   "built-in rules @password:remove", "detector n_plus_one_db_queries is off",
                   "project legacy-monolith"):
        assert reason in report, reason


def test_migrated_rules_are_adopted_once_and_named(imported: Imported) -> None:
    alerts = [i for stack in STACKS for (kind, _), i in imported.adopted(stack).items()
              if kind == "Alert"]
    assert len(alerts) == len(set(alerts))  # no Sentry alert is adopted twice
    migrated = imported.result.report.of_kind(MIGRATED)
    for workflow_id, legacy in imported.seeded.migrated.items():
        assert alerts.count(workflow_id) == 1
        assert any(f.subject.startswith(f"alert {workflow_id},") and legacy in f.detail
                   for f in migrated)


def test_a_metric_alert_with_a_filter_per_level_is_written_with_its_warning_route(
    imported: Imported
) -> None:
    rules = [rule for path in sorted((imported.out / "alerts").glob("*.yaml"))
             for rule in yaml.safe_load(path.read_text())["alerts"]]
    (latency,) = [r for r in rules if r["name"] == "Payments latency"]
    # critical pages and tells the chat; the warning tells the chat (kept in its filter only)
    assert (latency["priority"], latency["warning_priority"]) == ("critical", "standard")
    assert sorted(latency["channels"]) == sorted(["msteams-platform-alerts", "pagerduty-platform"])
    assert latency["warning_channels"] == ["msteams-platform-alerts"]
    # It exists in production only: `only:`, never `enabled: false`.
    assert latency["only"] == ["production"] and "environments" not in latency
    assert not [r for r in rules for o in (r.get("environments") or {}).values()
                if "enabled" in o]
    renames = [f.detail for f in imported.result.report.findings
               if "action filters" in f.subject and f"rule {latency['id']} " in f.subject]
    assert renames, "the first up keeps the chat in the warning level's filter only: reported"


def test_no_secret_is_written(imported: Imported) -> None:
    written = "".join(p.read_text() for p in imported.out.rglob("*") if p.is_file())
    assert written and "import/production.json" not in written
    for secret in imported.seeded.secrets:
        assert secret not in written
    assert "dsn" not in written.lower() and "sentry_key=" not in written


def test_an_anomaly_monitor_comes_back_in_our_words(imported: Imported) -> None:
    """Sentry's dynamic detector is written as ``anomaly:`` and adopted, not reported."""
    (detector,) = [d for d in imported.fake.org.detectors.values()
                   if d.name == "Search latency unlike usual [production]"]
    assert detector.id in imported.adopted("production").values()
    assert not _reported(imported, detector.id)
    spec = load_spec(imported.out)
    (rule,) = [r for f in spec.alerts for r in f.alerts if r.name == "Search latency unlike usual"]
    assert rule.anomaly is not None
    assert (rule.measure, rule.percentile, rule.window) == ("db-query-duration", "p95", "30m")
    assert rule.anomaly.model_dump() == {"sensitivity": "low", "direction": "either",
                                         "seasonality": "weekly"}
    assert (rule.critical, rule.warning, rule.resolve) == (None, None, None)


def test_the_first_up_adopts_every_monitor_and_alert_in_place(imported: Imported) -> None:
    """Runs last: it changes the fake (renames migrated rules)."""
    fake = imported.fake
    before = (dict(fake.org.detectors), dict(fake.org.workflows))
    monitors, alerts = configured(MonitorProvider(), fake), configured(AlertProvider(), fake)
    fake.clear_exchanges()
    for stack in STACKS:
        made: dict[str, str] = {}
        for monitor in imported.of(stack, "Monitor"):
            made[monitor.name] = monitors.create(delivered(monitor.inputs)).id
        for alert in imported.of(stack, "Alert"):
            props = {**delivered(alert.inputs),
                     "detectors": [made[alert.name]] if alert.name in made else []}
            created = alerts.create(props)
            assert created.id == alert.inputs["adopt"]
            assert created.outs["live"] == created.outs["applied"]
    assert "POST" not in {e.method for e in fake.exchanges}
    assert (fake.org.detectors.keys(), fake.org.workflows.keys()) == (before[0].keys(),
                                                                      before[1].keys())
    renamed = {i for i in imported.seeded.renamed if i in fake.org.workflows}
    assert all(fake.org.workflows[i].name.endswith("[production]") or
               fake.org.workflows[i].name.endswith("[staging]") for i in renamed)

