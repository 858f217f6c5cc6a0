"""The scale benchmark at a small size, so it cannot rot: generated projects validate, the table
has its shape, an unchanged deployment makes no API call and one changed rule one write."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks import processes
from benchmarks.__main__ import main, parse_sizes, run
from benchmarks.api_calls import PHASES, TOKEN_CHECK
from benchmarks.floor import floor_resources_from_plan_json, write_floor
from benchmarks.generate import Shape, shape_for_resources, shape_for_rules, write_project
from benchmarks.processes import ProcessRun, run_process
from benchmarks.report import Report, format_report
from sentry_iac.cli.app import main as sentry_iac
from sentry_iac.offline.engine import run_offline


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    work = tmp_path_factory.mktemp("bench")
    return run(sizes=[250], api_sizes=[250], rules=300, repeat=1, validate_repeat=1, work=work,
               validate_rules=False)


def test_generated_projects_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for shape in (Shape(teams=2), shape_for_rules(300, per_team=150)):
        project = write_project(tmp_path / f"org-{shape.teams}", shape)
        assert sentry_iac(["validate", "--dir", str(project)]) == 0, capsys.readouterr().out


def test_the_owner_stack_registers_what_the_shape_says(tmp_path: Path) -> None:
    shape = shape_for_resources(400)
    plan = run_offline(write_project(tmp_path / "org", shape), "production")
    assert len(plan.resources) == shape.owner_resources()
    assert abs(shape.owner_resources() - 400) < 150  # whole teams of about 120 resources


def test_every_measure_and_filter_kind_is_generated(tmp_path: Path) -> None:
    text = "".join(p.read_text() for p in (write_project(tmp_path, Shape(teams=1)) / "alerts")
                   .glob("*.yaml"))
    for word in ("error-count", "users-with-errors", "failure-rate", "http-request-duration",
                 "db-query-duration", "outgoing-http-duration", "crash-free-sessions",
                 "crash-free-users", "dataset:", "compared_to", "more_than", "percent_more_than",
                 "users:", "tag:", "at_least", "at_most", "equals", "newer_than", "older_than",
                 "occurrences", "latest_release", "category", "staging:", "enabled: false"):
        assert word in text, word


def test_an_unchanged_deployment_calls_nothing_and_one_change_writes_once(
    report: Report,
) -> None:
    (size,) = report.sizes
    phases = {p.name: p for p in size.phases or ()}
    assert list(phases) == list(PHASES)
    # Performance settings take two writes (detector switches first), and taking Sentry's
    # defaults off a new project two (its "Default" key, its default alert); each member's
    # team role is one Sentry gives already (a manager is team admin, a member a contributor),
    # so it writes nothing; and a settings field that already holds the YAML's value in a new
    # project is adopted without a write, so that is the most a first deploy writes.
    first = phases["first deploy"]
    assert (first.resources - size.shape["members"] - size.shape["projects"] - 1
            <= first.writes
            <= first.resources + 2 * size.shape["projects"] - size.shape["members"])
    assert phases["no-op deploy"].for_resources == 0
    assert phases["no-op deploy"].calls[TOKEN_CHECK] == 1
    assert phases["one rule changed"].changed == 1
    assert phases["one rule changed"].writes == 1
    assert phases["refresh"].writes == 0
    # Monitors and alerts are read from one listing of the organisation, never one by one.
    refresh = phases["refresh"]
    assert refresh.total < refresh.resources
    assert refresh.calls["GET org/detectors/"] and refresh.calls["GET org/workflows/"]
    assert not [call for call in refresh.calls
                if call.startswith(("GET org/detectors/{", "GET org/workflows/{"))]


def test_the_table_and_the_json_have_their_shape(report: Report) -> None:
    text = format_report(report)
    header = next(line for line in text.splitlines() if line.startswith("size"))
    assert header.split() == ["size", "resources", "rules", "checks", "validate", "peak", "plan",
                              "ms/res", "peak", "declared", "peak", "floor", "peak", "stock",
                              "peak", "plan/declared", "plan/floor", "plan/stock"]
    assert any(line.startswith("250 ") for line in text.splitlines())
    assert "300 rules (3 teams, 15 projects): checks" in text
    assert "the repository's own configuration: validate" in text
    assert "Sentry API calls at 250" in text and "goals:" in text
    data = report.as_json()
    (size,) = data["sizes"]
    assert set(size) >= {"resources", "checks_seconds", "validate", "runs", "best",
                         "plan_to_declared_floor", "plan_to_floor", "plan_to_stock_floor",
                         "api_calls"}
    assert set(size["runs"]) == {"plan", "declared floor", "floor", "stock floor"}
    for best in size["best"].values():
        assert best["seconds"] > 0 and best["cpu"] > 0 and best["peak_mb"] > 10
    assert size["plan_to_floor"] > 0 and size["plan_to_stock_floor"] > 0
    assert size["plan_to_declared_floor"] > 0  # times are compared nowhere: not a timed test
    assert data["validate_rules"]["validate"] is None  # not asked for
    assert data["validate_example"]["seconds"] > 0
    assert data["goals"]["noop_calls"] == 0
    json.dumps(data)


def test_the_command_line_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--sizes", "none", "--rules", "100", "--validate-repeat", "1",
                 "--no-rules-validate", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["sizes"] == [] and data["validate_rules"]["rules"] == 100
    assert data["validate_rules"]["checks_seconds"] > 0


def test_sizes_are_read_as_people_write_them() -> None:
    assert parse_sizes("1k, 3k,500") == [1000, 3000, 500]
    assert parse_sizes("none") == []


def test_the_floor_registers_what_the_plan_printed(tmp_path: Path) -> None:
    project = write_project(tmp_path / "org", Shape(teams=1))
    printed = run_offline(project, "production").as_json()
    entries = floor_resources_from_plan_json(printed)
    assert all(e["parent"] is None or e["parent"] < n for n, e in enumerate(entries))
    floor = write_floor(tmp_path / "floor", entries)

    def tree(resources: list[dict[str, Any]]) -> set[tuple[str, str, str | None]]:
        return {(r["type"], r["name"], r["parent"]) for r in resources}

    for mode in ("engine", "declared"):
        result = subprocess.run([sys.executable, "-m", "benchmarks.floor_run", mode, str(floor)],
                                capture_output=True, text=True, timeout=300, check=True)
        registered = json.loads(result.stdout)["resources"]
        assert tree(registered) == tree(printed["resources"]), mode
        assert len(registered) == len(printed["resources"]) == Shape(teams=1).owner_resources()


def test_a_process_trees_peak_memory_counts_its_children_at_once(tmp_path: Path) -> None:
    program = ("import subprocess, sys, time\n"
               "held = bytearray(120 * 2**20)\n"
               "child = subprocess.Popen([sys.executable, '-c', "
               "'import time; b = bytearray(150 * 2**20); time.sleep(1.5)'])\n"
               "child.wait()\n")
    run = run_process([sys.executable, "-c", program], cwd=tmp_path)
    assert run.peak_mb > 270  # both at once; ru_maxrss alone would say about 160
    assert run.seconds >= 1.5 and run.cpu > 0


def test_paired_rounds_rotate_the_order(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    order: list[str] = []

    def fake(argv: list[str], **_: Any) -> ProcessRun:
        order.append(argv[0])
        return ProcessRun(1.0 if argv[0] == "a" else 2.0, 1.0, 1.0)

    monkeypatch.setattr(processes, "run_process", fake)
    result = processes.paired({"a": (["a"], None), "b": (["b"], None)}, cwd=tmp_path, repeat=3)
    assert order == ["a", "b", "b", "a", "a", "b"]
    assert result.ratio("a", "b") == 0.5 and result.best("b").seconds == 2.0
