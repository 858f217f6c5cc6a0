"""The pieces of `sentry-iac import` on their own: the inverse of each YAML form, the stack
mapping, the progress output, adoption in the providers, and the command line."""

from __future__ import annotations

import ast
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from sentry_iac.cli.app import main
from sentry_iac.config.fingerprinting import FingerprintRule, rules_text
from sentry_iac.importer.convert.fingerprints import parse_rules
from sentry_iac.importer.convert.issues import issue_filter
from sentry_iac.importer.convert.monitors import measure_fields, metric_fields
from sentry_iac.importer.convert.numbers import threshold
from sentry_iac.importer.convert.problems import NotExpressible
from sentry_iac.importer.convert.scrubbing import scrubbing_rules
from sentry_iac.importer.convert.stacks import EnvMap, EnvMapError
from sentry_iac.importer.read.progress import Progress
from sentry_iac.importer.write.project_files import MAIN_PY
from sentry_iac.providers.alerting import ADOPT, MonitorProvider
from tests.fake_sentry import FakeSentry
from tests.fake_sentry import seed_payloads as p
from tests.fake_sentry.fixtures import FAKE_TOKEN
from tests.fake_sentry.realistic import seed_small_org
from tests.helpers import EXAMPLE


def test_fingerprinting_text_parses_back_to_the_rules() -> None:
    rules = (FingerprintRule(match={"error.type": 'Quote"d', "!tags.x": "*"},
                             group=("a b", "{{ default }}"), title="T"),)
    assert parse_rules(rules_text(rules)) == (
        [{"match": {"error.type": 'Quote"d', "!tags.x": "*"}, "group": ["a b", "{{ default }}"],
          "title": "T"}], False)
    assert parse_rules("# note\nerror.type:Foo -> bar, {{transaction}}") == (
        [{"match": {"error.type": "Foo"}, "group": ["bar", "{{transaction}}"]}], True)
    with pytest.raises(NotExpressible, match="title only"):
        parse_rules('type:X -> y level="error"')


def test_scrubbing_rules_parse_back_and_builtins_are_refused() -> None:
    config = {"rules": {"0": {"type": "pattern", "pattern": "key=\\w+",
                              "redaction": {"method": "replace", "text": "[key]"}}},
              "applications": {"$message": ["0"], "$string": ["0"]}}
    assert scrubbing_rules(json.dumps(config)) == [
        {"type": "pattern", "pattern": "key=\\w+", "method": "replace", "replacement": "[key]",
         "fields": ["$message", "$string"]}]
    with pytest.raises(NotExpressible, match="built-in rules @ip"):
        scrubbing_rules(json.dumps({"rules": {}, "applications": {"$string": ["@ip"]}}))
    with pytest.raises(NotExpressible, match="redact_pair"):
        scrubbing_rules(json.dumps({"rules": {"0": {"type": "redact_pair", "keyPattern": "x"}},
                                    "applications": {"$string": ["0"]}}))


def test_thresholds_are_written_in_the_measures_unit() -> None:
    assert threshold("above", 3000, "ms") == "above 3s"
    assert threshold("above", 250, "ms") == "above 250ms"
    assert threshold("below", 99.5, "%") == "below 99.5%"
    assert threshold("above", 0.05 * 100, "ratio") == "above 5%"
    assert threshold("above", 10.0, "count") == "above 10"


def test_monitors_become_presets_or_the_expert_query() -> None:
    span = {"dataset": "events_analytics_platform", "aggregate": "p75(span.duration)",
            "query": "span.category:db release:1.2", "eventTypes": ["trace_item_span"]}
    assert measure_fields(span) == {"measure": "db-query-duration", "percentile": "p75",
                                    "search": "release:1.2"}
    assert measure_fields({**span, "aggregate": "avg(span.duration)"}) == {"query": {
        "dataset": "events_analytics_platform", "aggregate": "avg(span.duration)",
        "query": "span.category:db release:1.2"}}
    with pytest.raises(NotExpressible, match="retired 'transactions'"):
        measure_fields({"dataset": "transactions", "aggregate": "p95(transaction.duration)",
                        "query": "", "eventTypes": ["transaction"]})
    change = p.detector("Spike", "production", window=3600, detection="percent", delta=604800,
                        conditions=p.levels("lt", 50))
    body = {**change, "dataSources": [{"queryObj": {"snubaQuery": change["dataSources"][0]}}]}
    # A drop of half (lt 50) resolving back at 50 is the default resolution: no resolve.
    assert metric_fields(body) == {"measure": "error-count", "change": {"compared_to": "1w"},
                                   "window": "1h", "critical": "below 50%"}
    rise = p.detector("Rise", "production", window=3600, detection="percent", delta=86400,
                      conditions=[{"type": "gt", "comparison": 150, "conditionResult": 75},
                                  {"type": "lte", "comparison": 120, "conditionResult": 0}])
    rise_body = {**rise, "dataSources": [{"queryObj": {"snubaQuery": rise["dataSources"][0]}}]}
    # Resolving at a rise under 20% (lte 120): every level is the change in the rule's direction.
    assert metric_fields(rise_body)["resolve"] == "below 20%"


def test_filters_come_back_in_our_words() -> None:
    assert issue_filter(p.condition("tagged_event", {"key": "url", "match": "sw",
                                                     "value": "/api"})) == {
        "tag": {"key": "url", "match": "starts_with", "value": "/api"}}
    assert issue_filter(p.condition("level", {"level": 50, "match": "eq"})) == {
        "level": {"equals": "fatal"}}
    with pytest.raises(NotExpressible, match="inverted"):
        issue_filter(p.condition("latest_release", True, result=False))


def test_stacks_map_to_environments_per_project() -> None:
    envs = EnvMap.parse(("production", "staging"), ["staging=stage", "web:staging=test"])
    assert envs.environment("api", "staging") == "stage"
    assert envs.environment("web", "staging") == "test"
    assert envs.environment("web", "production") == "production"
    for bad in ("staging", "qa=qa", "=x"):
        with pytest.raises(EnvMapError):
            EnvMap.parse(("production", "staging"), [bad])
    with pytest.raises(EnvMapError, match="both map"):
        EnvMap.parse(("production", "staging"), ["staging=production"]).check("api")


def test_progress_counts_on_a_terminal_and_logs_lines_elsewhere() -> None:
    tty, log = io.StringIO(), io.StringIO()
    for progress in (Progress(tty, tty=True), Progress(log, tty=False)):
        progress.step("reading alerts", total=2)
        progress.advance()
        progress.advance()
        progress.close()
    assert tty.getvalue().endswith("\r\x1b[Kreading alerts: 2/2\n")
    assert log.getvalue() == "sentry-iac import: reading alerts\n"


def test_dropping_the_adoption_id_later_is_no_change() -> None:
    props = {"organization": "dbca", "project": "api", "detector": {"name": "x"}}
    diff = MonitorProvider().diff("12", {**props, ADOPT: "12"}, props)
    assert diff.changes is False


@pytest.fixture
def small_org() -> Iterator[FakeSentry]:
    with FakeSentry(token=FAKE_TOKEN, org_slug="dbca") as fake:
        seed_small_org(fake)
        yield fake


def test_the_command_line(small_org: FakeSentry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "dbca-sentry"
    command = ["import", "--org", "dbca", "--base-url", small_org.url, "--out", str(out)]
    monkeypatch.delenv("SENTRY_AUTH_TOKEN", raising=False)
    monkeypatch.delenv("SENTRY_TOKEN", raising=False)
    assert main(command) == 2
    assert "no token" in capsys.readouterr().err
    monkeypatch.setenv("SENTRY_TOKEN", FAKE_TOKEN)
    assert main([*command, "--env", "qa=qa"]) == 2
    assert main(command) == 0
    captured = capsys.readouterr()
    assert "imported dbca: 6 teams, 7 members, 1 projects" in captured.out
    assert "sentry-iac import: reading alerts" in captured.err
    assert (out / "import" / "staging.adopt.json").is_file()
    assert "baseUrl: " + small_org.url in (out / "Pulumi.production.yaml").read_text()
    assert main(command) == 2  # never overwrites an import without --force
    assert main([*command, "--force"]) == 0
    assert main(["validate", "--dir", str(out)]) == 0
    small_org.fail("GET", "/api/0/organizations/dbca/", status=403)
    assert main([*command, "--force"]) == 1
    assert FAKE_TOKEN not in capsys.readouterr().err


def _code_without_docstring(source: str) -> str:
    module = ast.parse(source)
    body = module.body[1:] if ast.get_docstring(module) is not None else module.body
    return ast.dump(ast.Module(body=body, type_ignores=[]))


def test_the_written_program_is_the_repositorys_main_file() -> None:
    # Plans of an imported directory call the program directly, not its __main__.py; the file
    # is the repository's (docstring aside; the fixture's copy of it), which
    # tests/test_main_program.py runs.
    assert _code_without_docstring(MAIN_PY) == _code_without_docstring(
        (EXAMPLE / "__main__.py").read_text(encoding="utf-8"))
