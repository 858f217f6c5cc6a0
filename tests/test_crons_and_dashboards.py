"""``crons:`` and ``dashboards:``: the crontab and interval rules, the resources each stack
registers under the mock engine (exact inputs), the alert routing per stack, the layout, and
the rules a bad-corpus case does not show."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from sentry_iac.config.crons import Cron, interval
from sentry_iac.config.crontab import parse_crontab
from sentry_iac.config.dashboards import Dashboard
from sentry_iac.config.errors import SpecErrors
from sentry_iac.config.loader import load_spec
from sentry_iac.offline.engine import Plan, run_offline
from sentry_iac.offline.report import format_plan
from sentry_iac.policies.checks import Settings, run_checks
from sentry_iac.policies.offline import resources_from
from sentry_iac.resources.payloads.dashboards import GRID_COLUMNS, layouts
from sentry_iac.review.diff import StackDiff, diff_stack
from sentry_iac.review.render import render_markdown
from sentry_iac.review.snapshot import snapshot
from tests.helpers import EXAMPLE, by_name, copy_project
from tests.test_policies import _change, _no_actions

# -- schedules --------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "stored"), [
    ("0 2 * * *", "0 2 * * *"),
    ("  30   3 * *  mon-fri ", "30 3 * * mon-fri"),  # whitespace normalised, as Sentry does
    ("*/15 8-18 * * 1-5", "*/15 8-18 * * 1-5"),
    ("5/10 * 1,15 jan-mar,oct *", "5/10 * 1,15 jan-mar,oct *"),
    ("0 0 * * 7", "0 0 * * 7"),  # 7 is Sunday too
    ("0 0 31 2 1", "0 0 31 2 1"),  # a day of week given: fires on Mondays in February
    ("0 0 29 2 *", "0 0 29 2 *"),  # leap years
    ("@daily", "0 0 * * *"),
    ("@weekly", "0 0 * * 0"),
])
def test_valid_crontabs(text: str, stored: str) -> None:
    assert parse_crontab(text).expression == stored


def test_a_crontab_knows_the_values_it_allows() -> None:
    minute, hour, _, month, weekday = parse_crontab("*/20 22-23,0-2 * nov-dec sat,sun").values
    assert sorted(minute) == [0, 20, 40]
    assert sorted(hour) == [0, 1, 2, 22, 23]
    assert sorted(month) == [11, 12]
    assert sorted(weekday) == [0, 6]


@pytest.mark.parametrize(("text", "problem"), [
    ("0 2 * *", "a crontab has 5 fields"),
    ("0 24 * * *", "hour 24 is out of range 0-23"),
    ("0 0 0 * *", "day of month 0 is out of range 1-31"),
    ("0 0 * * 8", "day of week 8 is out of range 0-7"),
    ("*/60 * * * *", "minute step '/60' must be a whole number from 1 to 59"),
    ("0 0 * * funday", "day of week 'funday' is not a number 0-7 or a name"),
    ("0 0 L * *", "day of month 'L' is not a number 1-31"),
    ("0 0 * * 1#2", "use numbers, names, *, ranges a-b, lists a,b and steps /n"),
    ("0 0 30,31 2 *", "never fires"),
])
def test_invalid_crontabs(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem.replace("*", r"\*").replace("/", "/")):
        parse_crontab(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("30m", (30, "minute")), ("6h", (6, "hour")), ("1d", (1, "day")), ("2w", (2, "week")),
])
def test_intervals_in_sentrys_units(text: str, expected: tuple[int, str]) -> None:
    assert interval(text) == expected


def _cron(**fields: Any) -> Cron:
    return Cron.model_validate({"slug": "job", "priority": "high", **fields})


def test_a_cron_as_sentry_stores_it() -> None:
    assert _cron(every="6h").sentry_schedule() == [6, "hour"]
    assert _cron(every="6h").schedule_type == "interval"
    assert _cron(schedule="@hourly").sentry_schedule() == "0 * * * *"
    assert _cron(schedule="0 2 * * *").display_name == "job"


@pytest.mark.parametrize(("fields", "problem"), [
    ({}, "set exactly one of schedule"),
    ({"schedule": "0 2 * * *", "checkin_margin": "0m"}, "must be from 1m to 28d"),
    ({"schedule": "0 2 * * *", "max_runtime": "29d"}, "must be from 1m to 28d"),
    ({"schedule": "0 2 * * *", "failure_threshold": "2"}, "valid integer"),
    ({"schedule": "0 2 * * *", "slug": "Nightly"}, "should match pattern"),
])
def test_cron_rules(fields: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        _cron(**fields)


# -- dashboard rules --------------------------------------------------------------------------


def _dashboard(*widgets: dict[str, Any], **fields: Any) -> Dashboard:
    return Dashboard.model_validate({"id": "d", "title": "D", "widgets": list(widgets),
                                     **fields})


@pytest.mark.parametrize(("widgets", "fields", "problem"), [
    ([{"title": "x"}], {}, "exactly one of measure"),
    ([{"title": "x", "measure": "error-count", "issues": {}}], {}, "exactly one of measure"),
    ([{"title": "x", "issues": {}, "display": "line"}], {}, "'display' belongs to measure"),
    ([{"title": "x", "measure": "http-request-duration", "percentile": ["p95", "p99"],
       "display": "big_number"}], {}, "a big_number shows one value"),
    ([], {}, "a dashboard needs at least one widget"),
    ([{"title": "x", "measure": "error-count"}] * 31, {}, "at most 30 widgets"),
    ([{"title": "x", "measure": "error-count"}], {"period": "30m"}, "from 1h to 90d"),
    ([{"title": "x", "issues": {"sort": "oldest"}}], {}, "frequency"),
])
def test_dashboard_rules(widgets: list[dict[str, Any]], fields: dict[str, Any],
                         problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        _dashboard(*widgets, **fields)


def test_the_layout_fills_rows_without_overlap() -> None:
    dashboard = load_spec(EXAMPLE).org.dashboards[0]
    cells: set[tuple[int, int]] = set()
    for place in layouts(dashboard.widgets):
        assert place["x"] + place["w"] <= GRID_COLUMNS and place["min_h"] == place["h"]
        mine = {(place["x"] + i, place["y"] + j) for i in range(place["w"])
                for j in range(place["h"])}
        assert not mine & cells
        cells |= mine


# -- the program ------------------------------------------------------------------------------


def test_the_owner_stack_creates_the_cron_monitors(production: Plan) -> None:
    monitors = by_name(production, "CronMonitor")
    assert sorted(monitors) == ["spms-backend/nightly-cleanup", "spms-backend/nightly-import"]
    nightly = monitors["spms-backend/nightly-import"]
    assert nightly["monitor"] == {
        "project": "spms-backend", "name": "Nightly data import", "slug": "nightly-import",
        "status": "active", "owner": "team:science-projects",
        "config": {"schedule_type": "crontab", "schedule": "0 2 * * *",
                   "timezone": "Australia/Perth", "checkin_margin": 15, "max_runtime": 120,
                   "failure_issue_threshold": 1, "recovery_threshold": 1}}
    assert nightly["sources"]["config.schedule"].endswith("projects[0].crons[0].schedule")


def _actions(alert: dict[str, Any]) -> list[str]:
    return [a["via"] for f in alert["workflow"]["actionFilters"] for a in f["actions"]]


def test_cron_alerts_route_by_priority_in_each_stack(production: Plan, staging: Plan) -> None:
    owner = by_name(production, "CronAlert")
    assert _actions(owner["spms-backend/nightly-import"]) == ["team-chat", "tracker"]  # high
    assert _actions(owner["spms-backend/nightly-cleanup"]) == ["maintainers", "tracker"]
    nightly = owner["spms-backend/nightly-import"]
    assert nightly["cron"] == "nightly-import" and nightly["priority"] == "high"
    workflow = nightly["workflow"]
    assert workflow["name"] == "Nightly data import [production]"
    assert workflow["environment"] == "production"
    assert workflow["triggers"] == {"logic_type": "any-short", "conditions": []}
    assert [c["type"] for c in workflow["actionFilters"][0]["conditions"]] == [
        "issue_priority_greater_or_equal", "issue_priority_deescalating"]
    # staging: no monitors of its own; the import alert is medium there, cleanup is off
    assert staging.of_type("CronMonitor") == []
    other = by_name(staging, "CronAlert")
    assert sorted(other) == ["spms-backend/nightly-import"]
    assert other["spms-backend/nightly-import"]["priority"] == "medium"
    assert _actions(other["spms-backend/nightly-import"]) == ["maintainers"]
    assert other["spms-backend/nightly-import"]["workflow"]["environment"] == "staging"


def test_each_stack_owns_its_environments_dashboards(production: Plan, staging: Plan) -> None:
    titles = {name: d["dashboard"]["title"] for name, d in by_name(production, "Dashboard").items()}
    assert titles == {"weekly-report/spms-backend": "Weekly report: SPMS Backend [production]",
                      "weekly-report/spms-frontend": "Weekly report: SPMS Frontend [production]"}
    frontend = by_name(staging, "Dashboard")["weekly-report/spms-frontend"]
    assert frontend["dashboard"] == {"title": "Weekly report: SPMS Frontend [test]",
                                     "environment": ["test"], "period": "7d", "filters": {}}
    widgets = frontend["widgets"]
    assert len(widgets) == 12
    p95 = next(w for w in widgets if w["title"] == "HTTP requests p95 / p99")
    assert p95["widget_type"] == "spans" and p95["display_type"] == "line"
    assert p95["queries"][0]["aggregates"] == ["p95(span.duration)", "p99(span.duration)"]
    assert p95["queries"][0]["conditions"] == "is_transaction:true span.op:http.server"
    top = next(w for w in widgets if w["title"] == "Top 10 errors by users affected")
    assert (top["widget_type"], top["limit"], top["queries"][0]["orderby"]) == ("issue", 10,
                                                                                 "user")


def test_the_plan_shows_dashboards_and_cron_routing(production: Plan) -> None:
    text = format_plan(production)
    assert "+ Dashboard weekly-report/spms-backend" in text
    assert "dashboard.title: Weekly report: SPMS Frontend [production]" in text
    assert "+ CronMonitor spms-backend/nightly-import" in text
    assert "+ CronAlert spms-backend/nightly-import  cron=nightly-import" in text
    assert "priority=high" in text


def _project(tmp_path: Path, old: str, new: str) -> Path:
    project = copy_project(tmp_path / "p")
    org = project / "org.yaml"
    text = org.read_text()
    assert old in text, old
    org.write_text(text.replace(old, new, 1))
    return project


def test_dashboards_can_skip_projects_and_stacks(tmp_path: Path) -> None:
    project = _project(tmp_path, "    period: 7d\n",
                       "    period: 7d\n    projects: [spms-backend]\n"
                       "    environments: {staging: {enabled: false}}\n")
    assert list(by_name(run_offline(project, "production"), "Dashboard")) == [
        "weekly-report/spms-backend"]
    assert run_offline(project, "staging").of_type("Dashboard") == []


def test_a_renamed_project_keeps_its_crons_and_dashboards(tmp_path: Path) -> None:
    project = _project(tmp_path, "  - slug: spms-backend\n",
                       "  - slug: spms-api\n    previous_slugs: [spms-backend]\n")
    for alerts in (project / "alerts").glob("*.yaml"):
        alerts.write_text(alerts.read_text().replace("spms-backend", "spms-api"))
    plan = run_offline(project, "production")
    for kind, name in (("CronMonitor", "spms-api/nightly-import"),
                       ("Dashboard", "weekly-report/spms-api")):
        resource = next(r for r in plan.of_type(kind) if r.name == name)
        aliases = [a.get("name") if isinstance(a, dict) else a
                   for a in resource.options.get("aliases", [])]
        assert any("spms-backend" in str(a) for a in aliases), (kind, resource.options)


def test_on_the_legacy_backend_a_cron_alert_is_sentrys_own_issue_rule(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    (project / "Pulumi.staging.yaml").write_text("config:\n  sentry-iac:alertsBackend: legacy\n")
    plan = run_offline(project, "staging")
    assert plan.of_type("CronAlert") == []
    rule = by_name(plan, "SentryIssueAlert")["cron-nightly-import/spms-backend"]
    assert rule["name"] == "Nightly data import [staging]"
    assert rule["actionMatch"] == "any" and rule["environment"] == "staging"
    assert rule["frequency"] == 30  # minutes: crons.LEGACY_REPEAT
    assert [c["id"].rsplit(".", 1)[-1] for c in rule["conditions"]] == [
        "FirstSeenEventCondition", "RegressionEventCondition"]
    assert rule["filters"] == [{"id": "sentry.rules.filters.tagged_event.TaggedEventFilter",
                                "key": "monitor.slug", "match": "eq", "value": "nightly-import"}]
    assert [a["id"].rsplit(".", 1)[-1] for a in rule["actions"]] == ["NotifyEmailAction"]


def test_legacy_cron_alerts_refuse_what_the_legacy_api_cannot_send(tmp_path: Path) -> None:
    project = _project(tmp_path, "        priority: high\n",
                       "        priority: high\n        channels: [pager]\n")
    org = project / "org.yaml"
    org.write_text(org.read_text().replace(
        "  tracker:\n", "  pager:\n    opsgenie: {team: SPMS}\n  tracker:\n", 1))
    (project / "Pulumi.staging.yaml").write_text("config:\n  sentry-iac:alertsBackend: legacy\n")
    with pytest.raises(SpecErrors) as raised:
        load_spec(project)
    (error,) = raised.value.errors
    assert error.path == "projects[0].crons[0]"
    assert error.message.startswith("in stack 'staging': channel 'pager' (opsgenie) cannot be "
                                    "used by the legacy backend")


def test_a_cron_alert_that_notifies_nobody_breaks_the_policy(production: Plan) -> None:
    # Named: the two cron alerts register concurrently, so their order in the plan varies.
    resources = _change(resources_from(production), "CronAlert", _no_actions,
                        name="spms-backend/nightly-import")
    violations = run_checks(resources, Settings())
    assert [(v.check, v.resource) for v in violations] == [
        ("rule-reaches-a-channel", "spms-backend/nightly-import")]


# -- review: render and diff ------------------------------------------------------------------


def _diff(tmp_path: Path, stack: str, old: str, new: str, rules: bool = True) -> StackDiff:
    base = copy_project(tmp_path / "base", alerts=rules)
    head = _project(tmp_path, old, new)
    if not rules:
        for alerts in (head / "alerts").glob("*.yaml"):
            alerts.unlink()
    return diff_stack(stack, snapshot(load_spec(base), stack), snapshot(load_spec(head), stack))


def test_render_lists_every_cron_with_this_stacks_alert() -> None:
    view = snapshot(load_spec(EXAMPLE), "staging")
    page = render_markdown(view)
    assert ("| Nightly cleanup `nightly-cleanup` (spms-backend) | `30 3 * * *` Australia/Perth | "
            "missed when 10 minutes late, failed after running 30 minutes; an issue after 2 in "
            "a row, resolved after 1 good | no alert in staging |") in page
    assert "| Weekly report: SPMS Frontend [test] `weekly-report` | 1 week |" in page


def test_diff_shows_a_changed_schedule(tmp_path: Path) -> None:
    diff = _diff(tmp_path, "production", '"0 2 * * *"      # 02:00', '"0 1 * * *"      # 01:00')
    assert [(c.label, c.old, c.new) for c in diff.crons] == [
        ("spms-backend/nightly-import: schedule", "`0 2 * * *` Australia/Perth",
         "`0 1 * * *` Australia/Perth")]
    assert diff.changed and not diff.callouts


def test_diff_calls_out_a_removed_cron(tmp_path: Path) -> None:
    removed = ("      - slug: nightly-cleanup\n        name: Nightly cleanup\n"
               '        schedule: "30 3 * * *"\n')
    for stack, fate in (("production", "DELETES the monitor and its check-in history"),
                        ("staging", "its alert in staging is deleted")):
        diff = _diff(tmp_path / stack, stack, removed,
                     removed.replace("nightly-cleanup", "weekly-cleanup"))
        assert [c.message for c in diff.callouts if c.kind == "cron-removed"] == [
            f"cron monitor `nightly-cleanup` is removed from spms-backend: {fate}"]


def test_a_declared_project_rename_keeps_crons_and_dashboards(tmp_path: Path) -> None:
    diff = _diff(tmp_path, "production", "  - slug: spms-backend\n",
                 "  - slug: spms-api\n    previous_slugs: [spms-backend]\n", rules=False)
    assert not [c for c in diff.callouts if c.kind in ("cron-removed", "dashboard-removed")]
    assert diff.crons == [] and diff.dashboards == []
