"""Routing of alert rules (tests/fixtures/routing): a metric rule's warning and critical levels
reach different channels, as Sentry's own metric alerts do (one action filter per level); a
project's owning team may route its rules itself; a rule may be limited to some stacks."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from sentry_iac.cli.app import main
from sentry_iac.config.loader import Spec, load_spec
from sentry_iac.config.stack_views import StackRule, stack_rules
from sentry_iac.offline.engine import run_offline
from sentry_iac.offline.plan_view import format_summary
from sentry_iac.resources.payloads.monitors import workflow_payload
from sentry_iac.review.diff import diff_stack
from sentry_iac.review.snapshot import snapshot
from sentry_iac.ruletest.model import load_tests
from sentry_iac.ruletest.run import run_test
from sentry_iac.ruletest.timeline import PreparedRule
from sentry_iac.sentry.alerts import HIGH, MEDIUM, PRIORITY_AT_LEAST, PRIORITY_DEESCALATING
from tests.helpers import by_name, copy_project

ROUTING = Path(__file__).resolve().parent / "fixtures" / "routing"


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec(ROUTING)


def items(spec: Spec, stack: str) -> dict[str, StackRule]:
    return {item.key: item for item in stack_rules(spec, stack)}


def levels(workflow: Any) -> dict[int, list[tuple[str, str]]]:
    """Level -> (channel, PagerDuty severity or "") of each action filter; each filter must
    pass at or above its level and when the issue comes back down from it."""
    out = {}
    for group in workflow["actionFilters"]:
        conditions = {(c["type"], c["comparison"]) for c in group["conditions"]}
        (level,) = {comparison for _, comparison in conditions}
        assert conditions == {(PRIORITY_AT_LEAST, level), (PRIORITY_DEESCALATING, level)}
        out[level] = [(a["via"], a.get("severity", "")) for a in group["actions"]]
    return out


def test_each_level_has_its_filter_and_a_channel_of_both_is_told_once(spec: Spec) -> None:
    production = items(spec, "production")
    api = workflow_payload(production["error-rate/checkout-api"])
    # payments owns checkout-api: its critical pages payments-on-call; payments-chat hears
    # both levels, so it sits in the warning filter only (Sentry would send both actions).
    assert levels(api) == {MEDIUM: [("payments-chat", "")],
                           HIGH: [("payments-on-call", "critical")]}
    front = workflow_payload(production["error-rate/storefront"])
    assert levels(front) == {MEDIUM: [("web-chat", "")], HIGH: [("org-on-call", "critical")]}


def test_without_a_warning_route_every_level_tells_the_same_channels(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    spec = load_spec(project)
    rate = items(spec, "production")["high-error-rate/spms-backend"]
    assert not rate.split
    assert levels(workflow_payload(rate)) == {MEDIUM: [("on-call", "critical"),
                                                       ("team-chat", "")]}


def test_the_owning_team_routes_unless_the_rule_names_a_team(spec: Spec) -> None:
    production = items(spec, "production")
    slow = production["slow-requests/checkout-api"]
    assert (slow.priority, slow.team, [n for n, _ in slow.channels]) == (
        "medium", "payments", ["payments-chat"])
    named = production["new-errors/checkout-api"]  # team: web, which routes nothing itself
    assert (named.team, [n for n, _ in named.channels]) == (None, ["web-chat"])
    # A stack the team leaves out keeps the organisation's channels.
    staging = items(spec, "staging")["error-rate/checkout-api"]
    assert (staging.team, [n for n, _ in staging.channels]) == (None, ["maintainers"])


def test_a_rule_limited_to_production_is_nowhere_else(spec: Spec) -> None:
    assert "slow-requests/checkout-api" in items(spec, "production")
    assert "slow-requests/checkout-api" not in items(spec, "staging")
    plan = run_offline(ROUTING, "staging", spec)
    assert not [name for name in by_name(plan, "Alert") if name.startswith("slow-requests/")]
    view = snapshot(spec, "staging")
    (api,) = [p for p in view.projects if p.slug == "checkout-api"]
    assert api.off == ("Slow requests (slow-requests, only in production)",)


def test_plan_and_render_say_each_levels_route_in_one_line(
    spec: Spec, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = format_summary(run_offline(ROUTING, "production", spec), spec)
    assert ("  alert     error-rate  Error count above 10 per 1 minute → critical: org-on-call, "
            "web-chat; warning\n                        → medium: web-chat") in summary
    assert "→ medium (team payments):\n                           payments-chat" in summary
    assert main(["render", "--dir", str(ROUTING), "--stack", "production"]) == 0
    page = capsys.readouterr().out
    assert ("| Error rate `error-rate` | Error count above 10 per 1 minute in production → "
            "critical (team payments) → PagerDuty 'Payments', Slack #payments; warning above 5 "
            "→ medium (team payments) → Slack #payments |") in page
    assert ("| critical (team payments) | immediately | payments-on-call (PagerDuty "
            "'Payments'), payments-chat (Slack #payments) |") in page


def _copy(tmp_path: Path) -> Path:
    project = tmp_path / "head"
    shutil.copytree(ROUTING, project)
    return project


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_diff_names_the_warning_route_and_team_routing(tmp_path: Path, spec: Spec) -> None:
    head = _copy(tmp_path)
    _replace(head / "alerts/errors.yaml", "    warning_priority: medium\n", "")
    _replace(head / "org.yaml", "      medium:\n        production: [payments-chat]\n", "")
    diff = diff_stack("production", snapshot(spec, "production"),
                      snapshot(load_spec(head), "production"))
    changes = {(c.rule_id, p): {x.label: (x.old, x.new) for x in c.changes}
               for c in diff.rules_changed for p in c.projects}
    assert changes[("error-rate", "checkout-api")] == {
        "notices": (changes[("error-rate", "checkout-api")]["notices"][0],
                    "notified at warning, again when it escalates to critical, and when it "
                    "resolves; never held back"),
        "warning priority": ("medium (team payments)", None),
        "warning channels": ("payments-chat", None)}
    assert changes[("slow-requests", "checkout-api")] == {
        "priority": ("medium (team payments)", "medium"), "channels": ("payments-chat",
                                                                       "web-chat")}
    assert [(c.label, c.old, c.new) for c in diff.routing] == [
        ("priority medium (team payments)", "payments-chat", None),
        ("priority medium (team payments) (respond)", "within 4 hours", None)]


def test_the_legacy_backend_gives_each_trigger_its_levels_channels(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    (project / "Pulumi.staging.yaml").write_text("config:\n  sentry-iac:alertsBackend: legacy\n")
    _replace(project / "alerts/errors.yaml", "    warning: above 5\n    priority: critical\n",
             "    warning: above 5\n    priority: critical\n    warning_priority: medium\n")
    _replace(project / "alerts/errors.yaml",
             "staging: {critical: above 50, warning: above 25, priority: high}",
             "staging: {critical: above 50, warning: above 25, priority: high,\n"
             "                warning_channels: [team-chat]}")
    plan = run_offline(project, "staging")
    triggers = by_name(plan, "SentryMetricAlert")["high-error-rate/spms-backend"]["triggers"]
    kinds = {t["label"]: sorted(a["type"] for a in t["actions"]) for t in triggers}
    assert kinds == {"critical": ["email"], "warning": ["email", "msteams"]}


def _together(rule: PreparedRule) -> PreparedRule:
    """The alert as it was before the warning level routed apart: one filter from warning up
    with every action."""
    filters = rule.workflow["actionFilters"]
    actions = [a for group in filters for a in group["actions"]]
    rule.workflow = {**rule.workflow, "actionFilters": [{**filters[0], "actions": actions}]}
    return rule


def test_the_rule_test_plays_each_level_to_its_channels(spec: Spec) -> None:
    (test,) = load_tests(ROUTING)
    outcome = run_test(test, spec)
    assert outcome.passed, outcome
    assert [(e.minute, e.what, sorted(e.notifies)) for e in outcome.actual] == [
        (0, "opens", ["payments-chat"]),
        (2, "escalates", ["payments-chat", "payments-on-call"]),
        (4, "resolves", ["payments-chat", "payments-on-call"])]
    # The same test fails when the warning would page: it can tell the two apart.
    wrong = run_test(test, spec, _together)
    assert not wrong.passed
    assert [(e.minute, sorted(e.notifies)) for e in wrong.unexpected][:1] == [
        (0, ["payments-chat", "payments-on-call"])]
