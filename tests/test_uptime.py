"""Uptime checks offline: the stack views, the payloads sent, the words of ``render`` and
``plan``, what ``diff`` says, and the paging policy, on the uptime fixture organisation
(``tests/fixtures/uptime``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sentry_iac.cli.app import main
from sentry_iac.config.errors import InvalidValue
from sentry_iac.config.loader import load_spec
from sentry_iac.config.stack_views import StackUptime, stack_uptime
from sentry_iac.config.uptime import UptimeCheck, check_url, interval_seconds, timeout_ms
from sentry_iac.resources.payloads.uptime import uptime_detector_payload, uptime_workflow_payload
from sentry_iac.review.diff import diff_stack
from sentry_iac.review.snapshot import snapshot
from sentry_iac.sentry.uptime import request_size

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "uptime"
SITE = "https://scienceprojects.dbca.wa.gov.au/"


def _items(stack: str, root: Path = FIXTURE) -> dict[str, StackUptime]:
    return {item.key: item for item in stack_uptime(load_spec(root).org, stack)}


def _copy(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "project"))


def _edit(root: Path, old: str, new: str) -> None:
    org = root / "org.yaml"
    text = org.read_text()
    assert text.count(old) == 1, old
    org.write_text(text.replace(old, new))


def test_each_stack_sees_its_own_site_interval_and_routing() -> None:
    production, staging = _items("production"), _items("staging")
    site = production["spms-backend/site"]
    assert (site.url, site.interval_seconds, site.timeout_ms, site.environment, site.priority,
            [n for n, _ in site.channels], site.paused) == (
        SITE, 60, 5000, "production", "critical", ["on-call", "team-chat"], False)
    uat = staging["spms-backend/site"]
    assert (uat.url, uat.interval_seconds, uat.environment, uat.priority,
            [n for n, _ in uat.channels], uat.display_name) == (
        "https://scienceprojects-uat.dbca.wa.gov.au/", 300, "staging", "high", ["team-chat"],
        "SPMS website [staging]")
    assert staging["spms-backend/api"].paused is True
    assert production["spms-backend/api"].timeout_ms == 2500


def test_a_stack_turned_off_makes_no_monitor_and_one_paused_keeps_it(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _edit(root, "          staging: {paused: true}", "          staging: {enabled: false}")
    assert "spms-backend/api" not in _items("staging", root)
    _edit(root, "          staging: {enabled: false}",
          "          production: {paused: false}")
    _edit(root, "    uptime:\n", "    uptime:\n")  # the check's own paused: below
    _edit(root, "        body: '{\"probe\": \"sentry\"}'\n",
          "        body: '{\"probe\": \"sentry\"}'\n        paused: true\n")
    assert _items("staging", root)["spms-backend/api"].paused is True
    assert _items("production", root)["spms-backend/api"].paused is False


def test_the_monitor_payload_is_sentrys_shape_in_sentrys_numbers() -> None:
    detector = uptime_detector_payload(_items("production")["spms-backend/site"])
    assert detector == {
        "name": "SPMS website [production]", "type": "uptime_domain_failure", "enabled": True,
        "description": None, "owner": "team:science-projects",
        "dataSources": [{"url": SITE, "intervalSeconds": 60, "timeoutMs": 5000,
                         "method": "GET", "headers": [["Accept", "text/html"]], "body": None,
                         "traceSampling": False}],
        "config": {"mode": 1, "environment": "production", "recoveryThreshold": 1,
                   "downtimeThreshold": 3}}
    api = uptime_detector_payload(_items("staging")["spms-backend/api"])
    assert api["enabled"] is False and api["dataSources"][0]["body"] == '{"probe": "sentry"}'


def test_the_alert_hears_the_issue_open_and_resolve_in_every_environment() -> None:
    workflow = uptime_workflow_payload(_items("production")["spms-backend/site"])
    assert workflow["environment"] is None and workflow["config"] == {"frequency": 0}
    (group,) = workflow["actionFilters"]
    assert sorted((c["type"], c["comparison"]) for c in group["conditions"]) == [
        ("issue_priority_deescalating", 75), ("issue_priority_greater_or_equal", 75)]
    assert [a["via"] for a in group["actions"]] == ["on-call", "team-chat"]
    pagerduty = next(a for a in group["actions"] if a["kind"] == "pagerduty")
    assert pagerduty["severity"] == "critical"


def test_a_body_is_sent_as_sentry_keeps_it() -> None:
    check = UptimeCheck.model_validate({"id": "api", "url": SITE, "method": "POST",
                                        "body": '{"a": 1}\n', "priority": "critical"})
    assert check.sent_body == '{"a": 1}'


@pytest.mark.parametrize(("text", "seconds"), [("1m", 60), ("5m", 300), ("1h", 3600)])
def test_intervals(text: str, seconds: int) -> None:
    assert interval_seconds(text) == seconds


@pytest.mark.parametrize("text", ["2m", "30s", "2h", "1d"])
def test_intervals_sentry_does_not_have(text: str) -> None:
    with pytest.raises(InvalidValue) as raised:
        interval_seconds(text)
    assert raised.value.check == "uptime/interval"


@pytest.mark.parametrize(("text", "ms"), [("1s", 1000), ("60s", 60000), ("2500ms", 2500)])
def test_timeouts(text: str, ms: int) -> None:
    assert timeout_ms(text) == ms


@pytest.mark.parametrize("url", ["http://localhost:8000/health", "https://10.0.0.7/",
                                 "https://[2001:db8::1]:8443/x?y=1#z", SITE])
def test_urls_sentry_takes(url: str) -> None:
    assert check_url(url) == url


def test_request_size_counts_as_sentry_does() -> None:
    # Sentry's own test (tests/sentry/uptime/endpoints/test_validators.py ComputeHttpRequestSize)
    assert request_size("GET", "https://sentry.io", [("auth", "1234"), (
        "utf_text", "我喜欢哨兵正常运行时间监视器")], "some body stuff") == 111
    assert request_size("GET", "https://sentry.io", [("auth", "1234"), (
        "non_utf_text", "abcdefghijklmn")], None) == 70


def test_render_says_each_monitor_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--stack", "production", "--dir", str(FIXTURE)]) == 0
    page = capsys.readouterr().out
    section = page[page.index("## Uptime monitors"):].split("\n## ", 1)[0]
    lines = [line for line in section.splitlines() if line.startswith("- ")]
    assert lines == [
        f"- **SPMS website [production]** `site` (spms-backend): checks {SITE} every 1 minute, "
        "timeout 5 s, with 1 header; 3 failures in a row open a critical issue → on-call, "
        "team-chat; 1 good check resolves it, and they are told",
        "- **SPMS API [production]** `api` (spms-backend): checks POST "
        f"{SITE}api/v1/health/ every 1 minute, timeout 2.5 s, with 1 header, with a body; 3 "
        "failures in a row open a critical issue → on-call, team-chat; 1 good check resolves "
        "it, and they are told"]
    assert main(["render", "--stack", "staging", "--dir", str(FIXTURE)]) == 0
    assert "PAUSED" not in (staging := capsys.readouterr().out)
    assert "paused in staging: no checks, nobody told" in staging


def test_plan_lists_the_monitor_and_its_alert(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--stack", "staging", "--dir", str(FIXTURE)]) == 0
    plan = " ".join(capsys.readouterr().out.split())
    assert ("uptime site checks https://scienceprojects-uat.dbca.wa.gov.au/ every 5 minutes, "
            "timeout 5 s, with 1 header; 3 failures in a row open an issue; 1 good check "
            "resolves it [kept if removed]") in plan
    assert "uptime alert site → high: team-chat" in plan
    assert "PAUSED in staging: no checks, no alert [kept if removed]" in plan
    assert "uptime alert api" not in plan


def test_diff_names_each_changed_value(tmp_path: Path) -> None:
    head = _copy(tmp_path)
    _edit(head, "        every: 1m\n", "        every: 10m\n")
    _edit(head, "staging: {url: \"https://scienceprojects-uat.dbca.wa.gov.au/\"",
          "staging: {url: \"https://spms-uat.dbca.wa.gov.au/\"")
    for stack, expected in (
            ("production", [("spms-backend/site: every", "1 minute", "10 minutes")]),
            ("staging", [("spms-backend/site: url", "https://scienceprojects-uat.dbca.wa.gov.au/",
                          "https://spms-uat.dbca.wa.gov.au/")])):
        diff = diff_stack(stack, snapshot(load_spec(FIXTURE), stack),
                          snapshot(load_spec(head), stack))
        assert [(c.label, c.old, c.new) for c in diff.uptime] == expected
        assert diff.callouts == [] and diff.projects == []  # said once, per stack


def test_diff_calls_out_a_removed_check_and_what_happens_to_its_monitor(tmp_path: Path) -> None:
    head = _copy(tmp_path)
    text = (head / "org.yaml").read_text()
    start, end = text.index("      - id: api\n"), text.index("\npolicies:")
    (head / "org.yaml").write_text(text[:start] + text[end:])
    diff = diff_stack("production", snapshot(load_spec(FIXTURE), "production"),
                      snapshot(load_spec(head), "production"))
    (callout,) = diff.callouts
    assert callout.kind == "uptime-removed" and "released: Sentry keeps it" in callout.message
    assert [(c.label, c.new) for c in diff.uptime] == [("spms-backend/api", None)]
    base = _copy(tmp_path / "opted")
    _edit(base, "        body: '{\"probe\": \"sentry\"}'\n",
          "        body: '{\"probe\": \"sentry\"}'\n        delete_when_removed: true\n")
    diff = diff_stack("production", snapshot(load_spec(base), "production"),
                      snapshot(load_spec(head), "production"))
    assert "DELETES its monitor and check history" in diff.callouts[0].message


def test_a_critical_uptime_check_that_pages_satisfies_the_paging_policy(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--dir", str(FIXTURE)]) == 0
    assert "6 policies pass" in capsys.readouterr().out
    root = _copy(tmp_path)
    _edit(root, "        failure_threshold: 3\n        recovery_threshold: 1\n"
          "        priority: critical\n", "        priority: high\n")
    _edit(root, "        body: '{\"probe\": \"sentry\"}'\n        priority: critical\n",
          "        body: '{\"probe\": \"sentry\"}'\n        priority: high\n")
    assert main(["validate", "--dir", str(root)]) == 1
    assert "project 'spms-backend' has no critical rule in production" in capsys.readouterr().out
