"""The fake answers team-role, spike-protection, notification-action and client-key requests as
Sentry's source does (tests/fake_sentry/team_roles.py and spike.py cite it), raw: no client
retries or error mapping in between."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN
from tests.fake_sentry.shapes import project_key
from tests.fake_sentry.spike import DISABLED

ORG = "/api/0/organizations/dbca/"
ACTIONS = ORG + "notifications/actions/"


@pytest.fixture
def http(fake_sentry: FakeSentry) -> Iterator[httpx.Client]:
    org = fake_sentry.org
    org.add_team("backend")
    org.add_team("web")
    org.add_project("api", teams=["backend"])
    org.add_integration("slack", name="dbca")
    org.add_integration("pagerduty", name="DBCA PagerDuty", services=["SPMS"])
    with httpx.Client(base_url=fake_sentry.url,
                      headers={"Authorization": f"Bearer {FAKE_TOKEN}"}) as client:
        yield client


def _role_path(member_id: str, team: str) -> str:
    return f"{ORG}members/{member_id}/teams/{team}/"


def test_a_team_role_is_stored_above_the_org_roles_minimum_and_null_otherwise(
        fake_sentry: FakeSentry, http: httpx.Client) -> None:
    org = fake_sentry.org
    lead = org.add_member("lead@example.org", teams=["backend"])
    boss = org.add_member("boss@example.org", role="manager", teams=["backend"])
    answer = http.put(_role_path(lead.id, "backend"), json={"teamRole": "admin"})
    assert (answer.status_code, answer.json()) == (200, {"isActive": True, "teamRole": "admin"})
    answer = http.put(_role_path(boss.id, "backend"), json={"teamRole": "admin"})
    assert answer.json()["teamRole"] is None and boss.team_roles["backend"] is None
    answer = http.put(_role_path(lead.id, "backend"), json={"teamRole": "contributor"})
    assert answer.json()["teamRole"] is None  # back to the minimum: stored as null
    detail = http.get(f"{ORG}members/{lead.id}/").json()
    assert detail["teamRoles"] == [{"teamSlug": "backend", "role": None}]


def test_a_team_role_needs_a_member_of_the_team_and_a_known_role(
        fake_sentry: FakeSentry, http: httpx.Client) -> None:
    lead = fake_sentry.org.add_member("lead@example.org", teams=["backend"])
    assert http.put(_role_path(lead.id, "web"), json={"teamRole": "admin"}).status_code == 404
    assert http.put(_role_path(lead.id, "nope"), json={"teamRole": "admin"}).status_code == 404
    assert http.put(_role_path("abc", "backend"), json={"teamRole": "admin"}).status_code == 404
    bad = http.put(_role_path(lead.id, "backend"), json={"teamRole": "owner"})
    assert (bad.status_code, bad.json()) == (400, {"teamRole": ['"owner" is not a valid choice.']})


def test_without_the_team_roles_feature_the_role_is_ignored_without_an_error(
        fake_sentry: FakeSentry, http: httpx.Client) -> None:
    fake_sentry.org.features.discard("team-roles")
    lead = fake_sentry.org.add_member("lead@example.org", teams=["backend"])
    answer = http.put(_role_path(lead.id, "backend"), json={"teamRole": "admin"})
    assert (answer.status_code, answer.json()["teamRole"]) == (200, None)
    assert lead.team_roles["backend"] is None


def test_a_teams_members_carry_their_stored_team_role_and_the_teams_slug(
        fake_sentry: FakeSentry, http: httpx.Client) -> None:
    """team_members.py: base member fields plus teamRole and teamSlug, by email, paginated,
    approved invitations included; the member list and detail as their serializers say."""
    org = fake_sentry.org
    zed = org.add_member("zed@example.org", teams=["backend"])
    amy = org.add_member("amy@example.org", role="manager", teams=["backend", "web"])
    new = org.add_member("new@example.org", teams=["backend"], pending=True)
    other = org.add_member("other@example.org", teams=["web"])
    zed.team_roles["backend"] = "admin"
    path = "/api/0/teams/dbca/backend/members/"
    first = http.get(path, params={"per_page": 2})
    rest = http.get(path, params={"per_page": 2, "cursor": "0:2:0"}).json()
    items = [*first.json(), *rest]
    assert 'results="true"' in first.headers["Link"]
    assert [(i["email"], i["teamRole"], i["teamSlug"]) for i in items] == [
        ("amy@example.org", None, "backend"), ("new@example.org", None, "backend"),
        ("zed@example.org", "admin", "backend")]
    assert (items[1]["id"], items[1]["pending"], items[1]["user"]) == (new.id, True, None)
    assert not any({"teams", "teamRoles"} & set(item) for item in items)
    by_id = http.get(f"/api/0/teams/dbca/{org.teams['web'].id}/members/").json()
    assert {i["id"] for i in by_id} == {amy.id, other.id}
    assert http.get("/api/0/teams/dbca/nope/members/").status_code == 404
    detail = http.get(f"{ORG}members/{zed.id}/").json()
    assert (detail["teams"], detail["teamRoles"]) == (["backend"],
                                                     [{"teamSlug": "backend", "role": "admin"}])


def test_sentry_of_2022_lists_a_teams_members_with_team_roles_in_one_page(
        fake_sentry: FakeSentry, http: httpx.Client) -> None:
    org = fake_sentry.org
    org.older_team_members = True
    lead = org.add_member("lead@example.org", teams=["backend"], name="Zoe")
    org.add_member("dev@example.org", teams=["backend"], name="Adam")
    lead.team_roles["backend"] = "admin"
    answer = http.get("/api/0/teams/dbca/backend/members/", params={"per_page": 1})
    assert "Link" not in answer.headers
    assert [(i["name"], i["teamRoles"]) for i in answer.json()] == [
        ("Adam", [{"teamSlug": "backend", "role": None}]),
        ("Zoe", [{"teamSlug": "backend", "role": "admin"}])]


def test_spike_protection_is_turned_on_and_off_per_project(fake_sentry: FakeSentry,
                                                           http: httpx.Client) -> None:
    path = ORG + "spike-protections/"
    assert http.post(path, json={"projects": ["api"]}).status_code == 201
    assert fake_sentry.org.projects["api"].options[DISABLED] is False
    off = http.request("DELETE", path, json={"projects": ["api"]})
    assert off.status_code == 200 and fake_sentry.org.projects["api"].options[DISABLED] is True
    options = http.get("/api/0/projects/dbca/api/").json()["options"]
    assert options[DISABLED] is True
    assert http.post(path, json={}).json() == {"projects": ["This field is required."]}
    assert http.post(path, json={"projects": ["nope"]}).status_code == 400


def _action(**fields: Any) -> dict[str, Any]:
    return {"triggerType": "spike-protection", "projects": ["api"], **fields}


def test_a_notification_action_is_validated_as_its_serializer_does(
        fake_sentry: FakeSentry, http: httpx.Client) -> None:
    slack = next(i for i in fake_sentry.org.integrations.values() if i.provider == "slack")
    pagerduty = next(i for i in fake_sentry.org.integrations.values()
                     if i.provider == "pagerduty")
    cases = [
        (_action(triggerType="spikes", serviceType="slack"),
         {"triggerType": ["Invalid trigger selected. Choose from 'audit-log' and "
                          "'spike-protection'."]}),
        (_action(serviceType="slack"),
         {"integrationId": ["Service type of 'slack' requires providing an active integration "
                            "id"]}),
        (_action(serviceType="slack", integrationId=int(pagerduty.id), targetDisplay="#ops"),
         {"integrationId": ["Integration of provider 'pagerduty' does not match service type "
                            "of 'slack'"]}),
        (_action(serviceType="slack", integrationId=int(slack.id)),
         {"targetDisplay": ["Did not receive a slack user or channel name."]}),
        (_action(serviceType="msteams", integrationId=int(slack.id)),
         {"integrationId": ["Integration of provider 'slack' does not match service type of "
                            "'msteams'"]}),
        (_action(serviceType="discord"),
         {"non_field_errors": ["Combination of trigger_type, service_type and target_type has "
                               "not been registered."]}),
        (_action(serviceType="pagerduty", integrationId=int(pagerduty.id),
                 targetIdentifier="999"),
         {"targetIdentifier": ["Could not find associated PagerDuty service for the 'DBCA "
                               "PagerDuty' account. If it exists, ensure Sentry has access."]}),
        (_action(serviceType="sentry_notification", projects=["nope"]),
         {"projects": ["Invalid project"]}),
    ]
    for body, errors in cases:
        answer = http.post(ACTIONS, json=body)
        assert (answer.status_code, answer.json()) == (400, errors), body
    assert fake_sentry.org.notification_actions == {}


def test_a_notification_action_round_trip(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    org = fake_sentry.org
    slack = next(i for i in org.integrations.values() if i.provider == "slack")
    made = http.post(ACTIONS, json=_action(serviceType="slack", integrationId=int(slack.id),
                                           targetDisplay="#ops"))
    assert made.status_code == 201
    action = made.json()
    assert action["targetIdentifier"].startswith("C")  # Sentry looked the channel up
    assert action["projects"] == [int(org.projects["api"].id)]
    listed = http.get(ACTIONS, params={"triggerType": "spike-protection"}).json()
    assert [a["id"] for a in listed] == [action["id"]]
    assert http.get(ACTIONS, params={"triggerType": "audit-log"}).json() == []
    # PUT overwrites everything: projects left out are cleared.
    put = http.put(f"{ACTIONS}{action['id']}/", json={
        "triggerType": "spike-protection", "serviceType": "sentry_notification",
        "targetIdentifier": "default", "targetDisplay": "default"})
    assert put.status_code == 202 and put.json()["projects"] == []
    assert put.json()["serviceType"] == "sentry_notification"
    assert http.delete(f"{ACTIONS}{action['id']}/").status_code == 204
    assert http.get(f"{ACTIONS}{action['id']}/").status_code == 404


def test_a_keys_rate_limit_is_answered_only_when_both_numbers_are_set(
        fake_sentry: FakeSentry) -> None:
    project = fake_sentry.org.add_project("web2")
    key = fake_sentry.org.add_key(project, "production")
    assert project_key(project, key, "h")["rateLimit"] is None
    key.rate_limit_count, key.rate_limit_window = 1000, 0
    assert project_key(project, key, "h")["rateLimit"] is None  # ProjectKeySerializer
    key.rate_limit_window = 60
    assert project_key(project, key, "h")["rateLimit"] == {"window": 60, "count": 1000}
