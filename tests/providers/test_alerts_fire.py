"""What the example's alerts do once deployed, by the workflow engine's rules as Sentry's source
has them (tests/fake_sentry/firing.py): a metric rule's channels hear when it fires, escalates
and resolves, none of it held back; an issue rule is about errors; a cron that pages has its
incident resolved."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentry_iac.offline.engine import Plan, run_offline
from sentry_iac.providers.alerting import AlertProvider, MonitorProvider
from sentry_iac.providers.crons import CronAlertProvider, CronMonitorProvider
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.firing import CRON, ERROR, HIGH, MEDIUM, PERFORMANCE, Firing, Notice
from tests.helpers import copy_project
from tests.providers.scaffold import configured, inputs

RATE = "high-error-rate/spms-backend"


def deploy_metric_rule(fake: FakeSentry, plan: Plan, name: str) -> str:
    """The rule's monitor and alert made by the providers; the monitor's id."""
    monitor: str = configured(MonitorProvider(), fake).create(inputs(plan, "Monitor", name)).id
    props = {**inputs(plan, "Alert", name), "detectors": [monitor]}
    configured(AlertProvider(), fake).create(props)
    return monitor


def kinds(notices: list[Notice]) -> list[str]:
    return sorted(n.action for n in notices)


@pytest.mark.parametrize("older_sentry", [False, True], ids=["current", "missing-frequency-30"])
def test_a_metric_rule_notifies_on_warning_escalation_and_resolution(
    fake: FakeSentry, production: Plan, older_sentry: bool
) -> None:
    monitor = deploy_metric_rule(fake, production, RATE)
    firing = Firing(fake.org, legacy_missing_frequency=older_sentry)
    # warning (above 5), then critical (above 10) four minutes later, resolved at minute 9:
    # all within the 30 minutes Sentry would hold actions back for.
    assert kinds(firing.occurrence(monitor, "g1", minute=0, priority=MEDIUM,
                                   environment="production")) == ["msteams", "pagerduty"]
    assert kinds(firing.occurrence(monitor, "g1", minute=4, priority=HIGH,
                                   environment="production")) == ["msteams", "pagerduty"]
    assert kinds(firing.resolution(monitor, "g1", minute=9)) == ["msteams", "pagerduty"]


def test_a_metric_rule_hears_only_its_own_environments_monitor(
    fake: FakeSentry, production: Plan, staging: Plan
) -> None:
    production_monitor = deploy_metric_rule(fake, production, RATE)
    staging_monitor = deploy_metric_rule(fake, staging, RATE)
    firing = Firing(fake.org)
    staged = firing.occurrence(staging_monitor, "s1", minute=0, priority=HIGH,
                               environment="staging")
    assert {n.workflow for n in staged} == {"High error rate [staging]"}
    assert kinds(staged) == ["email"]
    produced = firing.occurrence(production_monitor, "p1", minute=0, priority=HIGH,
                                 environment="production")
    assert {n.workflow for n in produced} == {"High error rate [production]"}


def test_an_issue_rule_is_about_errors(fake: FakeSentry, production: Plan) -> None:
    props = inputs(production, "Alert", "new-error-types/spms-backend")
    configured(AlertProvider(), fake).create(props)
    stream = fake.org.default_detector("spms-backend", "issue_stream").id
    firing = Firing(fake.org)
    for category in (PERFORMANCE, CRON):
        assert firing.new_issue(stream, f"other-{category}", minute=0,
                                environment="production", category=category) == []
    assert kinds(firing.new_issue(stream, "error", minute=0, environment="production",
                                  category=ERROR)) == ["github", "msteams"]


def test_a_percent_change_rule_resolves_on_its_own_side_of_100(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    (project / "alerts" / "changes.yaml").write_text(
        "version: 1\nalerts:\n"
        "  - {id: error-spike, name: Error spike, projects: [spms-backend], priority: high,\n"
        "     measure: error-count, window: 1h, change: {compared_to: 1d},\n"
        "     critical: above 50%}\n"
        "  - {id: error-lull, name: Error lull, projects: [spms-backend], priority: high,\n"
        "     measure: error-count, window: 1h, change: {compared_to: 1d},\n"
        "     critical: below 50%, resolve: above 20%}\n", encoding="utf-8")
    plan = run_offline(project, "production")
    monitors = {r.name: r.inputs["detector"] for r in plan.of_type("Monitor")}

    def conditions(name: str) -> list[tuple[str, float, int]]:
        group = monitors[f"{name}/spms-backend"]["conditionGroup"]["conditions"]
        return [(c["type"], c["comparison"], c["conditionResult"]) for c in group]

    # current / previous x 100: a rise of more than 50% fires at 150 and resolves back at 150
    assert conditions("error-spike") == [("gt", 150, 75), ("lte", 150, 0)]
    # a fall of more than 50% fires under 50; "resolve: above 20%" is a fall of less than 20%
    assert conditions("error-lull") == [("lt", 50, 75), ("gte", 80, 0)]


def test_a_cron_that_pages_has_its_incident_resolved(fake: FakeSentry, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    org_yaml = project / "org.yaml"
    text = org_yaml.read_text(encoding="utf-8")
    old = "  high:\n    respond: within 1 hour\n    production: [team-chat, tracker]"
    assert old in text
    org_yaml.write_text(text.replace(old, old.replace("[team-chat", "[on-call, team-chat")),
                        encoding="utf-8")
    plan = run_offline(project, "production")
    name = "spms-backend/nightly-import"
    configured(CronMonitorProvider(), fake).create(inputs(plan, "CronMonitor", name))
    for alert in (name, f"{name}/resolution"):
        configured(CronAlertProvider(), fake).create(inputs(plan, "CronAlert", alert))
    detector = next(d.id for d in fake.org.detectors.values()
                    if d.type == "monitor_check_in_failure" and d.name.startswith("Nightly data"))
    firing = Firing(fake.org)
    opened = firing.occurrence(detector, "c1", minute=0, priority=HIGH,
                               environment="production", category=CRON)
    assert kinds(opened) == ["github", "msteams", "pagerduty"]
    resolved = firing.resolution(detector, "c1", minute=60)
    assert kinds(resolved) == ["pagerduty"]
    assert {n.workflow for n in resolved} == {"Nightly data import [production] (resolved)"}
    # a staging failure of the same task opens nothing in production's channels
    assert firing.occurrence(detector, "c2", minute=70, priority=HIGH, environment="staging",
                             category=CRON) == []
