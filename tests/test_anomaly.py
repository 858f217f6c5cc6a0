"""Rules with anomaly detection (``anomaly: {sensitivity, direction}``), offline: the words and
Sentry's codes, the payload, how render, plan and diff say it, the rule tests and backtest that
do not guess, the import that writes it back, the fake's gate and the provider's refusals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, get_args

import pytest

from sentry_iac.cli.app import main
from sentry_iac.config import anomaly as ours
from sentry_iac.config.loader import load_spec
from sentry_iac.config.stack_views import StackRule, stack_rules
from sentry_iac.importer.convert.monitors import metric_fields
from sentry_iac.importer.convert.problems import NotExpressible
from sentry_iac.providers.anomaly import AnomalyDetectionRefused, told_at_the_rule
from sentry_iac.providers.errors import SentryNotFoundError, SentryValidationError
from sentry_iac.resources.payloads.monitors import detector_payload, workflow_payload
from sentry_iac.ruletest.backtest import NotBacktestable, source_of
from sentry_iac.sentry import anomaly as sentry
from tests.anomaly_rules import FILE, KEY, RULE_ID, anomaly_project
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.anomaly import CREATE_FAILED, NO_ACCESS, UPDATE_FAILED, hand_to_seer
from tests.fake_sentry.fixtures import backtest_sentry as backtest_sentry
from tests.fake_sentry.replies import HttpError
from tests.fake_sentry.state import FakeDetector, FakeOrganization
from tests.helpers import copy_project


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return anomaly_project(tmp_path / "project")


def _item(project: Path, stack: str) -> StackRule:
    return next(i for i in stack_rules(load_spec(project), stack) if i.key == KEY)


# -- the words and Sentry's codes ------------------------------------------------------------

@pytest.mark.parametrize(("mapping", "derived"), [
    (sentry.SENSITIVITIES, sentry.SENSITIVITIES_BY_CODE),
    (sentry.DIRECTIONS, sentry.DIRECTIONS_BY_CODE),
    (sentry.SEASONALITIES, sentry.SEASONALITIES_BY_CODE)])
def test_each_table_round_trips(mapping: dict[str, Any], derived: dict[Any, str]) -> None:
    assert {derived[code]: code for code in derived} == mapping


def test_the_tables_cover_exactly_the_words_the_config_accepts() -> None:
    assert get_args(ours.Sensitivity) == tuple(sentry.SENSITIVITIES)
    assert get_args(ours.Direction) == tuple(sentry.DIRECTIONS)
    assert get_args(ours.Seasonality) == tuple(sentry.SEASONALITIES)
    # AnomalyDetectionThresholdType: 0 above, 1 below, 2 above and below
    assert sentry.DIRECTIONS == {"above": 0, "below": 1, "either": 2}


# -- the payload -----------------------------------------------------------------------------

def test_the_monitor_is_sentrys_anomaly_monitor(project: Path) -> None:
    detector = detector_payload(_item(project, "production"))
    assert detector["config"] == {"detectionType": "dynamic"}
    assert detector["conditionGroup"] == {"logicType": "any", "conditions": [
        {"type": "anomaly_detection", "conditionResult": 75,
         "comparison": {"sensitivity": "medium", "seasonality": "auto", "thresholdType": 0}}]}
    assert detector["dataSources"] == [{
        "dataset": "events_analytics_platform", "aggregate": "p95(span.duration)",
        "query": "is_transaction:true span.op:http.server", "eventTypes": ["trace_item_span"],
        "queryType": 1, "timeWindow": 900, "environment": "production"}]


def test_a_stack_override_and_every_direction(tmp_path: Path) -> None:
    rule = (f"\n  - id: {RULE_ID}\n    name: Errors unlike usual\n    projects: [spms-backend]\n"
            "    measure: error-count\n    window: 5m\n    anomaly: {sensitivity: high, "
            "direction: either, seasonality: weekly}\n    priority: high\n"
            "    environments:\n      staging: {anomaly: {sensitivity: low, direction: below}, "
            "window: 1h}\n")
    project = anomaly_project(tmp_path / "p", rule)
    key = f"{RULE_ID}/spms-backend"
    production, staging = (next(i for i in stack_rules(load_spec(project), s) if i.key == key)
                           for s in ("production", "staging"))
    assert detector_payload(production)["conditionGroup"]["conditions"][0]["comparison"] == {
        "sensitivity": "high", "seasonality": "weekly", "thresholdType": 2}
    assert detector_payload(staging)["conditionGroup"]["conditions"][0]["comparison"] == {
        "sensitivity": "low", "seasonality": "auto", "thresholdType": 1}
    assert detector_payload(staging)["dataSources"][0]["timeWindow"] == 3600


def test_its_alert_hears_the_high_issue_open_and_resolve(project: Path) -> None:
    (group,) = workflow_payload(_item(project, "production"))["actionFilters"]
    assert [(c["type"], c["comparison"]) for c in group["conditions"]] == [
        ("issue_priority_greater_or_equal", 75), ("issue_priority_deescalating", 75)]


# -- render, plan, diff ----------------------------------------------------------------------

SENTENCE = ("p95 duration of incoming HTTP requests anomalously high over 15 minutes (medium "
            "sensitivity) in production → medium")


def test_render_says_it_in_one_line(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--dir", str(project), "--stack", "production"]) == 0
    (row,) = [line for line in capsys.readouterr().out.splitlines() if RULE_ID in line]
    assert SENTENCE in row
    assert "opens a high issue when Sentry's anomaly detection finds the value unusual" in row


def test_render_json_lists_its_values(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--dir", str(project), "--stack", "staging", "--format", "json"]) == 0
    rules = [r for p in json.loads(capsys.readouterr().out)["projects"] for r in p["rules"]]
    (rule,) = [r for r in rules if r["id"] == RULE_ID] or [
        r for r in rules if r.get("rule_id") == RULE_ID]
    assert rule["values"]["anomaly"] == "low sensitivity, anomalously high"
    assert rule["values"]["window"] == "30 minutes"
    assert "critical" not in rule["values"]


def test_plan_shows_the_monitor_and_its_alert(project: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--dir", str(project), "--stack", "production"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "anomalously high over 15 minutes (medium sensitivity)" in out
    assert f"monitor {RULE_ID} opens a high issue when Sentry's anomaly detection" in out


def test_diff_says_a_change_of_sensitivity_in_words(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    head = anomaly_project(tmp_path / "head")
    path = head / FILE
    path.write_text(path.read_text().replace("{sensitivity: medium, direction: above}",
                                             "{sensitivity: high, direction: either}"))
    assert main(["diff", "--base-dir", str(project), "--head-dir", str(head),
                 "--stack", "production"]) == 0
    out = capsys.readouterr().out
    assert ("medium sensitivity, anomalously high → high sensitivity, anomalously high or low"
            in out), out


def test_diff_says_an_added_anomaly_rule_as_a_sentence(
        project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = copy_project(tmp_path / "base")
    assert main(["diff", "--base-dir", str(base), "--head-dir", str(project),
                 "--stack", "production"]) == 0
    assert "anomalously high over 15 minutes (medium sensitivity)" in capsys.readouterr().out


def test_validate_passes_the_policies(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """metric-alerts-resolve asks no resolution condition of an anomaly monitor."""
    assert main(["validate", "--dir", str(project)]) == 0
    assert "6 policies pass" in capsys.readouterr().out


# -- rule tests and backtest do not guess ------------------------------------------------------

def _rule_test(project: Path, body: str) -> Path:
    path = project / "rule-tests" / "anomaly.yaml"
    path.parent.mkdir(exist_ok=True)
    path.write_text("version: 1\ntests:\n" + body)
    return path


NAMED = f"""  - name: The anomaly rule opens on slow requests
    stack: production
    project: spms-backend
    rules: [{RULE_ID}]
    inputs:
      - {{from: 0m, to: 15m, spans: {{count: 20, duration: 9s}},
         tags: {{span.op: http.server, is_transaction: "true"}}}}
    expect:
      - {{at: 0m, rule: {RULE_ID}, opens: high}}
"""
BESIDE = """  - name: Slow queries page; the anomaly rule beside it is not played
    stack: production
    project: spms-backend
    inputs:
      - {from: 0m, to: 5m, spans: {count: 20, duration: 1500ms}, tags: {span.category: db}}
      - {from: 5m, to: 15m, spans: {count: 20, duration: 200ms}, tags: {span.category: db}}
    expect:
      - {at: 0m, rule: slow-db-queries, opens: high}
      - {at: 9m, rule: slow-db-queries, resolves: true}
"""


def test_a_rule_test_of_the_anomaly_rule_cannot_be_evaluated(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    test = _rule_test(project, NAMED)
    assert main(["test", str(test), "--dir", str(project)]) == 1
    out = capsys.readouterr().out
    assert f"cannot evaluate: rule '{RULE_ID}' ({FILE}:" in out
    assert "Seer" in out and "last 28 days" in out
    assert "opens high" not in out  # nothing was guessed


def test_a_rule_test_beside_it_plays_the_others_and_says_what_it_left_out(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    test = _rule_test(project, BESIDE)
    assert main(["test", str(test), "--dir", str(project)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("ok ")
    line = (project / FILE).read_text().splitlines().index(f"  - id: {RULE_ID}") + 1
    assert out[1] == (f"  cannot evaluate, left out of the timeline: rule '{RULE_ID}' "
                      f"({FILE}:{line}): it detects anomalies with Sentry's Seer, which judges "
                      "each window against what it learnt from the measure's last 28 days; a "
                      "rule test cannot replay that model")


def test_backtest_skips_it_with_the_reason(project: Path) -> None:
    with pytest.raises(NotBacktestable, match="anomalies with Sentry's Seer"):
        source_of(dict(detector_payload(_item(project, "production"))))


def test_the_backtest_command_says_so_and_asks_nothing(
        backtest_sentry: FakeSentry, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backtest", "--rule", RULE_ID, "--dir", str(project)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [f"production: {KEY} (HTTP requests slower than usual [production]): not "
                     "backtested: it detects anomalies with Sentry's Seer, whose verdict on "
                     "each window a replay of the series cannot reproduce",
                     f"staging: {KEY} (HTTP requests slower than usual [staging]): not "
                     "backtested: it detects anomalies with Sentry's Seer, whose verdict on "
                     "each window a replay of the series cannot reproduce"]
    assert not backtest_sentry.requests("GET", "/api/0/organizations/dbca/events-stats/")


def test_diff_backtest_gives_the_reason_in_its_row(
        backtest_sentry: FakeSentry, project: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    base = copy_project(tmp_path / "base")
    assert main(["diff", "--base-dir", str(base), "--head-dir", str(project), "--dir",
                 str(project), "--backtest", "--days", "1", "--stack", "production"]) == 0
    rows = [line for line in capsys.readouterr().out.split("## Backtest", 1)[1].splitlines()
            if line.startswith(f"| `production` | `{RULE_ID}`")]
    assert rows and "not backtested: it detects anomalies" in rows[0]


# -- import -----------------------------------------------------------------------------------

def _as_sentry_answers(detector: dict[str, Any]) -> dict[str, Any]:
    """A payload as Sentry's GET gives it back: wrapped data source, ids, snake key inside."""
    source = detector["dataSources"][0]
    conditions = [{**c, "id": "7", "comparison": {
        k if k != "thresholdType" else "threshold_type": v for k, v in c["comparison"].items()}}
        for c in detector["conditionGroup"]["conditions"]]
    return {**detector, "id": "12", "dataSources": [{"queryObj": {"snubaQuery": source}}],
            "conditionGroup": {"logicType": "any", "conditions": conditions},
            "config": {**detector["config"], "comparisonDelta": None}}


def test_import_writes_the_rule_back_in_our_words(project: Path) -> None:
    detector = dict(detector_payload(_item(project, "production")))
    fields = metric_fields(_as_sentry_answers(detector))
    assert fields == {"measure": "http-request-duration", "percentile": "p95",
                      "anomaly": {"sensitivity": "medium", "direction": "above"},
                      "window": "15m"}


@pytest.mark.parametrize(("change", "why"), [
    ({"seasonality": "hourly_daily"}, "seasonality 'hourly_daily' is not one Seer takes"),
    ({"thresholdType": 7}, "no sensitivity or direction"),
    ({"conditionResult": 50}, "another priority than high"),
])
def test_import_reports_what_the_vocabulary_cannot_say(project: Path, change: dict[str, Any],
                                                       why: str) -> None:
    detector: dict[str, Any] = dict(detector_payload(_item(project, "production")))
    condition = dict(detector["conditionGroup"]["conditions"][0])
    if "conditionResult" in change:
        condition["conditionResult"] = change["conditionResult"]
    else:
        condition["comparison"] = {**condition["comparison"], **change}
    detector["conditionGroup"] = {"logicType": "any", "conditions": [condition]}
    with pytest.raises(NotExpressible, match=why):
        metric_fields(detector)


# -- the fake's gate, from Sentry's source -----------------------------------------------------

def _dynamic_values(window: int = 900, seasonality: str = "auto") -> dict[str, Any]:
    return {"config": {"detection_type": "dynamic"},
            "data_source": {"query": {"time_window": window}},
            "condition_group": {"conditions": [{"type": "anomaly_detection",
                                                "condition_result": 75, "comparison": {
                                                    "sensitivity": "low",
                                                    "seasonality": seasonality,
                                                    "threshold_type": 0}}]}}


def _refusal(org: FakeOrganization, values: dict[str, Any],
             current: FakeDetector | None = None) -> tuple[int, Any] | None:
    try:
        hand_to_seer(org, values, current)
    except HttpError as exc:
        return exc.reply.status, exc.reply.body
    return None


def test_the_fake_takes_what_seer_takes_and_gates_the_feature() -> None:
    org = FakeOrganization(slug="dbca", name="DBCA")
    assert _refusal(org, _dynamic_values()) is None
    assert _refusal(org, _dynamic_values(window=600)) == (400, [CREATE_FAILED])
    assert _refusal(org, _dynamic_values(seasonality="hourly_daily")) == (400, [CREATE_FAILED])
    org.seer = False
    assert _refusal(org, _dynamic_values()) == (400, [CREATE_FAILED])
    org.seer = True
    org.features.discard("anomaly-detection-rollout")
    assert _refusal(org, _dynamic_values()) == (404, NO_ACCESS)
    # a static monitor never meets the gate
    assert _refusal(org, {"config": {"detection_type": "static"}}) is None


def test_the_fake_sends_an_update_to_seer_only_with_a_data_source() -> None:
    org = FakeOrganization(slug="dbca", name="DBCA")
    values = _dynamic_values()
    current = FakeDetector(id="1", project_id="2", name="x", type="metric_issue",
                           config=values["config"], data_source=values["data_source"],
                           condition_group=values["condition_group"])
    assert _refusal(org, {"name": "y"}, current) is None
    assert _refusal(org, {"data_source": {"query": {"time_window": 7200}}}, current) == (
        400, [UPDATE_FAILED])


# -- the provider's refusals at the rule -------------------------------------------------------

PROPS = {"detector": {"name": "Slow [production]", "config": {"detectionType": "dynamic"}},
         "sources": {"config.detectionType": "alerts/p.yaml:9:5: alerts[0].anomaly"}}


def test_a_feature_404_becomes_an_error_at_the_rule() -> None:
    with pytest.raises(AnomalyDetectionRefused) as raised, told_at_the_rule(PROPS, "detector"):
        raise SentryNotFoundError("monitor not found", method="POST", path="/x/", status=404,
                                  detail=NO_ACCESS["detail"])
    assert str(raised.value).startswith("alerts/p.yaml:9:5: alerts[0].anomaly: Sentry refused "
                                        "the anomaly monitor 'Slow [production]'")
    assert raised.value.status == 404


def test_other_errors_pass_unchanged() -> None:
    other = SentryValidationError("rejected", method="POST", path="/x/", detail="Too many")
    with pytest.raises(SentryValidationError) as raised, told_at_the_rule(PROPS, "detector"):
        raise other
    assert raised.value is other
    static = {**PROPS, "detector": {"name": "x", "config": {"detectionType": "static"}}}
    seer = SentryValidationError("rejected", method="POST", path="/x/", detail=CREATE_FAILED)
    with pytest.raises(SentryValidationError), told_at_the_rule(static, "detector"):
        raise seer
