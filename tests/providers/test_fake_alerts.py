"""The fake answers the alerting API as Sentry does (SENTRY_ALERTS_API.md, SENTRY_API.md 1-2)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN

ORG = "/api/0/organizations/dbca/"
DETECTORS = ORG + "detectors/"
CREATE_DETECTOR = ORG + "projects/web/detectors/"
WORKFLOWS = ORG + "workflows/"
RULES = "/api/0/projects/dbca/web/rules/"
ALERT_RULES = ORG + "alert-rules/"

METRIC: dict[str, Any] = {
    "name": "Errors > 10/min",
    "type": "metric_issue",
    "dataSources": [
        {
            "queryType": 0,
            "dataset": "events",
            "aggregate": "count()",
            "query": "",
            "timeWindow": 60,
            "environment": "production",
            "eventTypes": ["error", "default"],
        }
    ],
    "config": {"detectionType": "static"},
    "conditionGroup": {
        "logicType": "any",
        "conditions": [
            {"type": "gt", "comparison": 10, "conditionResult": 75},
            {"type": "gt", "comparison": 5, "conditionResult": 50},
            {"type": "lte", "comparison": 5, "conditionResult": 0},
        ],
    },
}
FIRST_SEEN = {"type": "first_seen_event", "comparison": True, "conditionResult": True}
HIGH = {"type": "issue_priority_greater_or_equal", "comparison": 75, "conditionResult": True}


@pytest.fixture
def http(fake_sentry: FakeSentry) -> Iterator[httpx.Client]:
    org = fake_sentry.org
    org.add_team("backend")
    org.add_project("web", teams=["backend"], environments=["production", "test"])
    org.add_project("api", environments=["production"])
    with httpx.Client(
        base_url=fake_sentry.url, headers={"Authorization": f"Bearer {FAKE_TOKEN}"}
    ) as client:
        yield client


def metric(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(METRIC)
    body.update(changes)
    return body


def source(**changes: Any) -> dict[str, Any]:
    return {**METRIC["dataSources"][0], **changes}


def email_action(team_id: str) -> dict[str, Any]:
    return {
        "type": "email",
        "integrationId": None,
        "data": {},
        "config": {"targetType": "team", "targetIdentifier": team_id, "targetDisplay": None},
    }


def workflow(fake: FakeSentry, **changes: Any) -> dict[str, Any]:
    body = {
        "name": "web: new issues",
        "enabled": True,
        "environment": "production",
        "config": {"frequency": 30},
        "detectorIds": [fake.org.default_detector("web").id],
        "triggers": {"logicType": "any-short", "conditions": [FIRST_SEEN]},
        "actionFilters": [
            {
                "logicType": "all",
                "conditions": [HIGH],
                "actions": [email_action(fake.org.teams["backend"].id)],
            }
        ],
    }
    body.update(changes)
    return body


# -- monitors (detectors) ------------------------------------------------------------------------


def test_every_project_gets_the_system_monitors(
    fake_sentry: FakeSentry, http: httpx.Client
) -> None:
    web = fake_sentry.org.projects["web"]

    response = http.get(DETECTORS, params={"project": web.id})

    assert response.status_code == 200
    assert response.headers["X-Hits"] == "2"
    by_type = {d["type"]: d for d in response.json()}
    assert {t: d["name"] for t, d in by_type.items()} == {
        "error": "Error Monitor",
        "issue_stream": "Issue Stream",
    }
    for detector in by_type.values():
        assert detector["projectId"] == web.id
        assert (detector["dataSources"], detector["conditionGroup"], detector["config"]) == (
            None,
            None,
            {},
        )


@pytest.mark.parametrize(
    ("params", "names"),
    [
        ({"project": "web", "query": "type:error"}, ["Error Monitor"]),
        ({"project": "web", "query": "!type:error"}, ["Issue Stream", "Errors > 10/min"]),
        ({"project": "-1", "query": "type:issue_stream"}, ["Issue Stream", "Issue Stream"]),
        ({"query": "type:[error,metric_issue] 10/min"}, ["Errors > 10/min"]),
        ({"query": '!type:issue_stream type:metric_issue name:"errors >"'}, ["Errors > 10/min"]),
        ({"project": ["web", "api"], "query": "monitor"}, ["Error Monitor", "Error Monitor"]),
        ({"project": "api", "sortBy": "-name"}, ["Issue Stream", "Error Monitor"]),
    ],
)
def test_monitor_list_filters(http: httpx.Client, params: dict[str, Any], names: list[str]) -> None:
    assert http.post(CREATE_DETECTOR, json=METRIC).status_code == 201

    response = http.get(DETECTORS, params=params)

    assert response.status_code == 200
    assert [d["name"] for d in response.json()] == names


def test_monitor_list_by_id_and_its_errors(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    error = fake_sentry.org.default_detector("api", "error")

    assert [d["id"] for d in http.get(DETECTORS, params={"id": error.id}).json()] == [error.id]
    bad_id = http.get(DETECTORS, params={"id": "abc"})
    bad_sort = http.get(DETECTORS, params={"sortBy": "colour"})
    unknown_project = http.get(DETECTORS, params={"project": "nope"})
    assert (bad_id.status_code, bad_id.json()) == (400, {"id": ["Invalid ID format"]})
    assert (bad_sort.status_code, bad_sort.json()) == (400, {"sortBy": ["Invalid sort field"]})
    assert unknown_project.status_code == 403


def test_monitor_list_pages_with_link_and_hits(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    first = http.get(DETECTORS, params={"per_page": 3})
    second = http.get(DETECTORS, params={"per_page": 3, "cursor": "0:3:0"})

    assert first.headers["X-Hits"] == second.headers["X-Hits"] == "4"
    assert len(first.json()) == 3 and len(second.json()) == 1
    assert 'rel="next"; results="true"; cursor="0:3:0"' in first.headers["Link"]
    assert 'rel="next"; results="false"' in second.headers["Link"]


def test_create_metric_monitor(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    team = fake_sentry.org.teams["backend"]

    response = http.post(CREATE_DETECTOR, json=metric(owner=f"team:{team.id}"))

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["projectId"] == fake_sentry.org.projects["web"].id
    assert body["owner"] == {"type": "team", "id": team.id, "name": "backend"}
    assert body["config"] == {"detectionType": "static", "comparisonDelta": None}
    assert body["workflowIds"] == [] and body["enabled"] is True
    query = body["dataSources"][0]["queryObj"]["snubaQuery"]
    assert {k: query[k] for k in ("dataset", "aggregate", "timeWindow", "environment")} == {
        "dataset": "events",
        "aggregate": "count()",
        "timeWindow": 60,
        "environment": "production",
    }
    group = body["conditionGroup"]
    assert group["logicType"] == "any"
    conditions = sorted(group["conditions"], key=lambda c: int(c["id"]))
    assert [(c["type"], c["comparison"], c["conditionResult"]) for c in conditions] == [
        ("gt", 10.0, 75),
        ("gt", 5.0, 50),
        ("lte", 5.0, 0),
    ]
    assert all(isinstance(c["id"], str) for c in conditions)
    stored = fake_sentry.org.detectors[body["id"]]
    assert stored.data_source is not None and stored.data_source["query"]["time_window"] == 60


def test_monitor_accepts_snake_case_at_every_depth(
    fake_sentry: FakeSentry, http: httpx.Client
) -> None:
    body = {
        "name": "p95 duration",
        "type": "metric_issue",
        "data_sources": [
            {
                "query_type": 1,
                "dataset": "events_analytics_platform",
                "aggregate": "p95(span.duration)",
                "query": "is_transaction:true",
                "time_window": 300,
                "environment": None,
                "event_types": ["trace_item_span"],
            }
        ],
        "config": {"detection_type": "percent", "comparison_delta": 86400},
        "condition_group": {
            "logic_type": "all",
            "conditions": [
                {"type": "gt", "comparison": 150, "condition_result": 75},
                {"type": "lte", "comparison": 150, "condition_result": 0},
            ],
        },
    }

    response = http.post(CREATE_DETECTOR, json=body)

    assert response.status_code == 201, response.text
    answer = response.json()
    assert answer["config"] == {"detectionType": "percent", "comparisonDelta": 86400}
    assert answer["conditionGroup"]["logicType"] == "any"  # stored as "any" whatever is sent
    assert answer["dataSources"][0]["queryObj"]["snubaQuery"]["eventTypes"] == ["trace_item_span"]


def test_crash_rate_monitor_drops_event_types(http: httpx.Client) -> None:
    crash = source(
        queryType=2,
        dataset="metrics",
        aggregate="percentage(sessions_crashed, sessions) AS _crash_rate_alert_aggregate",
        timeWindow=3600,
        eventTypes=["error"],
    )

    response = http.post(CREATE_DETECTOR, json=metric(dataSources=[crash]))

    assert response.status_code == 201, response.text
    assert response.json()["dataSources"][0]["queryObj"]["snubaQuery"]["eventTypes"] == []


TOO_MANY = [{"type": "gt", "comparison": n, "conditionResult": 75} for n in (1, 2, 3)]


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"type": None}, {"type": ["This field is required."]}),
        ({"type": "nonsense"}, {"type": ["Unknown detector type 'nonsense'"]}),
        ({"type": "issue_stream"}, {"type": ["Detector type not compatible with detectors"]}),
        (  # ErrorDetectorValidator.validate_condition_group
            {"type": "error"},
            {"conditionGroup": ["Condition group is not supported for error detectors"]},
        ),
        ({"name": "x" * 201}, {"name": ["Ensure this field has no more than 200 characters."]}),
        ({"conditionGroup": None}, {"conditionGroup": ["This field is required."]}),
        (
            {
                "conditionGroup": {
                    "logicType": "any",
                    "conditions": [
                        *TOO_MANY,
                        {"type": "lte", "comparison": 1, "conditionResult": 0},
                    ],
                }
            },
            {"nonFieldErrors": ["Too many conditions"]},
        ),
        (
            {"conditionGroup": {"logicType": "any", "conditions": TOO_MANY[:1]}},
            {
                "conditionGroup": {
                    "conditions": ["Resolution condition required for metric issue detector."]
                }
            },
        ),
        (
            {
                "conditionGroup": {
                    "logicType": "any",
                    "conditions": [
                        {"type": "above", "comparison": 1, "conditionResult": 75},
                        {"type": "eq", "comparison": 1, "conditionResult": 75},
                        {"type": "lte", "comparison": 1, "conditionResult": 25},
                    ],
                }
            },
            {
                "conditionGroup": {
                    "conditions": [
                        {"type": ['"above" is not a valid choice.']},  # the ChoiceField
                        {"type": ["Unsupported type eq"]},
                        {"conditionResult": ["Unsupported condition result"]},
                    ]
                }
            },
        ),
        (
            {
                "conditionGroup": {
                    "logicType": "any",
                    "conditions": [{"type": "gt", "comparison": "ten", "conditionResult": 0}],
                }
            },
            {
                "conditionGroup": {
                    "conditions": [{"comparison": ["A valid number or dict is required."]}]
                }
            },
        ),
        ({"config": {}}, {"config": ["'detection_type' is a required property"]}),
        (
            {"config": {"detectionType": "weekly"}},
            {"config": ["'weekly' is not one of ['static', 'percent', 'dynamic']"]},
        ),
        (
            {"config": {"detectionType": "percent", "comparisonDelta": 1000}},
            {"config": ["1000 is not one of [300, 900, 3600, 86400, 604800, 2592000, None]"]},
        ),
        (
            {"dataSources": [source(environment="staging")]},
            {
                "dataSources": {
                    "0": {"environment": ["Environment is not part of this organization"]}
                }
            },
        ),
        (
            {"dataSources": [source(queryType=1)]},
            {
                "dataSources": {
                    "0": {
                        "nonFieldErrors": [
                            "Invalid dataset for this query type. Valid datasets are "
                            "['eventsanalyticsplatform', 'performancemetrics', 'transactions']"
                        ]
                    }
                }
            },
        ),
        (
            {"dataSources": [source(eventTypes=["transaction"])]},
            {
                "dataSources": {
                    "0": {
                        "nonFieldErrors": [
                            "Invalid event types for this dataset. "
                            "Valid event types are ['default', 'error']"
                        ]
                    }
                }
            },
        ),
        (
            {
                "dataSources": [
                    source(
                        queryType=2,
                        dataset="metrics",
                        aggregate="percentage(users_crashed, users)",
                        timeWindow=600,
                        eventTypes=[],
                    )
                ]
            },
            {
                "dataSources": {
                    "0": {
                        "nonFieldErrors": [
                            "Invalid Time Window: Allowed time windows for crash rate alerts are: "
                            "30min, 1h, 2h, 4h, 12h and 24h"
                        ]
                    }
                }
            },
        ),
        (
            {"dataSources": [source(query="release:latest")]},
            {
                "dataSources": {
                    "0": {
                        "query": [
                            "Unsupported Query: We do not currently support the release:latest "
                            "query"
                        ]
                    }
                }
            },
        ),
        (
            {"workflowIds": [999]},
            ["Some workflows do not exist: {999}"],  # raised while saving: a bare list
        ),
        (
            {"conditionGroup": {"logicType": "any", "conditions": []}},
            {
                "conditionGroup": {
                    "conditions": ["Resolution condition required for metric issue detector."]
                }
            },
        ),
    ],
)
def test_metric_monitor_validation(
    fake_sentry: FakeSentry, http: httpx.Client, changes: dict[str, Any], errors: Any
) -> None:
    body = metric(**changes)
    body = {key: value for key, value in body.items() if value is not None}

    response = http.post(CREATE_DETECTOR, json=body)

    assert (response.status_code, response.json()) == (400, errors)
    assert {d.type for d in fake_sentry.org.detectors.values()} == {"error", "issue_stream"}


def test_monitor_validation_refusals_outside_the_field_errors(http: httpx.Client) -> None:
    both = http.post(CREATE_DETECTOR, json=metric(timeWindow=1, time_window=2))
    dataset = http.post(CREATE_DETECTOR, json=metric(dataSources=[source(dataset="sessionz")]))
    transactions = http.post(
        CREATE_DETECTOR,
        json=metric(dataSources=[source(dataset="transactions", queryType=1, eventTypes=[])]),
    )

    assert both.json() == {
        "timeWindow": "timeWindow collides with time_window, please pass only one value"
    }
    assert dataset.json()["dataSources"]["0"]["dataset"][0].startswith(
        "Invalid dataset, valid values are ['events', 'transactions'"
    )
    assert transactions.status_code == 400
    assert transactions.json()[0].startswith("Creation of transaction-based alerts is disabled")


def test_monitor_get_put_delete(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    created = http.post(CREATE_DETECTOR, json=METRIC).json()
    path = f"{DETECTORS}{created['id']}/"

    renamed = http.put(path, json={"name": "Renamed", "enabled": False})
    fetched = http.get(path)
    deleted = http.delete(path)

    assert renamed.status_code == 200
    assert (renamed.json()["name"], renamed.json()["type"], renamed.json()["enabled"]) == (
        "Renamed",
        "metric_issue",
        False,
    )
    assert fetched.json()["dataSources"] == renamed.json()["dataSources"]
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert http.get(path).status_code == 404
    assert created["id"] not in fake_sentry.org.detectors


def test_monitor_put_changes_only_what_it_sends(
    fake_sentry: FakeSentry, http: httpx.Client
) -> None:
    created = http.post(CREATE_DETECTOR, json=METRIC).json()
    path = f"{DETECTORS}{created['id']}/"
    conditions = sorted(created["conditionGroup"]["conditions"], key=lambda c: int(c["id"]))
    kept = {**conditions[0], "comparison": 20}

    response = http.put(
        path,
        json={
            "dataSources": [{"timeWindow": 300}],
            "conditionGroup": {
                "logicType": "any",
                "conditions": [kept, {"type": "lte", "comparison": 20, "conditionResult": 0}],
            },
        },
    )

    assert response.status_code == 200, response.text
    body = response.json()
    query = body["dataSources"][0]["queryObj"]["snubaQuery"]
    assert (query["timeWindow"], query["aggregate"]) == (300, "count()")
    by_id = {c["id"]: c for c in body["conditionGroup"]["conditions"]}
    assert by_id[kept["id"]]["comparison"] == 20.0  # updated in place, same id
    assert len(by_id) == 2 and conditions[1]["id"] not in by_id  # left out: deleted


def test_monitor_paths_take_numeric_ids_only(http: httpx.Client) -> None:
    for path in (DETECTORS + "abc/", DETECTORS + "99999/", WORKFLOWS + "abc/"):
        assert http.get(path).status_code == 404


def test_system_monitors_are_not_renamed_nor_deleted(
    fake_sentry: FakeSentry, http: httpx.Client
) -> None:
    error = fake_sentry.org.default_detector("web", "error")
    path = f"{DETECTORS}{error.id}/"

    same_name = http.put(path, json={"name": error.name, "enabled": False})
    renamed = http.put(path, json={"name": "Errors (web)"})
    stream = http.put(f"{DETECTORS}{fake_sentry.org.default_detector('web').id}/", json={})
    deleted = http.delete(path)
    bulk = http.delete(DETECTORS, params={"project": "web"})

    # ErrorDetectorValidator: no renames, and its update ignores `enabled`
    assert same_name.status_code == 200 and same_name.json()["enabled"] is True
    assert renamed.json() == {"name": ["Name changes are not supported for error detectors"]}
    assert stream.json() == {"type": ["Detector type not compatible with detectors"]}
    assert deleted.status_code == bulk.status_code == 403
    assert error.id in fake_sentry.org.detectors


def test_monitor_workflow_ids_are_the_exact_link_set(
    fake_sentry: FakeSentry, http: httpx.Client
) -> None:
    first = http.post(WORKFLOWS, json=workflow(fake_sentry, detectorIds=[])).json()["id"]
    second = http.post(WORKFLOWS, json=workflow(fake_sentry, detectorIds=[])).json()["id"]
    created = http.post(CREATE_DETECTOR, json=metric(workflowIds=[first, int(second)])).json()
    path = f"{DETECTORS}{created['id']}/"

    unchanged = http.put(path, json={"name": "Same links"})
    replaced = http.put(path, json={"workflowIds": [second]})
    ignored = http.put(path, json={"workflow_ids": []})  # only the camelCase key is read

    assert created["workflowIds"] == sorted([first, second], key=int)
    assert unchanged.json()["workflowIds"] == sorted([first, second], key=int)
    assert replaced.json()["workflowIds"] == [second]
    assert ignored.json()["workflowIds"] == [second]
    assert fake_sentry.org.detector_ids_of(second) == [created["id"]]


def test_monitor_bulk_update_and_delete(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    one = http.post(CREATE_DETECTOR, json=metric(name="one")).json()["id"]
    two = http.post(CREATE_DETECTOR, json=metric(name="two")).json()["id"]

    no_filter = http.put(DETECTORS, json={"enabled": False})
    missing = http.put(DETECTORS, params={"id": [one, "99999"]}, json={"enabled": False})
    disabled = http.put(DETECTORS, params={"query": "type:metric_issue"}, json={"enabled": False})
    nothing = http.put(
        DETECTORS, params={"query": "type:uptime_domain_failure"}, json={"enabled": True}
    )
    no_body = http.put(DETECTORS, params={"id": one}, json={})
    removed = http.delete(DETECTORS, params={"id": [one, two]})

    assert no_filter.status_code == 400
    assert missing.json() == {
        "detail": "Some detectors were not found or you do not have permission to update them."
    }
    assert disabled.status_code == 200 and disabled.headers["X-Hits"] == "2"
    assert {d["enabled"] for d in disabled.json()} == {False}
    assert (nothing.status_code, nothing.json()) == (200, {"detail": "No detectors found."})
    assert no_body.json() == {"enabled": ["This field is required."]}
    assert removed.status_code == 204
    assert {one, two} & set(fake_sentry.org.detectors) == set()


def test_conditions_come_back_shuffled_but_reproducibly(
    fake_sentry: FakeSentry, http: httpx.Client
) -> None:
    created = http.post(CREATE_DETECTOR, json=METRIC).json()
    path = f"{DETECTORS}{created['id']}/"
    orders = [
        [c["id"] for c in http.get(path).json()["conditionGroup"]["conditions"]] for _ in range(6)
    ]

    assert len({tuple(order) for order in orders}) > 1  # not a stable order
    assert all(sorted(order) == sorted(orders[0]) for order in orders)
    fake_sentry.org.shuffle_reads = False
    stable = [c["id"] for c in http.get(path).json()["conditionGroup"]["conditions"]]
    assert stable == sorted(stable, key=int)


# -- alerts (workflows) --------------------------------------------------------------------------


def test_create_alert_with_every_kind_of_action(
    fake_sentry: FakeSentry, http: httpx.Client
) -> None:
    org = fake_sentry.org
    pagerduty = org.add_integration("pagerduty", name="DBCA PagerDuty", services=["SPMS"])
    teams = org.add_integration("msteams", name="DBCA")
    github = org.add_integration("github", name="dbca-wa")
    slack = org.add_integration("slack", name="dbca")
    service = str(pagerduty.config_data["service_table"][0]["id"])
    actions = [
        email_action(org.teams["backend"].id),
        {
            "type": "msteams",
            "integrationId": teams.id,
            "data": {},
            "config": {"targetType": "specific", "targetIdentifier": "19:a", "targetDisplay": "x"},
        },
        {
            "type": "pagerduty",
            "integrationId": int(pagerduty.id),
            "data": {"priority": "critical"},
            "config": {
                "targetType": "specific",
                "targetIdentifier": service,
                "targetDisplay": "SPMS",
            },
        },
        {
            "type": "github",
            "integrationId": github.id,
            "data": {"additionalFields": {"repo": "dbca-wa/spms"}, "dynamicFormFields": []},
            "config": {"targetType": "specific"},
        },
        {
            "type": "slack",
            "integrationId": slack.id,
            "data": {"tags": "environment,level"},
            "config": {
                "targetType": "specific",
                "targetIdentifier": "C01",
                "targetDisplay": "alerts",
            },
        },
    ]
    filters = [{"logicType": "any-short", "conditions": [HIGH], "actions": actions}]

    response = http.post(WORKFLOWS, json=workflow(fake_sentry, actionFilters=filters))

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["detectorIds"] == [org.default_detector("web").id]
    assert body["config"] == {"frequency": 30} and body["enabled"] is True
    by_type = {a["type"]: a for a in body["actionFilters"][0]["actions"]}
    assert by_type["pagerduty"]["integrationId"] == pagerduty.id  # ids always strings
    assert by_type["slack"]["config"]["targetDisplay"] == "#alerts"
    assert by_type["github"]["data"] == {
        "additionalFields": {"repo": "dbca-wa/spms"},
        "dynamicFormFields": [],
    }
    assert by_type["email"]["config"] == {
        "targetType": "team",
        "targetIdentifier": org.teams["backend"].id,
        "targetDisplay": None,
    }
    assert (
        fake_sentry.org.workflows[body["id"]].action_filters[0]["actions"][4]["config"][
            "target_display"
        ]
        == "alerts"
    )


def test_alert_accepts_snake_case_and_frequency_filters(
    fake_sentry: FakeSentry, http: httpx.Client
) -> None:
    condition = {
        "type": "event_frequency_percent",
        "comparison": {"value": 50, "interval": "1h", "comparison_interval": "1d"},
        "condition_result": True,
    }
    body = {
        "name": "spikes",
        "detectorIds": [],
        "config": {"frequency": 0},  # WorkflowValidator.create indexes it: leaving it out is a 500
        "triggers": {"logic_type": "any-short", "conditions": []},
        "action_filters": [
            {
                "logic_type": "all",
                "conditions": [condition],
                "actions": [email_action(fake_sentry.org.teams["backend"].id)],
            }
        ],
    }

    response = http.post(WORKFLOWS, json=body)

    assert response.status_code == 201, response.text
    (sent,) = response.json()["actionFilters"][0]["conditions"]
    assert sent["comparison"] == {"value": 50, "interval": "1h", "comparisonInterval": "1d"}


def _filter(condition: dict[str, Any], team_id: str = "1") -> list[dict[str, Any]]:
    return [{"logicType": "all", "conditions": [condition], "actions": [email_action(team_id)]}]


def _action_filter(action: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"logicType": "all", "conditions": [], "actions": [action]}]


def _condition(kind: str, comparison: Any) -> dict[str, Any]:
    return {"type": kind, "comparison": comparison, "conditionResult": True}


def _filter_error(errors: dict[str, Any]) -> dict[str, Any]:
    """validate_action_filters raises on the first bad condition: a dict, not a list."""
    return {"actionFilters": {"conditions": errors}}


def _comparison_error(value: dict[str, Any]) -> dict[str, Any]:
    """Sentry quotes the snake_cased comparison as Python prints it."""
    message = f"Value, {value} does not match JSON Schema for comparison"
    return _filter_error({"comparison": [message]})


def _action_error(errors: dict[str, Any]) -> dict[str, Any]:
    """validate_action_filters raises on the first bad action: its errors, unnested."""
    return {"actionFilters": errors}


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"name": None}, {"name": ["This field is required."]}),
        ({"name": "x" * 257}, {"name": ["Ensure this field has no more than 256 characters."]}),
        (
            {"config": {"frequency": 30, "interval": "1h"}},
            {"config": ["Additional properties are not allowed ('interval' was unexpected)"]},
        ),
        ({"config": {"frequency": -1}}, {"config": ["-1 is less than the minimum of 0"]}),
        (
            {"environment": "staging"},
            {"environment": ["Environment is not part of this organization"]},
        ),
        (  # _validate_logic_type, raised while saving: a bare list
            {"triggers": {"logicType": "all", "conditions": [FIRST_SEEN]}},
            ["Triggers' logic type must be 'any-short'"],
        ),
        (
            {"actionFilters": [{"logicType": "all", "conditions": [FIRST_SEEN], "actions": []}]},
            ["Triggers' logic type must be 'any-short'"],
        ),
        (
            {
                "triggers": {
                    "logicType": "any-short",
                    "conditions": [{"type": "gt", "comparison": 1, "conditionResult": True}],
                }
            },
            {
                "triggers": {
                    "conditions": {
                        "comparison": [
                            "Condition Operators should implement their own validators for "
                            "comparison"
                        ],
                        "conditionResult": [
                            "Condition Operators should implement their own validation for "
                            "condition_result"
                        ],
                    }
                }
            },
        ),
        (
            {"triggers": {"logicType": "sometimes", "conditions": []}},
            {"triggers": {"logicType": ['"sometimes" is not a valid choice.']}},
        ),
        (
            {
                "actionFilters": _filter(
                    _condition("event_frequency_count", {"value": 10, "interval": "1hr"})
                )
            },
            _comparison_error({"value": 10, "interval": "1hr"}),
        ),
        (
            {
                "actionFilters": _filter(
                    _condition(
                        "event_frequency_percent",
                        {"value": 10, "interval": "1h", "comparisonInterval": "1m"},
                    )
                )
            },
            _comparison_error({"value": 10, "interval": "1h", "comparison_interval": "1m"}),
        ),
        (
            {
                "actionFilters": _filter(
                    _condition("tagged_event", {"key": "x", "match": "eq", "colour": 1})
                )
            },
            _comparison_error({"key": "x", "match": "eq", "colour": 1}),
        ),
        (
            {"actionFilters": _filter({**HIGH, "conditionResult": 1})},
            _filter_error(
                {"conditionResult": ["Value, 1, does not match JSON Schema for condition result"]}
            ),
        ),
        (
            {"actionFilters": _filter(_condition("moon_phase", True))},
            _filter_error({"type": ['"moon_phase" is not a valid choice.']}),
        ),
        (
            {"actionFilters": [{"logicType": "all", "conditions": []}]},
            {"actionFilters": ["Missing actions key in action filter"]},
        ),
        (
            {"actionFilters": _action_filter({**email_action("1"), "integrationId": "5"})},
            _action_error(
                {"nonFieldErrors": ["Integration ID is not allowed for action type email"]}
            ),
        ),
        (
            {
                "actionFilters": _action_filter(
                    {
                        "type": "slack",
                        "data": {},
                        "config": {
                            "targetType": "specific",
                            "targetIdentifier": "C1",
                            "targetDisplay": "a",
                        },
                    }
                )
            },
            _action_error(
                {"nonFieldErrors": ["Integration ID is required for action type slack"]}
            ),
        ),
        (
            {"actionFilters": _action_filter({"type": "plugin", "data": {}, "config": {}})},
            _action_error({"type": ["Action type plugin is deprecated and cannot be created."]}),
        ),
        (
            {"actionFilters": _action_filter({**email_action("1"), "type": "carrier_pigeon"})},
            _action_error({"type": ['"carrier_pigeon" is not a valid choice.']}),
        ),
        (
            {"detectorIds": [12345]},
            ["Some detectors do not exist: {12345}"],
        ),
    ],
)
def test_alert_validation(
    fake_sentry: FakeSentry, http: httpx.Client, changes: dict[str, Any], errors: Any
) -> None:
    body = {
        key: value for key, value in workflow(fake_sentry, **changes).items() if value is not None
    }

    response = http.post(WORKFLOWS, json=body)

    assert (response.status_code, response.json()) == (400, errors)
    assert fake_sentry.org.workflows == {}


INTEGRATION_CASES = [
    ("msteams", {"tags": "a"}, "Additional properties are not allowed ('tags' was unexpected)",
     "data"),
    ("msteams", None, "This field may not be null.", "data"),
    ("pagerduty", {"priority": "urgent"},
     "'urgent' is not one of ['default', 'critical', 'warning', 'error', 'info']", "data"),
    ("slack", {}, "'target_display' is a required property", "config"),
    ("github", {}, "'C1' is not of type 'null'", "config"),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "data", "message", "field"), INTEGRATION_CASES)
def test_alert_action_schemas(
    fake_sentry: FakeSentry,
    http: httpx.Client,
    kind: str,
    data: Any,
    message: str,
    field: str,
) -> None:
    integration = fake_sentry.org.add_integration(kind)
    config = {"targetType": "specific", "targetIdentifier": "C1", "targetDisplay": "a"}
    if kind == "slack":
        del config["targetDisplay"]
    action = {"type": kind, "integrationId": integration.id, "config": config, "data": data or {}}
    if data is None:
        action["data"] = None

    response = http.post(
        WORKFLOWS, json=workflow(fake_sentry, actionFilters=_action_filter(action))
    )

    assert (response.status_code, response.json()) == (400, _action_error({field: [message]}))


def test_alert_put_arrays_are_authoritative(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    team = fake_sentry.org.teams["backend"].id
    two_filters = [
        {"logicType": "all", "conditions": [HIGH], "actions": [email_action(team)]},
        {"logicType": "any-short", "conditions": [], "actions": [email_action(team)]},
    ]
    created = http.post(WORKFLOWS, json=workflow(fake_sentry, actionFilters=two_filters)).json()
    path = f"{WORKFLOWS}{created['id']}/"
    first = min(created["actionFilters"], key=lambda f: int(f["id"]))
    kept = {**first, "logicType": "none"}

    updated = http.put(path, json={"name": "renamed", "enabled": False, "actionFilters": [kept]})
    enabled_again = http.put(path, json={"name": "renamed"})

    assert updated.status_code == 200, updated.text
    (only,) = updated.json()["actionFilters"]
    assert (only["id"], only["logicType"]) == (first["id"], "none")
    assert only["actions"][0]["id"] == first["actions"][0]["id"]
    assert updated.json()["enabled"] is False
    assert enabled_again.json()["enabled"] is True  # left out, enabled defaults to true
    assert enabled_again.json()["actionFilters"] == updated.json()["actionFilters"]
    assert enabled_again.json()["triggers"]["conditions"] == created["triggers"]["conditions"]


def test_alert_put_refuses_ids_of_other_alerts(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    one = http.post(WORKFLOWS, json=workflow(fake_sentry)).json()
    two = http.post(WORKFLOWS, json=workflow(fake_sentry)).json()
    foreign = one["actionFilters"][0]

    response = http.put(f"{WORKFLOWS}{two['id']}/", json={"name": "x", "actionFilters": [foreign]})
    missing_name = http.put(f"{WORKFLOWS}{two['id']}/", json={"enabled": True})

    # _validate_action_filter_ownership runs while saving: a bare list
    assert response.json() == [
        f"Action filter ID {foreign['id']} does not belong to this workflow"
    ]
    assert missing_name.json() == {"name": ["This field is required."]}


def test_alert_detector_ids_set_or_keep_the_links(
    fake_sentry: FakeSentry, http: httpx.Client
) -> None:
    org = fake_sentry.org
    web, api = org.default_detector("web"), org.default_detector("api")
    created = http.post(WORKFLOWS, json=workflow(fake_sentry, detectorIds=[web.id])).json()
    path = f"{WORKFLOWS}{created['id']}/"

    kept = http.put(path, json={"name": "x"})
    replaced = http.put(path, json={"name": "x", "detectorIds": [api.id, int(web.id)]})
    emptied = http.put(path, json={"name": "x", "detectorIds": []})

    assert kept.json()["detectorIds"] == [web.id]
    assert replaced.json()["detectorIds"] == sorted([web.id, api.id], key=int)
    assert emptied.json()["detectorIds"] == []
    assert org.workflow_ids_of(web.id) == []


def test_alert_list_filters_and_pages(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    org = fake_sentry.org
    web = http.post(WORKFLOWS, json=workflow(fake_sentry, name="web alert")).json()["id"]
    api_body = workflow(fake_sentry, name="api alert", detectorIds=[org.default_detector("api").id])
    api = http.post(WORKFLOWS, json=api_body).json()["id"]
    orphan = http.post(WORKFLOWS, json=workflow(fake_sentry, name="orphan", detectorIds=[])).json()[
        "id"
    ]

    def ids(**params: Any) -> list[str]:
        response = http.get(WORKFLOWS, params=params)
        assert response.status_code == 200, response.text
        return [w["id"] for w in response.json()]

    assert ids(project=org.projects["web"].id) == [web, orphan]  # orphans match any project
    assert ids(projectSlug="api") == [api, orphan]
    assert ids(detector=org.default_detector("api").id) == [api]
    assert ids(id=[web, api]) == [web, api]
    assert ids(query="alert") == [web, api]
    assert ids(query="action:email", sortBy="-name") == [web, orphan, api]
    page = http.get(WORKFLOWS, params={"per_page": 2})
    assert page.headers["X-Hits"] == "3" and len(page.json()) == 2
    assert 'results="true"; cursor="0:2:0"' in page.headers["Link"]


def test_alert_get_delete_and_bulk(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    one = http.post(WORKFLOWS, json=workflow(fake_sentry, name="one")).json()["id"]
    two = http.post(WORKFLOWS, json=workflow(fake_sentry, name="two")).json()["id"]

    fetched = http.get(f"{WORKFLOWS}{one}/")
    no_filter = http.put(WORKFLOWS, json={"enabled": False})
    disabled = http.put(WORKFLOWS, params={"id": [one, two]}, json={"enabled": False})
    none_found = http.delete(WORKFLOWS, params={"query": "nothing-like-this"})
    deleted = http.delete(f"{WORKFLOWS}{one}/")
    bulk_deleted = http.delete(WORKFLOWS, params={"id": two})

    assert fetched.json()["name"] == "one"
    assert no_filter.json() == {
        "detail": "At least one of 'id', 'query', 'project', or 'projectSlug' must be provided."
    }
    assert {w["enabled"] for w in disabled.json()} == {False}
    assert (none_found.status_code, none_found.json()) == (200, {"detail": "No workflows found."})
    assert deleted.status_code == bulk_deleted.status_code == 204
    assert fake_sentry.org.workflows == {} and fake_sentry.org.links == set()


def test_action_filters_come_back_shuffled(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    team = fake_sentry.org.teams["backend"].id
    filters = [
        {
            "logicType": "all",
            "conditions": [{**HIGH, "comparison": p}],
            "actions": [email_action(team)],
        }
        for p in (25, 50, 75)
    ]
    created = http.post(WORKFLOWS, json=workflow(fake_sentry, actionFilters=filters)).json()
    orders = [
        tuple(f["id"] for f in http.get(f"{WORKFLOWS}{created['id']}/").json()["actionFilters"])
        for _ in range(6)
    ]

    assert len(set(orders)) > 1
    assert {frozenset(order) for order in orders} == {
        frozenset(f["id"] for f in created["actionFilters"])
    }


# -- integrations and members --------------------------------------------------------------------


def test_integrations_by_provider(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    org = fake_sentry.org
    pagerduty = org.add_integration("pagerduty", name="DBCA PagerDuty", services=["SPMS", "Other"])
    org.add_integration("msteams", name="DBCA")
    org.add_integration("github", name="dbca-wa")

    (found,) = http.get(ORG + "integrations/", params={"provider_key": "pagerduty"}).json()
    camel = http.get(ORG + "integrations/", params={"providerKey": "msteams"}).json()
    everything = http.get(ORG + "integrations/").json()

    assert (found["id"], found["name"], found["status"]) == (
        pagerduty.id,
        "DBCA PagerDuty",
        "active",
    )
    assert found["provider"]["key"] == "pagerduty" and found["provider"]["name"] == "PagerDuty"
    table = found["configData"]["service_table"]
    assert [row["service"] for row in table] == ["SPMS", "Other"]
    assert all(set(row) == {"id", "service", "integration_key"} for row in table)
    assert [i["name"] for i in camel] == ["DBCA"]
    assert len(everything) == 3


def test_members_and_the_email_filter(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    org = fake_sentry.org
    lead = org.add_member("lead@dbca.example", role="manager", teams=["backend"])
    org.add_member("dev@dbca.example")
    org.add_member("invited@dbca.example", pending=True)

    (found,) = http.get(ORG + "members/", params={"query": "email:lead@dbca.example"}).json()
    invited = http.get(ORG + "members/", params={"query": "email:invited@dbca.example"}).json()
    page = http.get(ORG + "members/", params={"per_page": 2})

    assert found["id"] == lead.id and found["user"]["id"] == lead.user_id
    assert found["orgRole"] == "manager"
    # The base OrganizationMemberSerializer: a member's teams are not in the list.
    assert set(found) == {"id", "email", "name", "user", "role", "roleName", "orgRole",
                          "pending", "expired", "flags", "dateCreated", "inviteStatus",
                          "inviterName"}
    assert not any({"teams", "teamRoles"} & set(item) for item in page.json())
    assert invited[0]["user"] is None and invited[0]["pending"] is True
    assert len(page.json()) == 2 and 'results="true"' in page.headers["Link"]


def test_owners_must_belong_to_the_organisation(
    fake_sentry: FakeSentry, http: httpx.Client
) -> None:
    member = fake_sentry.org.add_member("lead@dbca.example")

    user_owned = http.post(CREATE_DETECTOR, json=metric(owner=f"user:{member.user_id}"))
    strangers = [
        http.post(CREATE_DETECTOR, json=metric(owner=owner)).json()
        for owner in ("team:999", "user:999", "group:1")
    ]

    assert user_owned.json()["owner"] == {
        "type": "user",
        "id": member.user_id,
        "name": "lead@dbca.example",
        "email": "lead@dbca.example",
    }
    assert strangers == [
        {"owner": ["Team is not a member of this organization"]},
        {"owner": ["User is not a member of this organization"]},
        {
            "owner": [
                "Could not parse actor. Format should be `type:id` where type is `team` or `user`."
            ]
        },
    ]


# -- legacy alert endpoints ----------------------------------------------------------------------

ISSUE_RULE = {
    "name": "New issues",
    "actionMatch": "any",
    "frequency": 30,
    "conditions": [{"id": "sentry.rules.conditions.first_seen_event.FirstSeenEventCondition"}],
    "actions": [
        {
            "id": "sentry.mail.actions.NotifyEmailAction",
            "targetType": "IssueOwners",
            "fallthroughType": "ActiveMembers",
            "name": "Send a notification to IssueOwners",
        }
    ],
}
METRIC_RULE: dict[str, Any] = {
    "name": "Errors",
    "aggregate": "count()",
    "query": "",
    "timeWindow": 60,
    "thresholdType": 0,
    "resolveThreshold": 5,
    "projects": ["web"],
    "environment": "production",
    "triggers": [
        {
            "label": "critical",
            "alertThreshold": 10,
            "actions": [{"type": "email", "targetType": "team", "targetIdentifier": "1"}],
        }
    ],
}


def test_legacy_issue_rule_lifecycle(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    created = http.post(RULES, json=ISSUE_RULE)
    rule_id = created.json()["id"]
    listed = http.get(RULES)
    updated = http.put(f"{RULES}{rule_id}/", json={**ISSUE_RULE, "frequency": 60})
    deleted = http.delete(f"{RULES}{rule_id}/")

    assert created.status_code == 201, created.text
    assert created.headers["x-sentry-deprecation-date"] == "2026-05-14T00:00:00+00:00"
    assert (
        created.headers["x-sentry-replacement-endpoint"] == "/api/0/organizations/dbca/workflows/"
    )
    assert "name" not in created.json()["actions"][0]  # node labels are not kept
    assert created.json()["filterMatch"] == "all" and created.json()["projects"] == ["web"]
    assert [r["id"] for r in listed.json()] == [rule_id]
    assert updated.json()["frequency"] == 60
    assert deleted.status_code == 202
    assert http.get(f"{RULES}{rule_id}/").status_code == 404


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        ({"frequency": 4}, {"frequency": ["Ensure this value is greater than or equal to 5."]}),
        (
            {"frequency": 43201},
            {"frequency": ["Ensure this value is less than or equal to 43200."]},
        ),
        ({"actionMatch": "most"}, {"actionMatch": ['"most" is not a valid choice.']}),
        ({"actions": []}, {"actions": ["You must add an action for this alert to fire."]}),
        (
            {"conditions": [{"id": "sentry.rules.conditions.nope.Nope"}]},
            {"conditions": ["Invalid node. Could not find 'sentry.rules.conditions.nope.Nope'"]},
        ),
        ({"conditions": [{"interval": "1h"}]}, {"conditions": ["Missing attribute 'id'"]}),
        (
            {
                "filters": [
                    {
                        "id": "sentry.rules.filters.issue_occurrences.IssueOccurrencesFilter",
                        "value": 5,
                    }
                ]
            },
            {
                "filterMatch": [
                    "Must select a filter match (all, any, none) if filters are supplied."
                ]
            },
        ),
        (
            {
                "conditions": [
                    {
                        "id": "sentry.rules.conditions.event_frequency.EventFrequencyCondition",
                        "value": 10,
                        "interval": "2h",
                    }
                ]
            },
            {"conditions": ["Select a valid choice. 2h is not one of the available choices."]},
        ),
        (
            {"actions": [{"id": "sentry.mail.actions.NotifyEmailAction", "targetType": "Team"}]},
            {"actions": ["You need to specify a Team or Member to send a mail to."]},
        ),
        ({"environment": "staging"}, {"environment": ["This environment has not been created."]}),
    ],
)
def test_legacy_issue_rule_validation(
    http: httpx.Client, changes: dict[str, Any], errors: dict[str, Any]
) -> None:
    response = http.post(RULES, json={**ISSUE_RULE, **changes})

    assert (response.status_code, response.json()) == (400, errors)


def test_legacy_metric_rule_lifecycle(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    created = http.post(ALERT_RULES, json=METRIC_RULE)
    rule_id = created.json()["id"]
    updated = http.put(f"{ALERT_RULES}{rule_id}/", json={**METRIC_RULE, "timeWindow": 1440})

    assert created.status_code == 201, created.text
    assert (
        created.headers["x-sentry-replacement-endpoint"] == "/api/0/organizations/dbca/detectors/"
    )
    assert created.json()["eventTypes"] == ["error", "default"]
    assert created.json()["triggers"][0]["label"] == "critical"
    assert updated.json()["timeWindow"] == 1440
    assert [r["id"] for r in http.get(ALERT_RULES).json()] == [rule_id]
    assert http.get(f"{ALERT_RULES}{rule_id}/").status_code == 200
    assert http.delete(f"{ALERT_RULES}{rule_id}/").status_code == 202
    assert fake_sentry.org.metric_rules == {}


WARNING = {
    "label": "warning",
    "alertThreshold": 20,
    "actions": METRIC_RULE["triggers"][0]["actions"],
}


@pytest.mark.parametrize(
    ("changes", "errors"),
    [
        (
            {"timeWindow": 1441},
            {"timeWindow": ["Ensure this value is less than or equal to 1440."]},
        ),
        ({"timeWindow": 0}, {"timeWindow": ["Ensure this value is greater than or equal to 1."]}),
        (
            {"thresholdType": 3},
            {"thresholdType": ["Invalid threshold type, valid values are [0, 1, 2]"]},
        ),
        ({"triggers": []}, {"triggers": ["Must include at least one trigger"]}),
        (
            {"triggers": [*METRIC_RULE["triggers"], WARNING, WARNING]},
            {
                "triggers": [
                    "Must send 1 or 2 triggers - A critical trigger, and an optional warning "
                    "trigger"
                ]
            },
        ),
        (
            {"triggers": [{**METRIC_RULE["triggers"][0], "label": "warning"}]},
            {"nonFieldErrors": ['Trigger 1 must be labeled "critical"']},
        ),
        (
            {"triggers": [{**METRIC_RULE["triggers"][0], "actions": []}]},
            {
                "nonFieldErrors": [
                    "Each trigger must have an associated action for this alert to fire."
                ]
            },
        ),
        (
            {"resolveThreshold": 12},
            {"nonFieldErrors": ["critical alert threshold must be above resolution threshold"]},
        ),
        (
            {"triggers": [*METRIC_RULE["triggers"], WARNING]},
            {
                "nonFieldErrors": [
                    "Critical trigger must have an alert threshold above warning trigger"
                ]
            },
        ),
        (
            {
                "dataset": "metrics",
                "aggregate": "percentage(sessions_crashed, sessions)",
                "timeWindow": 10,
            },
            {
                "nonFieldErrors": [
                    "Invalid Time Window: Allowed time windows for crash rate alerts are: "
                    "30min, 1h, 2h, 4h, 12h and 24h"
                ]
            },
        ),
        (
            {"environment": "staging"},
            {"environment": ["Environment is not part of this organization"]},
        ),
    ],
)
def test_legacy_metric_rule_validation(
    http: httpx.Client, changes: dict[str, Any], errors: dict[str, Any]
) -> None:
    response = http.post(ALERT_RULES, json={**METRIC_RULE, **changes})

    assert (response.status_code, response.json()) == (400, errors)


def test_legacy_threshold_checks_allow_integers_one_apart(http: httpx.Client) -> None:
    off_by_one = http.post(ALERT_RULES, json={**METRIC_RULE, "resolveThreshold": 11})
    too_far = http.post(ALERT_RULES, json={**METRIC_RULE, "resolveThreshold": 12})

    assert off_by_one.status_code == 201
    assert too_far.status_code == 400


def test_legacy_brownout_answers_410_with_the_replacement(
    fake_sentry: FakeSentry, http: httpx.Client
) -> None:
    fake_sentry.legacy_brownout = True

    answers = [http.get(RULES), http.post(ALERT_RULES, json=METRIC_RULE)]
    fake_sentry.legacy_brownout = False
    after = http.get(RULES)

    for answer, successor in zip(answers, ("workflows", "detectors"), strict=True):
        assert (answer.status_code, answer.json()) == (
            410,
            {"message": "This API no longer exists."},
        )
        assert answer.headers["x-sentry-deprecation-date"] == "2026-05-14T00:00:00+00:00"
        assert answer.headers["x-sentry-replacement-endpoint"] == (
            f"/api/0/organizations/dbca/{successor}/"
        )
    assert after.status_code == 200
    assert fake_sentry.org.metric_rules == {}
