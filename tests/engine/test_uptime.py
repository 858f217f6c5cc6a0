"""Uptime monitors through Pulumi's provider host against the fake Sentry: each stack creates
its own monitor (its own site and environment) and its alert, a second `up` changes nothing,
a change in the YAML is one update, an edit in Sentry shows at refresh and is written back,
and removing a check from the YAML deletes its alert but only releases its monitor.

Sentry before 2026 takes only numeric ids in ``?project=``; the fake answers so here, so every
lookup and listing is proven to use ids. The fake's interval field is Sentry's ChoiceField,
which refuses ``60.0``: the engine's floats reach it as whole numbers or the create fails."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.engine.engine import Deployment, StackEngine
from tests.engine.sentry import empty_organization
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN
from tests.fake_sentry.state import FakeDetector

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "uptime"
UPTIME = ("UptimeMonitor", "UptimeAlert")


def copy_fixture(dest: Path) -> Path:
    """The uptime fixture organisation (tests/fixtures/uptime) copied to ``dest``."""
    shutil.copytree(FIXTURE, dest)
    return dest


def _uptime_detectors(fake: FakeSentry) -> dict[str, FakeDetector]:
    return {d.name: d for d in fake.org.detectors.values() if d.type == "uptime_domain_failure"}


def _object_writes(deployment: Deployment) -> list[str]:
    return [f"{e.method} {e.path}" for e in deployment.writes
            if "/detectors/" in e.path or "/workflows/" in e.path]


def _edit(program: Path, old: str, new: str) -> None:
    org = program / "org.yaml"
    text = org.read_text()
    assert old in text
    org.write_text(text.replace(old, new, 1))


def test_each_stack_makes_its_own_monitor_and_alert(tmp_path: Path) -> None:
    program = copy_fixture(tmp_path / "project")
    with empty_organization(slugs_in_project_queries=False) as fake:
        for stack in ("production", "staging"):
            up = StackEngine(program, stack, fake, token=FAKE_TOKEN).up()
            assert up.ok, up.explain()
        found = _uptime_detectors(fake)
        assert sorted(found) == ["SPMS API [production]", "SPMS API [staging]",
                                 "SPMS website [production]", "SPMS website [staging]"]
        site = found["SPMS website [production]"]
        assert site.data_source is not None and site.data_source["type"] == "uptime_subscription"
        query = site.data_source["query"]
        assert (query["url"], query["interval_seconds"], query["timeout_ms"], query["method"],
                query["headers"], query["body"]) == (
            "https://scienceprojects.dbca.wa.gov.au/", 60, 5000, "GET",
            [["Accept", "text/html"]], None)
        assert site.config == {"mode": 1, "environment": "production", "recovery_threshold": 1,
                               "downtime_threshold": 3}
        team = fake.org.teams["science-projects"]
        assert site.owner == f"team:{team.id}"
        staging = found["SPMS website [staging]"]
        assert staging.data_source is not None
        assert (staging.data_source["query"]["url"], staging.data_source["query"][
            "interval_seconds"], staging.config["environment"]) == (
            "https://scienceprojects-uat.dbca.wa.gov.au/", 300, "staging")
        api = found["SPMS API [production]"]
        assert api.data_source is not None
        assert (api.data_source["query"]["method"], api.data_source["query"]["body"],
                api.data_source["query"]["timeout_ms"]) == ("POST", '{"probe": "sentry"}', 2500)
        # Paused in staging: Sentry turned it on when it was made, the provider off again.
        assert found["SPMS API [staging]"].enabled is False and api.enabled is True
        # Each enabled monitor has one alert, for every environment (resolutions reach it),
        # that pages the production site and tells the staging one to chat.
        alerts = {w.name: w for w in fake.org.workflows.values()
                  if w.name.startswith("SPMS ")}
        assert sorted(alerts) == ["SPMS API [production]", "SPMS website [production]",
                                  "SPMS website [staging]"]
        for name, workflow in alerts.items():
            assert fake.org.detector_ids_of(workflow.id) == [found[name].id]
            assert workflow.environment is None and workflow.config == {"frequency": 0}
        kinds = {name: sorted(a["type"] for f in w.action_filters for a in f["actions"])
                 for name, w in alerts.items()}
        assert kinds["SPMS website [production]"] == ["msteams", "pagerduty"]
        assert kinds["SPMS website [staging]"] == ["msteams"]


def test_no_op_change_drift_and_removal(tmp_path: Path) -> None:
    program = copy_fixture(tmp_path / "project")
    with empty_organization(slugs_in_project_queries=False) as fake:
        engine = StackEngine(program, "production", fake, token=FAKE_TOKEN)
        first = engine.up()
        assert first.ok, first.explain()
        assert {s.kind for s in first.ops("create")} >= set(UPTIME)

        again = engine.up()
        assert again.ok, again.explain()
        assert not again.ops("create") and not again.ops("update")
        assert _object_writes(again) == []

        _edit(program, "        every: 1m\n", "        every: 5m\n")
        _edit(program, "        failure_threshold: 3\n", "        failure_threshold: 2\n")
        changed = engine.up()
        assert changed.ok, changed.explain()
        assert [s.name for s in changed.ops("update")] == ["spms-backend/site"]
        site = _uptime_detectors(fake)["SPMS website [production]"]
        assert site.data_source is not None
        assert site.data_source["query"]["interval_seconds"] == 300
        assert site.config["downtime_threshold"] == 2
        assert _object_writes(changed) == [f"PUT /api/0/organizations/dbca/detectors/{site.id}/"]

        # Someone points the monitor elsewhere in Sentry's UI: refresh sees it, the preview
        # says what the next up writes back, and the up does.
        site.data_source["query"]["url"] = "https://example.org/"
        assert engine.refresh().ok
        preview = engine.preview()
        assert preview.ok and any("the next up writes the YAML's values back" in line
                                  for line in preview.host_stderr), preview.host_stderr
        assert any("https://example.org/" in line for line in preview.host_stderr)
        repaired = engine.up()
        assert repaired.ok, repaired.explain()
        assert site.data_source["query"]["url"] == "https://scienceprojects.dbca.wa.gov.au/"

        # The check leaves the YAML: its alert goes, its monitor is only released.
        alert_id = next(w.id for w in fake.org.workflows.values()
                        if w.name == "SPMS website [production]")
        text = (program / "org.yaml").read_text()
        start = text.index("      - id: site\n")
        (program / "org.yaml").write_text(text[:start] + text[text.index("      - id: api\n"):])
        removed = engine.up()
        assert removed.ok, removed.explain()
        assert [s.name for s in removed.steps if s.op == "release"] == ["spms-backend/site"]
        assert [s.kind for s in removed.ops("delete")] == ["UptimeAlert"]
        assert alert_id not in fake.org.workflows
        assert site.id in fake.org.detectors  # Sentry keeps it, checks and history
        assert _object_writes(removed) == [f"DELETE /api/0/organizations/dbca/workflows/"
                                           f"{alert_id}/"]


def test_an_interrupted_up_is_resumed_without_a_second_monitor_or_alert(tmp_path: Path) -> None:
    program = copy_fixture(tmp_path / "project")
    with empty_organization() as fake:
        engine = StackEngine(program, "production", fake, token=FAKE_TOKEN)
        assert engine.up().ok
        made = {urn: r.id for urn, r in engine.state.items() if r.kind in UPTIME}
        assert len(made) == 4
        before = (set(fake.org.detectors), set(fake.org.workflows))
        for urn in made:  # what an interruption leaves: in Sentry, not in the state
            del engine.state[urn]
        resumed = engine.up()
        assert resumed.ok, resumed.explain()
        assert [e for e in resumed.writes if e.method == "POST"] == []
        assert (set(fake.org.detectors), set(fake.org.workflows)) == before
        assert {urn: engine.state[urn].id for urn in made} == made


def test_delete_when_removed_deletes_the_monitor(tmp_path: Path) -> None:
    program = copy_fixture(tmp_path / "project")
    _edit(program, "        priority: critical\n        environments:\n          staging: {url",
          "        priority: critical\n        delete_when_removed: true\n"
          "        environments:\n          staging: {url")
    with empty_organization() as fake:
        engine = StackEngine(program, "production", fake, token=FAKE_TOKEN)
        assert engine.up().ok
        site = _uptime_detectors(fake)["SPMS website [production]"]
        text = (program / "org.yaml").read_text()
        start = text.index("      - id: site\n")
        (program / "org.yaml").write_text(text[:start] + text[text.index("      - id: api\n"):])
        removed = engine.up()
        assert removed.ok, removed.explain()
        assert sorted(s.kind for s in removed.ops("delete")) == ["UptimeAlert", "UptimeMonitor"]
        assert site.id not in fake.org.detectors


def _legacy_program(tmp_path: Path) -> Path:
    """The fixture on the legacy backend, routed through a channel that backend can use."""
    program = copy_fixture(tmp_path / "project")
    (program / "Pulumi.production.yaml").write_text("config:\n  sentry-iac:alertsBackend: legacy\n")
    _edit(program, "    production: [on-call, team-chat]\n", "    production: [team-chat]\n")
    _edit(program, "  paging_environments: [production]\n", "  paging_environments: []\n")
    return program


@pytest.mark.parametrize("thresholds", [True, False], ids=["thresholds", "before-thresholds"])
def test_the_legacy_backend_uses_the_project_uptime_endpoint(tmp_path: Path,
                                                             thresholds: bool) -> None:
    """Older Sentry makes uptime monitors at /projects/{org}/{project}/uptime/, before and
    after that endpoint took thresholds; the alert is an issue rule on the monitor's tag."""
    program = _legacy_program(tmp_path)
    with empty_organization(slugs_in_project_queries=False) as fake:
        fake.org.uptime_thresholds = thresholds
        engine = StackEngine(program, "production", fake, token=FAKE_TOKEN)
        up = engine.up()
        assert up.ok, up.explain()
        posts = sorted(e.path for e in up.writes if e.method == "POST")
        assert posts == ["/api/0/projects/dbca/spms-backend/uptime/"] * 2
        found = _uptime_detectors(fake)
        assert sorted(found) == ["SPMS API [production]", "SPMS website [production]"]
        site = found["SPMS website [production]"]
        assert site.data_source is not None
        assert site.data_source["query"]["interval_seconds"] == 60
        assert site.config["environment"] == "production"
        monitor = next(r for r in engine.state.values()
                       if r.kind == "LegacyUptimeMonitor" and r.name == "spms-backend/site")
        rule = next(r for r in engine.state.values() if r.kind == "SentryIssueAlert"
                    and r.name == "uptime-site/spms-backend")
        assert rule.inputs["filters"] == [{
            "id": "sentry.rules.filters.tagged_event.TaggedEventFilter", "key": "uptime_rule",
            "match": "eq", "value": monitor.id}]
        assert rule.inputs["environment"] == "production"
        assert monitor.id == site.id

        again = engine.up()
        assert again.ok and not again.ops("create") and not again.ops("update")
        assert again.writes == []
        assert engine.refresh().ok
        preview = engine.preview()
        assert preview.ok and not preview.ops("update")
        assert not any("writes the YAML's values back" in line for line in preview.host_stderr)

        # An interrupted up: the monitor is in Sentry, not in the state; the next up finds it.
        del engine.state[monitor.urn]
        resumed = engine.up()
        assert resumed.ok, resumed.explain()
        assert [e for e in resumed.writes if e.method == "POST"] == []
        assert engine.state[monitor.urn].id == monitor.id
