"""Team roles, key rate limits and spike protection offline: what the models keep, what each
resource is sent, and how plan, render and diff say it (the small organisation in
``tests/fixtures/quotas``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sentry_iac.config.loader import load_spec
from sentry_iac.config.models import Member, Project
from sentry_iac.offline.engine import run_offline
from sentry_iac.offline.plan_view import format_summary
from sentry_iac.resources.args import key_args
from sentry_iac.resources.payloads.access import declared_team_roles, team_role_inputs
from sentry_iac.resources.payloads.quotas import spike_destinations, spike_projects
from sentry_iac.review.diff import diff_stack
from sentry_iac.review.diff_report import stack_markdown
from sentry_iac.review.render import render_markdown
from sentry_iac.review.snapshot import snapshot
from sentry_iac.sentry.teams import effective_team_role, listed_team_role, live_role
from tests.helpers import PROJECT_ROOT

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "quotas"


def test_only_a_written_team_role_is_managed() -> None:
    member = Member.model_validate({"email": "a@example.org", "teams": [
        "web", {"team": "api"}, {"team": "ops", "role": "contributor"},
        {"team": "db", "role": "admin"}]})
    assert [t.declared_role for t in member.teams] == [None, None, "contributor", "admin"]
    declared = declared_team_roles((member,))
    assert [(d.name, d.role) for d in declared] == [("a@example.org/ops", "contributor"),
                                                    ("a@example.org/db", "admin")]
    assert team_role_inputs("dbca", declared[1]) == {
        "organization": "dbca", "member": "a@example.org", "team": "db", "role": "admin",
        "org_role": "member", "member_teams": ["web", "api", "ops", "db"]}


@pytest.mark.parametrize(("stored", "org_role", "effective"), [
    (None, "member", "contributor"), ("admin", "member", "admin"),
    (None, "manager", "admin"), ("contributor", "owner", "admin"), (None, "admin", "admin"),
])
def test_the_effective_team_role_is_the_stored_one_or_the_org_roles_least(
        stored: str | None, org_role: str, effective: str) -> None:
    assert effective_team_role(stored, org_role) == effective


def test_a_team_listing_item_says_the_role_in_either_shape_or_not_at_all() -> None:
    # team_members.py now: teamRole beside teamSlug; Sentry of 2022: teamRoles; older: none.
    assert listed_team_role({"id": "1", "teamRole": None, "teamSlug": "api"}, "api") == (
        True, None)
    assert listed_team_role({"id": "1", "teamRole": "admin"}, "api") == (True, "admin")
    assert listed_team_role({"teamRoles": [{"teamSlug": "web", "role": "admin"},
                                           {"teamSlug": "api", "role": None}]}, "api") == (
        True, None)
    assert listed_team_role({"id": "1", "email": "a@b.c"}, "api") == (False, None)


def test_the_live_role_reads_team_roles_and_older_sentrys_teams() -> None:
    member = {"orgRole": "member", "teamRoles": [{"teamSlug": "api", "role": "admin"},
                                                 {"teamSlug": "web", "role": None}]}
    assert [live_role(member, t) for t in ("api", "web", "db")] == ["admin", "contributor", None]
    assert live_role({"role": "manager", "teams": ["api"]}, "api") == "admin"


def test_each_stacks_key_gets_its_own_limit() -> None:
    project = Project.model_validate({"slug": "api", "teams": ["t"], "rate_limit": {
        "count": 1000, "per": "1m", "environments": {"staging": {"count": 100, "per": "1h"}}}})
    assert key_args("dbca", project, "production")["rate_limit_count"] == 1000
    assert {k: v for k, v in key_args("dbca", project, "staging").items()
            if k.startswith("rate")} == {"rate_limit_count": 100, "rate_limit_window": 3600}
    only = Project.model_validate({"slug": "api", "teams": ["t"], "rate_limit": {
        "environments": {"staging": {"count": 5, "per": "10s"}}}})
    assert "rate_limit_count" not in key_args("dbca", only, "production")
    assert key_args("dbca", only, "staging")["rate_limit_window"] == 10


def test_spike_notifications_go_to_each_destination_for_every_project_by_default() -> None:
    org = load_spec(FIXTURE).org
    assert [(d["via"], d["kind"]) for d in spike_destinations(org)] == [
        ("ops", "slack"), ("on-call", "pagerduty"),
        ("owners-and-managers", "sentry_notification")]
    assert spike_destinations(org)[0] == {"via": "ops", "kind": "slack", "workspace": "dbca",
                                          "channel": "#ops"}
    assert spike_projects(org) == ["api", "web"]


def test_plan_says_each_in_one_line() -> None:
    text = format_summary(run_offline(FIXTURE, "production"), load_spec(FIXTURE))
    lines = [line.strip() for line in text.splitlines()]
    assert "team role    lead@example.org     admin on backend  [kept if removed]" in lines
    assert ("team role    boss@example.org     admin on frontend (as every manager is)  "
            "[kept if removed]") in lines
    assert ("key          production        (DSN exported as a secret); at most 1000 events "
            "per minute") in lines  # its flag wraps to the next line
    assert ("settings     spike protection  on: events beyond a sudden spike are dropped  "
            "[kept if removed]") in lines
    assert "settings     spike protection  off  [kept if removed]" in lines
    assert any(line.startswith("spike alert  ops                  when spike protection drops "
                               "events → ops (slack); projects: api,") for line in lines)
    staging = format_summary(run_offline(FIXTURE, "staging"), load_spec(FIXTURE))
    assert "at most 100 events per minute" in staging and "spike" not in staging


def test_render_says_each_in_one_line() -> None:
    text = render_markdown(snapshot(load_spec(FIXTURE), "production"))
    assert ("Environment `production` · platform python-django · teams: backend · client key: "
            "at most 1000 events per minute · spike protection on") in text
    assert "| frontend `frontend` | lead@example.org, boss@example.org (admin) | web |" in text
    assert "- an email to the organisation's owners and managers for every project" in text


def _diff(tmp_path: Path, stack: str, *edits: tuple[str, str]) -> str:
    head = tmp_path / "head"
    shutil.copytree(FIXTURE, head)
    org = head / "org.yaml"
    text = org.read_text(encoding="utf-8")
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    org.write_text(text, encoding="utf-8")
    base_spec, head_spec = load_spec(FIXTURE), load_spec(head)
    diff = diff_stack(stack, snapshot(base_spec, stack), snapshot(head_spec, stack))
    return stack_markdown(diff, "base", "head")


def test_diff_calls_every_removal_a_release(tmp_path: Path) -> None:
    text = _diff(tmp_path, "production",
                 ("      - {team: backend, role: admin}", "      - backend"),
                 ("    spike_protection: false\n", ""),
                 ("  channels: [ops, on-call]", "  channels: [ops]"),
                 ("      count: 1000\n      per: 1m\n", ""))
    assert ("`role: admin` of lead@example.org on team `backend` is no longer written: this "
            "stack stops managing it and Sentry keeps it (admin)") in text
    assert "spike protection of `web` is no longer declared: this stack stops managing it and " \
           "Sentry keeps it off" in text
    assert "spike notifications to on-call are no longer declared" in text
    assert ("the production client key of `api` is no longer limited in the YAML: this stack "
            "stops managing its limit and Sentry keeps it (at most 1000 events per minute)") \
        in text
    assert "- member lead@example.org: member; backend (admin), frontend → member; backend, " \
           "frontend" in text


def test_diff_says_each_change_in_words(tmp_path: Path) -> None:
    text = _diff(tmp_path, "staging", ("staging: {count: 100, per: 1m}",
                                       "staging: {count: 50, per: 5m}"))
    assert ("- api: client key rate limit: at most 100 events per minute → at most 50 events "
            "per 5 minutes") in text
    text = _diff(tmp_path / "2", "production",
                 ("      - {team: backend, role: admin}", "      - {team: backend, role: "
                                                          "contributor}"),
                 ("    spike_protection: false", "    spike_protection: true"))
    assert "member; backend (admin), frontend → member; backend (contributor), frontend" in text
    assert "- web: spike_protection: false → true" in text
    assert "Deletes, replaces or renames" not in text  # nothing released or deleted


def test_the_reference_production_plan_applies_the_team_role_and_protects_both_projects(
) -> None:
    plan = run_offline(PROJECT_ROOT, "production")
    roles = {r.name: (r.inputs["role"], r.inputs["org_role"]) for r in plan.of_type("TeamRole")}
    assert roles == {"maintainer@example.org/science-projects": ("admin", "manager")}
    assert {r.inputs["project"]: r.inputs["enabled"] for r in plan.of_type("SpikeProtection")} \
        == {"spms-backend": True, "spms-frontend": True}
    assert [r.inputs["destination"]["kind"] for r in plan.of_type("SpikeNotification")] == [
        "sentry_notification"]
    limits = {r.inputs["project"]: r.inputs.get("rateLimitCount")
              for r in plan.of_type("SentryKey")}
    assert limits == {"spms-backend": None, "spms-frontend": 1000}
    staging = {r.inputs["project"]: r.inputs.get("rateLimitCount")
               for r in run_offline(PROJECT_ROOT, "staging").of_type("SentryKey")}
    assert staging == {"spms-backend": 300, "spms-frontend": 300}


def test_a_team_admin_is_called_out_where_the_org_role_does_not_give_it() -> None:
    attention = run_offline(FIXTURE, "production").attention
    roles = [line for line in attention if "team admin" in line]
    assert roles == ["org.yaml:15:25: members[0].teams[0].role: lead@example.org becomes team "
                     "admin on backend: they may add and remove its members and its projects"]
    assert not [line for line in run_offline(FIXTURE, "staging").attention if "team" in line]
