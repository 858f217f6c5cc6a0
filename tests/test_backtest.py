"""``sentry-iac backtest``: each metric rule's series read from events-stats (the fake serves
seeded series with Sentry's rules for the request) and replayed through the monitor's state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sentry_iac.cli.app import main
from sentry_iac.config.loader import load_spec
from sentry_iac.config.stack_views import stack_rules
from sentry_iac.providers import SentryClient
from sentry_iac.providers.errors import SentryApiError
from sentry_iac.resources.payloads.monitors import detector_payload
from sentry_iac.ruletest.backtest import MAX_POINTS, replay, stats_requests, summary
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.events_stats import seed_series
from tests.fake_sentry.fixtures import FAKE_TOKEN
from tests.fake_sentry.fixtures import backtest_sentry as backtest_sentry
from tests.helpers import EXAMPLE


@pytest.fixture
def fake(backtest_sentry: FakeSentry) -> FakeSentry:
    return backtest_sentry


def _minute_ago(minutes: int) -> int:
    now = datetime.now(UTC).replace(second=0, microsecond=0)
    return int((now - timedelta(minutes=minutes)).timestamp())


def test_a_rule_that_fired_is_reported_with_its_priorities(
        fake: FakeSentry, capsys: pytest.CaptureFixture[str]) -> None:
    backend = fake.org.projects["spms-backend"].id
    start = _minute_ago(120)
    seed_series(fake.org, backend, dataset="errors", y_axis="count()", query="",
                environment="production",
                values={start: 6, start + 60: 12, start + 120: 11, start + 180: 1,
                        start + 1800: 7})
    # staging's errors are another series: they must not count for production
    seed_series(fake.org, backend, dataset="errors", y_axis="count()", query="",
                environment="staging", values={start + 600: 500})
    code = main(["backtest", "--rule", "high-error-rate", "--stack", "production", "--days", "1",
                 "--dir", str(EXAMPLE)])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    backend_line = next(line for line in out if "high-error-rate/spms-backend" in line)
    assert "would have fired 2 times in the last 1 days" in backend_line
    assert "reached high 1x, medium 2x; high for 2 min, medium for 2 min" in backend_line
    frontend = next(line for line in out if "high-error-rate/spms-frontend" in line)
    assert "would not have fired in the last 1 days (1440 windows)" in frontend
    (request,) = [e for e in fake.requests("GET", "/api/0/organizations/dbca/events-stats/")
                  if e.query.get("project") == [backend]]
    assert request.query["interval"] == ["1m"] and request.query["yAxis"] == ["count()"]
    assert request.query["environment"] == ["production"]
    assert request.query["dataset"] == ["errors"]


def test_span_rules_ask_for_their_aggregate_query_and_window(
        fake: FakeSentry, capsys: pytest.CaptureFixture[str]) -> None:
    backend = fake.org.projects["spms-backend"].id
    start = _minute_ago(60) // 300 * 300
    seed_series(fake.org, backend, dataset="spans", y_axis="p95(span.duration)",
                query="span.category:db", environment="production",
                values={start: 1500, start + 300: 900})
    assert main(["backtest", "--rule", "slow-db-queries", "--stack", "production",
                 "--dir", str(EXAMPLE)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert "would have fired once in the last 7 days" in line
    assert "reached high 1x, medium 0x; high for 5 min" in line


def test_long_periods_are_split_below_sentrys_limit(fake: FakeSentry) -> None:
    spec = load_spec(EXAMPLE)
    (item,) = [i for i in stack_rules(spec, "production") if i.key == "high-error-rate/"
               "spms-backend"]
    detector = dict(detector_payload(item))
    end = datetime(2026, 12, 1, tzinfo=UTC)
    backend = fake.org.projects["spms-backend"].id
    requests = list(stats_requests(detector, backend, end - timedelta(days=14), end))
    assert len(requests) == -(-14 * 1440 // MAX_POINTS)
    assert requests[0]["start"] == "2026-11-17T00:00:00" and requests[-1]["end"] == \
        "2026-12-01T00:00:00"
    with SentryClient(FAKE_TOKEN, fake.url) as client:
        for params in requests[:2]:
            client.get("organizations/dbca/events-stats/", params)
        # one request for all 14 days is refused, as Sentry refuses it
        with pytest.raises(SentryApiError, match="too many results"):
            client.get("organizations/dbca/events-stats/",
                       {**requests[0], "end": requests[-1]["end"]})


def test_release_health_is_said_to_be_out_of_reach(
        fake: FakeSentry, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backtest", "--rule", "crash-free-sessions", "--dir", str(EXAMPLE)]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    assert line.startswith("production: crash-free-sessions/spms-frontend")
    assert "not backtested: the metrics dataset (release health)" in line


def test_a_missing_token_is_a_usage_error(monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("SENTRY_IAC_READ_ONLY_TOKEN", "SENTRY_AUTH_TOKEN", "SENTRY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert main(["backtest", "--dir", str(EXAMPLE)]) == 2
    assert "SENTRY_IAC_READ_ONLY_TOKEN" in capsys.readouterr().err


def test_a_percent_change_replays_against_the_earlier_bucket() -> None:
    detector = {"dataSources": [{"timeWindow": 300}],
                "config": {"detectionType": "percent", "comparisonDelta": 900},
                "conditionGroup": {"logicType": "any", "conditions": [
                    {"type": "gt", "comparison": 150, "conditionResult": 75},
                    {"type": "lte", "comparison": 150, "conditionResult": 0}]}}
    series = [(t * 300, 10.0) for t in range(3)] + [(900, 16.0), (1200, 15.0), (1500, 0.0)]
    result = replay(detector, series)
    assert [(t.before, t.after) for t in result.transitions] == [(0, 75), (75, 0)]
    assert result.buckets == 3  # the first 15 minutes are only the comparison period
    assert summary(result, 1).startswith("would have fired once in the last 1 days")
