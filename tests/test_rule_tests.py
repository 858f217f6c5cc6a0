"""``sentry-iac test``: rule tests played through the payloads a stack sends, with Sentry's
semantics. The reference tests pass; tests that hold on the YAML's intent but not on Sentry's
behaviour fail, and so do the same tests on deliberately wrong payloads."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

import pytest

from sentry_iac.cli.app import main
from sentry_iac.config.errors import SpecErrors
from sentry_iac.config.loader import Spec, load_spec
from sentry_iac.ruletest.aggregate import detector_value, measure
from sentry_iac.ruletest.detector import DetectorState, new_priority
from sentry_iac.ruletest.model import load_test_file, load_tests
from sentry_iac.ruletest.report import Outcome, format_outcome
from sentry_iac.ruletest.run import run_test
from sentry_iac.ruletest.samples import Sample
from sentry_iac.ruletest.search import UnsupportedQuery, matches
from sentry_iac.ruletest.timeline import PreparedRule
from tests.helpers import EXAMPLE, PROJECT_ROOT, copy_project

CASES = Path(__file__).resolve().parent / "rule_tests"


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec(EXAMPLE)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _one(tmp_path: Path, spec: Spec, text: str, hook: Any = None) -> Outcome:
    (test,) = load_test_file(_write(tmp_path, text), "case.yaml")
    return run_test(test, spec, hook)


# -- the reference tests -----------------------------------------------------------------------

def test_the_reference_rule_tests_pass(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "--dir", str(EXAMPLE)]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    files = sorted((EXAMPLE / "rule-tests").glob("*.yaml"))
    count = sum(len(load_test_file(f, f.name)) for f in files)
    assert count >= 8 and len(lines) == count
    assert all(line.startswith("ok    rule-tests/") for line in lines)
    assert captured.err.strip() == f"{count} passed, 0 failed"


def test_the_reference_tests_cover_the_critical_and_high_rules(spec: Spec) -> None:
    tests = load_tests(EXAMPLE)
    named = {e.rule for t in tests for e in t.expected} | {
        r for t in tests for r in t.spec.rules or ()}
    critical_or_high = {rule.id for _, f in spec.alert_files() for rule in f.alerts
                        if rule.priority in ("critical", "high")}
    assert critical_or_high <= named


# -- the done-when case: YAML intent against Sentry's semantics --------------------------------

def test_intent_that_sentry_does_not_follow_fails(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["test", "--dir", str(EXAMPLE), str(CASES / "intent-vs-sentry.yaml")])
    out = capsys.readouterr().out
    assert code == 1
    assert out.count("FAIL  ") == 2 and "ok    " not in out
    # the front end's staging environment is "test": nothing opens
    assert re.search(r"missing +\S*tests/rule_tests/intent-vs-sentry.yaml:14: +1m +"
                     r"high-error-rate +opens high +notifies maintainers", out)
    # the second 500 is held back by repeat_every (frequency 5)
    assert re.search(r"missing +\S*tests/rule_tests/intent-vs-sentry.yaml:27: +1m +"
                     r"critical-errors +fires +notifies on-call, team-chat", out)


PAGING = """\
version: 1
tests:
  - name: more than 10 a minute pages, escalates and resolves
    stack: production
    project: spms-backend
    rules: [high-error-rate]
    inputs:
      - {at: 1m, errors: 6}
      - {at: 2m, errors: 11}
    expect:
      - {at: 1m, rule: high-error-rate, opens: medium, notifies: [on-call, team-chat]}
      - {at: 2m, rule: high-error-rate, escalates: high, notifies: [on-call, team-chat]}
      - {at: 3m, rule: high-error-rate, resolves: true, notifies: [on-call, team-chat]}
"""


def _with_workflow(**changes: Any) -> Any:
    def hook(rule: PreparedRule) -> PreparedRule:
        return dataclasses.replace(rule, workflow={**rule.workflow, **changes})
    return hook


def test_the_paging_timeline_holds_on_the_payloads_sent(tmp_path: Path, spec: Spec) -> None:
    outcome = _one(tmp_path, spec, PAGING)
    assert outcome.passed, format_outcome(outcome)
    assert [(e.minute, e.what, e.priority) for e in outcome.actual] == [
        (1, "opens", "medium"), (2, "escalates", "high"), (3, "resolves", None)]


def test_an_alert_with_an_environment_never_hears_the_resolution(
        tmp_path: Path, spec: Spec) -> None:
    # What an alert filtered on the stack's environment would do: the resolution is an
    # Activity without an environment (_get_associated_workflows), so PagerDuty stays open.
    outcome = _one(tmp_path, spec, PAGING, _with_workflow(environment="production"))
    assert not outcome.passed
    assert [(e.minute, e.what) for e in outcome.missing] == [(3, "resolves")]
    assert [(e.minute, e.what, e.notifies) for e in outcome.unexpected] == [
        (3, "resolves", frozenset())]
    text = format_outcome(outcome)
    assert "FAIL  case.yaml:3: more than 10 a minute pages" in text
    assert "missing     case.yaml:13: 3m  high-error-rate" in text
    assert "rule high-error-rate at alerts/errors.yaml:17" in text
    assert re.search(r"actual timeline:\n(.*\n){2} +3m +high-error-rate +resolves +"
                     r"notifies nobody", text)


def test_a_frequency_holds_back_the_escalation_and_the_resolution(
        tmp_path: Path, spec: Spec) -> None:
    # Earlier Sentry read a missing frequency as 30 minutes; every action is throttled.
    outcome = _one(tmp_path, spec, PAGING, _with_workflow(config={"frequency": 30}))
    assert [(e.minute, e.what, sorted(e.notifies)) for e in outcome.actual] == [
        (1, "opens", ["on-call", "team-chat"]), (2, "escalates", []), (3, "resolves", [])]
    assert [e.minute for e in outcome.missing] == [2, 3]


# -- Sentry's semantics, one at a time ---------------------------------------------------------

DETECTOR_GROUP = {"logicType": "any", "conditions": [
    {"type": "gt", "comparison": 10, "conditionResult": 75},
    {"type": "gt", "comparison": 5, "conditionResult": 50},
    {"type": "lte", "comparison": 3, "conditionResult": 0}]}


def test_the_highest_matching_level_wins_and_no_match_keeps_the_state() -> None:
    assert new_priority(DETECTOR_GROUP, 11) == 75  # both gt conditions hold: max
    assert new_priority(DETECTOR_GROUP, 6) == 50
    assert new_priority(DETECTOR_GROUP, 4) is None  # between resolve and warning
    state = DetectorState({"conditionGroup": DETECTOR_GROUP})
    steps = [state.update(m, v) for m, v in enumerate([11, 4, 4, 11, 3, None])]
    assert [(s.before, s.after) if s else None for s in steps] == [
        (0, 75), None, None, None, (75, 0), None]


def _span(minute: int, ms: float, **attrs: str) -> Sample:
    return Sample(minute, "span", "production", 0, {"is_transaction": "false", **attrs},
                  duration_ms=ms)


def test_a_percentile_covers_the_window_and_environment_of_the_data_source() -> None:
    source = {"dataset": "events_analytics_platform", "aggregate": "p95(span.duration)",
              "query": "span.category:db", "timeWindow": 300, "environment": "production"}
    samples = [_span(0, 2000, **{"span.category": "db"})] * 5 + [
        _span(m, 100, **{"span.category": "db"}) for m in range(1, 20)] + [
        _span(4, 9000, **{"span.category": "http"}),
        Sample(4, "span", "staging", 0, {"span.category": "db"}, duration_ms=9000)]
    assert measure(source, samples, 4) == pytest.approx(2000)  # 5 of 9 values are 2 s
    assert measure(source, samples, 5) == pytest.approx(100)  # minute 0 left the window
    assert measure(source, samples, 30) is None  # no spans: no value, no update


def test_a_percent_change_compares_with_the_earlier_window() -> None:
    source = {"dataset": "events", "aggregate": "count()", "query": "", "timeWindow": 60,
              "environment": None, "eventTypes": ["error", "default"]}
    samples = [Sample(0, "error", "production", 0)] * 4 + [Sample(5, "error", "x", 0)] * 6
    config = {"detectionType": "percent", "comparisonDelta": 300}
    assert detector_value(source, config, samples, 5) == pytest.approx(150)
    assert detector_value(source, config, samples, 6) is None  # nothing 5 minutes earlier


def test_search_queries_match_as_sentry_spells_them() -> None:
    attrs = {"span.op": "http.server", "is_transaction": "true", "http.status_code": "500"}
    assert matches("is_transaction:true span.op:http.server", attrs)
    assert not matches("span.op:http.client", attrs)
    assert matches('span.op:http.* !http.status_code:404 has:span.op', attrs)
    assert matches("http.status_code:[500, 502]", attrs)
    assert not matches("!has:http.status_code", attrs)
    with pytest.raises(UnsupportedQuery, match="OR"):
        matches("span.op:a OR span.op:b", attrs)


def test_an_unmodelled_search_fails_the_test_and_says_why(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    rules = project / "alerts" / "performance.yaml"
    rules.write_text(rules.read_text(encoding="utf-8").replace(
        "    critical: above 1s\n", "    critical: above 1s\n    search: 'db.system:postgresql OR"
        " db.system:mysql'\n", 1), encoding="utf-8")
    outcome = _one(tmp_path, load_spec(project), """\
version: 1
tests:
  - name: slow queries
    stack: production
    project: spms-backend
    rules: [slow-db-queries]
    inputs:
      - {at: 0m, spans: {duration: 2s}, tags: {span.category: db}}
    expect: []
""")
    assert outcome.error is not None and "OR" in outcome.error
    assert "cannot evaluate" in format_outcome(outcome)


ISSUE_FILTERS = """\
version: 1
tests:
  - name: filters
    stack: production
    project: spms-backend
    rules: [critical-errors, new-error-types]
    inputs:
      - {at: 0m, errors: 1, issue: slow-query, category: db_query,
         tags: {http.status_code: "500"}}
      - {at: 1m, errors: 1, issue: warn, level: warning, tags: {HTTP.Status_Code: "500"}}
      - {at: 2m, errors: 1, issue: staging-only, environment: staging,
         tags: {http.status_code: "500"}}
    expect:
      - {at: 1m, rule: critical-errors, fires: true, issue: warn}
      - {at: 1m, rule: new-error-types, fires: true, issue: warn}
"""


def test_issue_rules_filter_category_tags_and_environment(tmp_path: Path, spec: Spec) -> None:
    # A new db_query issue passes no error-only rule (issue_category); tag keys compare in
    # lower case (tagged_event_handler); staging's event reaches no production alert.
    outcome = _one(tmp_path, spec, ISSUE_FILTERS)
    assert outcome.passed, format_outcome(outcome)
    assert len(outcome.actual) == 2


# -- bad test files ------------------------------------------------------------------------------

def _problems(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str) -> list[str]:
    path = _write(tmp_path, text)
    assert main(["test", "--dir", str(EXAMPLE), str(path)]) == 1
    captured = capsys.readouterr()
    assert "no rule test was run" in captured.err
    return [line.replace(str(path), "case.yaml") for line in captured.out.splitlines()]


def test_a_bad_key_is_named_with_file_and_line(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    lines = _problems(tmp_path, capsys, """\
version: 1
tests:
  - name: typo
    stack: production
    project: spms-backend
    inputs:
      - {at: 1m, erors: 3}
    expect: []
""")
    assert len(lines) == 1
    assert lines[0].startswith("case.yaml:7:") and "tests[0].inputs[0]: unknown key 'erors'" \
        in lines[0] and lines[0].endswith("[schema/unknown-key]")


def test_unknown_rules_and_channels_are_refused(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    lines = _problems(tmp_path, capsys, """\
version: 1
tests:
  - name: refs
    stack: staging
    project: spms-backend
    inputs: []
    expect:
      - {at: 1m, rule: slow-db-queries, opens: high, notifies: [pager]}
""")
    assert lines == [
        "case.yaml:8:1: notifies: no channel 'pager' in org.yaml [ruletest/unknown-channel]",
        "case.yaml:8:1: rule: rule 'slow-db-queries' is not on for spms-backend in stack "
        "'staging' (on: critical-errors, high-error-rate, new-error-types) "
        "[ruletest/unknown-rule]"]


@pytest.mark.parametrize(("fragment", "message"), [
    ("stack: prod", "no stack 'prod' (known: production, staging) [ruletest/unknown-stack]"),
    ("at: 90s", "'90s' is not a whole number of minutes"),
    ("opens: low", "[schema/choice]"),
])
def test_bad_values_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                fragment: str, message: str) -> None:
    text = """\
version: 1
tests:
  - name: bad
    stack: production
    project: spms-backend
    inputs:
      - {at: 1m, errors: 1}
    expect:
      - {at: 1m, rule: high-error-rate, opens: medium}
"""
    key = fragment.split(":")[0]
    if key == "stack":
        text = text.replace("stack: production", fragment)
    elif key == "at":
        text = text.replace("{at: 1m, errors", "{at: 90s, errors")
    else:
        text = text.replace("opens: medium", fragment)
    lines = _problems(tmp_path, capsys, text)
    assert len(lines) == 1 and message in lines[0]
    assert re.match(r"case\.yaml:\d+:\d+: ", lines[0])


def test_no_test_files_is_a_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = copy_project(tmp_path / "p")
    assert main(["test", "--dir", str(project)]) == 1
    assert "[ruletest/no-files]" in capsys.readouterr().out
    with pytest.raises(SpecErrors):
        load_tests(project)


def test_the_readme_example_runs_and_passes(tmp_path: Path, spec: Spec) -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("#### Testing alert rules"):]
    example = section[section.index("```yaml\n") + 8:section.index("```\n", 10)]
    outcome = _one(tmp_path, spec, example)
    assert outcome.passed, format_outcome(outcome)
    assert [e.what for e in outcome.actual] == ["opens", "escalates", "resolves"]
