"""A rule with anomaly detection through Pulumi's provider host, against the fake Sentry: its
monitor is made as Sentry's anomaly monitor (``detectionType: dynamic``, one
``anomaly_detection`` condition), a second ``up`` and a refresh find nothing to change, and
when Sentry refuses it (no anomaly detection feature, or no Seer) the deployment fails with
the rule's ``file:line`` and what to do."""

from __future__ import annotations

from pathlib import Path

from tests.anomaly_rules import FILE, KEY, anomaly_project, rule_line
from tests.engine.engine import Deployment, StackEngine
from tests.engine.sentry import empty_organization
from tests.fake_sentry.fixtures import FAKE_TOKEN

DETECTORS = "/api/0/organizations/dbca/projects/spms-backend/detectors/"


def _anomaly_posts(up: Deployment) -> list[dict[str, object]]:
    return [e.body for e in up.exchanges if e.method == "POST" and e.path == DETECTORS
            and (e.body.get("config") or {}).get("detectionType") == "dynamic"]


def test_an_anomaly_rule_deploys_as_sentrys_anomaly_monitor_and_stays_put(
        tmp_path: Path) -> None:
    program = anomaly_project(tmp_path / "project")
    with empty_organization() as fake:
        engine = StackEngine(program, "production", fake, token=FAKE_TOKEN)
        up = engine.up()
        assert up.ok, up.explain()
        (body,) = _anomaly_posts(up)
        assert body["conditionGroup"] == {"logicType": "any", "conditions": [
            {"type": "anomaly_detection", "conditionResult": 75,
             "comparison": {"sensitivity": "medium", "seasonality": "auto", "thresholdType": 0}}]}
        source = body["dataSources"][0]  # type: ignore[index]
        assert (source["timeWindow"], source["aggregate"], source["environment"]) == (
            900, "p95(span.duration)", "production")
        monitor = next(r for r in engine.state.values() if r.kind == "Monitor" and r.name == KEY)
        stored = fake.org.detectors[monitor.id]
        assert stored.config["detection_type"] == "dynamic"
        assert stored.condition_group is not None
        assert [c["comparison"] for c in stored.condition_group["conditions"]] == [
            {"sensitivity": "medium", "seasonality": "auto", "threshold_type": 0}]
        # its alert tells the rule's channels when the (high) issue opens and resolves
        alert = next(r for r in engine.state.values() if r.kind == "Alert" and r.name == KEY)
        assert fake.org.links >= {(monitor.id, alert.id)}

        again = engine.up()
        assert again.ok and again.writes == [], [(e.method, e.path) for e in again.writes]
        assert engine.refresh().ok
        preview = engine.preview()
        assert preview.ok and preview.exchanges == []
        assert not [line for line in preview.host_stderr if "writes the YAML's values back" in
                    line]


def test_a_stack_override_changes_sensitivity_and_window(tmp_path: Path) -> None:
    program = anomaly_project(tmp_path / "project")
    with empty_organization() as fake:
        production = StackEngine(program, "production", fake, token=FAKE_TOKEN)
        assert production.up().ok
        staging = StackEngine(program, "staging", fake, token=FAKE_TOKEN)
        up = staging.up()
        assert up.ok, up.explain()
        (body,) = _anomaly_posts(up)
        assert body["dataSources"][0]["timeWindow"] == 1800  # type: ignore[index]
        condition = body["conditionGroup"]["conditions"][0]  # type: ignore[index]
        assert condition["comparison"]["sensitivity"] == "low"


def test_a_change_of_sensitivity_is_sent_again_whole(tmp_path: Path) -> None:
    program = anomaly_project(tmp_path / "project")
    with empty_organization() as fake:
        engine = StackEngine(program, "production", fake, token=FAKE_TOKEN)
        assert engine.up().ok
        path = program / FILE
        path.write_text(path.read_text().replace("{sensitivity: medium, direction: above}",
                                                 "{sensitivity: high, direction: either}"))
        up = engine.up()
        assert up.ok, up.explain()
        (put,) = [e for e in up.writes if e.method == "PUT" and "/detectors/" in e.path]
        assert put.body["conditionGroup"]["conditions"][0]["comparison"] == {
            "sensitivity": "high", "seasonality": "auto", "thresholdType": 2}
        assert put.body["dataSources"][0]["timeWindow"] == 900


def test_without_sentrys_anomaly_feature_the_up_names_the_rule_and_what_to_do(
        tmp_path: Path) -> None:
    program = anomaly_project(tmp_path / "project")
    with empty_organization() as fake:
        fake.org.features.discard("anomaly-detection-alerts")
        up = StackEngine(program, "production", fake, token=FAKE_TOKEN).up()
        assert not up.ok
        (error,) = [e for e in up.errors if KEY in e]
        where = f"{FILE}:{rule_line(program)}:5: alerts[3].anomaly"
        assert where in error, error
        assert "anomaly detection (feature 'anomaly-detection-alerts')" in error
        assert "replace `anomaly:` with critical/warning thresholds" in error
        refused = [e for e in up.exchanges if e.path == DETECTORS and e.status == 404]
        assert len(refused) == 1  # asked once, never retried blindly
        assert not [d for d in fake.org.detectors.values()
                    if d.config.get("detection_type") == "dynamic"]
        # the other rules deployed
        assert len([s for s in up.ops("create") if s.kind == "Monitor"]) >= 3


def test_a_sentry_without_seer_is_named_at_the_rule(tmp_path: Path) -> None:
    program = anomaly_project(tmp_path / "project")
    with empty_organization() as fake:
        fake.org.seer = False
        up = StackEngine(program, "production", fake, token=FAKE_TOKEN).up()
        assert not up.ok
        (error,) = [e for e in up.errors if KEY in e]
        assert f"{FILE}:{rule_line(program)}:5: alerts[3].anomaly" in error
        assert "could not hand the anomaly monitor" in error and "Seer" in error
        assert "Couldn't send data to Seer, unable to create detector" in error
