"""The fake answers uptime monitors on the detectors endpoint as Sentry's validators do
(``tests/fake_sentry/uptime_checks.py`` names where each rule lives)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN

ORG = "/api/0/organizations/dbca/"
CREATE = ORG + "projects/web/detectors/"

UPTIME: dict[str, Any] = {
    "name": "Website [production]",
    "type": "uptime_domain_failure",
    "enabled": True,
    "dataSources": [{"url": "https://example.org/", "intervalSeconds": 60, "timeoutMs": 5000,
                     "method": "GET", "headers": [["Accept", "text/html"]], "body": None}],
    "config": {"mode": 1, "environment": "production", "recoveryThreshold": 1,
               "downtimeThreshold": 3},
}


@pytest.fixture
def http(fake_sentry: FakeSentry) -> Iterator[httpx.Client]:
    fake_sentry.org.add_team("backend")
    fake_sentry.org.add_project("web", teams=["backend"], environments=["production"])
    with httpx.Client(base_url=fake_sentry.url,
                      headers={"Authorization": f"Bearer {FAKE_TOKEN}"}) as client:
        yield client


def _with(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(UPTIME)
    for path, value in changes.items():
        where: Any = body
        *parents, last = path.split("__")
        for part in parents:
            where = where[int(part)] if part.isdigit() else where[part]
        where[last] = value
    return body


def test_create_answers_the_subscription_and_config(http: httpx.Client) -> None:
    made = http.post(CREATE, json=UPTIME)
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["type"] == "uptime_domain_failure" and body["enabled"] is True
    (source,) = body["dataSources"]
    assert source["type"] == "uptime_subscription"
    assert source["queryObj"] == {"url": "https://example.org/", "method": "GET", "body": None,
                                  "headers": [["Accept", "text/html"]], "intervalSeconds": 60,
                                  "timeoutMs": 5000, "traceSampling": False, "assertion": None}
    assert body["config"] == {"mode": 1, "environment": "production", "recoveryThreshold": 1,
                              "downtimeThreshold": 3}
    listed = http.get(ORG + "detectors/", params={"query": "type:uptime_domain_failure",
                                                  "project": body["projectId"]}).json()
    assert [d["id"] for d in listed] == [body["id"]]


def test_defaults_and_sentry_turning_a_new_monitor_on(http: httpx.Client) -> None:
    body = _with(enabled=False, config={"environment": "production"})
    del body["dataSources"][0]["method"], body["dataSources"][0]["headers"]
    made = http.post(CREATE, json=body).json()
    assert made["enabled"] is True  # create() ignores it; enable_uptime_detector turns it on
    assert made["config"]["recoveryThreshold"] == 1 and made["config"]["downtimeThreshold"] == 3
    assert made["dataSources"][0]["queryObj"]["method"] == "GET"
    off = http.put(ORG + f"detectors/{made['id']}/", json={"enabled": False})
    assert off.status_code == 200 and off.json()["enabled"] is False


@pytest.mark.parametrize(("changes", "errors"), [
    ({"dataSources__0__intervalSeconds": 90},
     {"dataSources": {"0": {"intervalSeconds": ['"90" is not a valid choice.']}}}),
    ({"dataSources__0__intervalSeconds": 60.0},  # DRF looks the choice up as text: "60.0"
     {"dataSources": {"0": {"intervalSeconds": ['"60.0" is not a valid choice.']}}}),
    ({"dataSources__0__timeoutMs": 60001},
     {"dataSources": {"0": {"timeoutMs": [
         "Ensure this value is less than or equal to 60000."]}}}),
    ({"dataSources__0__timeoutMs": 999},
     {"dataSources": {"0": {"timeoutMs": [
         "Ensure this value is greater than or equal to 1000."]}}}),
    ({"dataSources__0__url": "not a url"},
     {"dataSources": {"0": {"url": ["Enter a valid URL."]}}}),
    ({"dataSources__0__url": "https://example.org/" + "a" * 250},
     {"dataSources": {"0": {"url": ["Ensure this field has no more than 255 characters."]}}}),
    ({"dataSources__0__method": "get"},
     {"dataSources": {"0": {"method": ['"get" is not a valid choice.']}}}),
    ({"dataSources__0__headers": {"Accept": "text/html"}},
     {"dataSources": {"0": {"headers": ["Expected array of header tuples."]}}}),
    ({"dataSources__0__body": "x" * 1000},
     {"dataSources": {"0": {"nonFieldErrors": [
         "Request is too large, max size is 1000 bytes"]}}}),
    ({"dataSources": [UPTIME["dataSources"][0]] * 2},
     {"dataSources": ["Only one data source is allowed for this detector type."]}),
    ({"config__mode": 2}, {"config": ["Only superusers can modify `mode`"]}),
    ({"config__downtimeThreshold": 0},
     {"config": {"downtimeThreshold": ["Ensure this value is greater than or equal to 1."]}}),
    ({"name": "x" * 201}, {"name": ["Ensure this field has no more than 200 characters."]}),
])
def test_refusals(http: httpx.Client, changes: dict[str, Any], errors: dict[str, Any]) -> None:
    answer = http.post(CREATE, json=_with(**changes))
    assert (answer.status_code, answer.json()) == (400, errors)


def test_a_config_left_out_fails_the_group_types_schema(http: httpx.Client) -> None:
    body = _with()
    del body["config"]
    answer = http.post(CREATE, json=body)
    assert answer.status_code == 400
    assert answer.json() == {"config": ["'mode' is a required property"]}


def test_put_keeps_what_it_leaves_out(http: httpx.Client) -> None:
    made = http.post(CREATE, json=UPTIME).json()
    path = ORG + f"detectors/{made['id']}/"
    changed = http.put(path, json={"dataSources": [{"url": "https://example.org/health/"}],
                                   "config": {"downtimeThreshold": 5}})
    assert changed.status_code == 200, changed.text
    query = changed.json()["dataSources"][0]["queryObj"]
    assert (query["url"], query["intervalSeconds"], query["headers"]) == (
        "https://example.org/health/", 60, [["Accept", "text/html"]])
    assert changed.json()["config"] == {"mode": 1, "environment": "production",
                                        "recoveryThreshold": 1, "downtimeThreshold": 5}
    assert http.put(path, json={"type": "metric_issue"}).status_code == 400


def test_without_a_free_seat_a_new_monitor_stays_off(fake_sentry: FakeSentry,
                                                     http: httpx.Client) -> None:
    fake_sentry.org.uptime_seats = 1
    first = http.post(CREATE, json=UPTIME).json()
    second = http.post(CREATE, json=_with(name="Second")).json()
    assert (first["enabled"], second["enabled"]) == (True, False)
    refused = http.put(ORG + f"detectors/{second['id']}/", json={"enabled": True})
    assert (refused.status_code, refused.json()) == (400, {"enabled": ["No seats available"]})


LEGACY = "/api/0/projects/dbca/web/uptime/"
FLAT: dict[str, Any] = {"name": "Website [production]", "environment": "production",
                        "url": "https://example.org/", "intervalSeconds": 300,
                        "timeoutMs": 5000, "owner": None}


@pytest.mark.parametrize("thresholds", [True, False])
def test_the_project_uptime_endpoint_of_older_sentry(fake_sentry: FakeSentry, http: httpx.Client,
                                                     thresholds: bool) -> None:
    fake_sentry.org.uptime_thresholds = thresholds
    made = http.post(LEGACY, json={**FLAT, "downtimeThreshold": 2})
    assert made.status_code == 200, made.text  # self.respond: not 201
    body = made.json()
    assert (body["url"], body["intervalSeconds"], body["status"], body["environment"]) == (
        "https://example.org/", 300, "active", "production")
    assert ("downtimeThreshold" in body) is thresholds  # older releases drop it, unseen
    if thresholds:
        assert body["downtimeThreshold"] == 2
    path = LEGACY + f"{body['id']}/"
    paused = http.put(path, json={"status": "disabled"})
    assert paused.status_code == 200 and paused.json()["url"] == "https://example.org/"
    assert paused.json()["status"] == "disabled"
    project = fake_sentry.org.projects["web"].id
    listed = http.get(ORG + "uptime/", params={"project": project}).json()
    assert [m["id"] for m in listed] == [body["id"]] and listed[0] == paused.json()
    # The same monitor is a detector to newer Sentry's detectors endpoint.
    assert http.get(ORG + f"detectors/{body['id']}/").json()["type"] == "uptime_domain_failure"
    assert http.put(path, json={"mode": 1}).json() == {
        "mode": ["Mode can only be specified on creation (for now)"]}
    assert http.delete(path).status_code == 202
    assert http.get(path).status_code == 404


@pytest.mark.parametrize(("changes", "errors"), [
    ({"name": "x" * 129}, {"name": ["Ensure this field has no more than 128 characters."]}),
    ({"mode": 2}, {"mode": ["Only superusers can modify `mode`"]}),
    ({"status": "paused"}, {"status": ['"paused" is not a valid choice.']}),
    ({"intervalSeconds": 300.0}, {"intervalSeconds": ['"300.0" is not a valid choice.']}),
    ({"url": "ftp:/example.org"}, {"url": ["Enter a valid URL."]}),
])
def test_the_project_uptime_endpoint_refuses(http: httpx.Client, changes: dict[str, Any],
                                             errors: dict[str, Any]) -> None:
    answer = http.post(LEGACY, json={**FLAT, **changes})
    assert (answer.status_code, answer.json()) == (400, errors)


def test_the_project_uptime_endpoint_has_an_organisation_limit(fake_sentry: FakeSentry,
                                                               http: httpx.Client) -> None:
    for n in range(100):
        assert http.post(LEGACY, json={**FLAT, "name": f"Site {n}"}).status_code == 200
    refused = http.post(LEGACY, json={**FLAT, "name": "One more"})
    assert (refused.status_code, refused.json()) == (400, {"nonFieldErrors": [
        "You may have at most 100 uptime monitors per organization"]})
