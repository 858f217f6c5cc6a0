"""``sentry-iac diff --backtest``: each metric rule a change touches replayed before and after
over the same seeded series (the fake's events-stats), as a table after the report."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sentry_iac.cli.app import main
from sentry_iac.ruletest.backtest import MAX_POINTS
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.events_stats import seed_series
from tests.fake_sentry.fixtures import backtest_sentry as backtest_sentry
from tests.helpers import copy_project

STATS = "/api/0/organizations/dbca/events-stats/"
RULE = ("    critical: above 10          # more than 10 errors a minute\n"
        "    warning: above 5\n")
RAISED = "    critical: above 20\n    warning: above 10\n"


@pytest.fixture
def fake(backtest_sentry: FakeSentry) -> FakeSentry:
    return backtest_sentry


def _sides(tmp_path: Path, file: str, old: str, new: str) -> tuple[Path, Path]:
    """The fixture organisation twice; the head's ``alerts/<file>`` has ``old`` replaced."""
    base, head = copy_project(tmp_path / "base"), copy_project(tmp_path / "head")
    path = head / "alerts" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return base, head


def _seed_week(fake: FakeSentry) -> None:
    """Production errors of spms-backend over the last week: a medium then high burst, a
    medium blip and, days later, a spike over both thresholds."""
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    start = int((now - timedelta(days=5)).timestamp())
    seed_series(fake.org, fake.org.projects["spms-backend"].id, dataset="errors",
                y_axis="count()", query="", environment="production",
                values={start: 6, start + 60: 12, start + 120: 11, start + 180: 1,
                        start + 1800: 7, start + 86400: 25})


def _diff(base: Path, head: Path, *extra: str) -> int:
    return main(["diff", "--base-dir", str(base), "--head-dir", str(head), "--dir", str(head),
                 "--backtest", *extra])


def _table(out: str) -> list[str]:
    return [line for line in out.split("## Backtest", 1)[1].splitlines()
            if line.startswith("| `")]


def test_a_raised_threshold_fires_less_after_than_before(
        fake: FakeSentry, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _seed_week(fake)
    base, head = _sides(tmp_path, "errors.yaml", RULE, RAISED)
    assert _diff(base, head, "--stack", "production") == 0
    out = capsys.readouterr().out
    assert out.index("critical: above 10 → above 20") < out.index("## Backtest: the last 7 days")
    # only the changed rule: staging overrides both thresholds, the other rules are unchanged
    assert _table(out) == [
        "| `production` | `high-error-rate` | `spms-backend` | 3 → 2 | 2 → 1 | 2 → 1 |",
        "| `production` | `high-error-rate` | `spms-frontend` | 0 → 0 | 0 → 0 | 0 → 0 |"]
    # base and head query the same series: read once per project (7 days of 1m buckets take
    # 6 requests under the bucket limit), not once per side
    requests = fake.requests("GET", STATS)
    assert len(requests) == 2 * -(-7 * 1440 // MAX_POINTS) == 12
    assert {r.query["project"][0] for r in requests} == {
        fake.org.projects["spms-backend"].id, fake.org.projects["spms-frontend"].id}


def test_json_carries_the_backtest(fake: FakeSentry, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    _seed_week(fake)
    base, head = _sides(tmp_path, "errors.yaml", RULE, RAISED)
    assert _diff(base, head, "--format", "json", "--days", "6") == 0
    data = json.loads(capsys.readouterr().out)
    assert data["backtest"]["days"] == 6
    backend = data["backtest"]["rules"][0]
    assert backend == {"stack": "production", "rule": "high-error-rate",
                       "project": "spms-backend", "not_backtested": None,
                       "before": {"fired": 3, "high": 2, "medium": 2},
                       "after": {"fired": 2, "high": 1, "medium": 1}}
    assert [r["stack"] for r in data["backtest"]["rules"]] == ["production", "production"]


def test_a_changed_window_reads_each_sides_own_series(
        fake: FakeSentry, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base, head = _sides(tmp_path, "errors.yaml", "    window: 1m\n", "    window: 5m\n")
    assert _diff(base, head, "--stack", "production", "--days", "1") == 0
    assert len(_table(capsys.readouterr().out)) == 2
    backend = fake.org.projects["spms-backend"].id
    intervals = sorted(r.query["interval"][0] for r in fake.requests("GET", STATS)
                       if r.query["project"] == [backend])
    assert intervals == ["1m", "5m"]


def test_rules_out_of_reach_say_why(fake: FakeSentry, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    base, head = _sides(tmp_path, "release-health.yaml", "critical: below 99%",
                        "critical: below 98%")
    del fake.org.projects["spms-backend"]
    assert _diff(base, head, "--days", "1") == 0
    (row,) = _table(capsys.readouterr().out)
    assert row.startswith("| `production` | `crash-free-sessions` | `spms-frontend` | "
                          "not backtested: the metrics dataset (release health)")
    assert not fake.requests("GET", STATS)


def test_an_unchanged_config_has_no_rows(fake: FakeSentry, tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    base, head = _sides(tmp_path, "errors.yaml", "", "")
    assert _diff(base, head) == 0
    out = capsys.readouterr().out
    assert _table(out) == []
    assert "No metric rule's monitor changed; nothing to replay." in out
    assert not fake.requests("GET", STATS)


def test_without_a_token_there_is_one_line_and_no_diff(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("SENTRY_IAC_READ_ONLY_TOKEN", "SENTRY_AUTH_TOKEN", "SENTRY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    base, head = _sides(tmp_path, "errors.yaml", RULE, RAISED)
    assert _diff(base, head) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith("sentry-iac diff: no token; set SENTRY_IAC_READ_ONLY_TOKEN")
