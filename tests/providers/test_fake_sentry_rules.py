"""Rules the fake enforces because Sentry's source does (each test names the Sentry code)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN

ORG = "/api/0/organizations/dbca/"
WORKFLOWS = ORG + "workflows/"
DETECTORS = ORG + "detectors/"
CREATE_DETECTOR = ORG + "projects/web/detectors/"
MONITORS = ORG + "monitors/"
DASHBOARDS = ORG + "dashboards/"
PERFORMANCE = "/api/0/projects/dbca/web/performance-issues/configure/"
HIGH = {"type": "issue_priority_greater_or_equal", "comparison": 75, "conditionResult": True}
FIRST_SEEN = {"type": "first_seen_event", "comparison": True, "conditionResult": True}
METRIC: dict[str, Any] = {
    "name": "Errors",
    "type": "metric_issue",
    "dataSources": [{"queryType": 0, "dataset": "events", "aggregate": "count()", "query": "",
                     "timeWindow": 60, "environment": None, "eventTypes": ["error"]}],
    "config": {"detectionType": "static"},
    "conditionGroup": {"logicType": "any", "conditions": [
        {"type": "gt", "comparison": 10, "conditionResult": 75},
        {"type": "lte", "comparison": 10, "conditionResult": 0},
    ]},
}  # fmt: skip


@pytest.fixture
def http(fake_sentry: FakeSentry) -> Iterator[httpx.Client]:
    fake_sentry.org.add_team("backend")
    fake_sentry.org.add_project("web", teams=["backend"], environments=["production"])
    with httpx.Client(
        base_url=fake_sentry.url, headers={"Authorization": f"Bearer {FAKE_TOKEN}"}
    ) as client:
        yield client


def _email(fake: FakeSentry) -> dict[str, Any]:
    team = fake.org.teams["backend"].id
    return {"type": "email", "data": {}, "config": {"targetType": "team", "targetIdentifier": team}}


def _workflow(fake: FakeSentry, *conditions: dict[str, Any], **changes: Any) -> dict[str, Any]:
    body = {
        "name": "rule",
        "config": {"frequency": 30},
        "triggers": {"logicType": "any-short", "conditions": [FIRST_SEEN]},
        "actionFilters": [
            {"logicType": "all", "conditions": list(conditions), "actions": [_email(fake)]}
        ],
    }
    body.update(changes)
    return body


@pytest.mark.parametrize("left_out", ["config", "triggers", "actionFilters"])
def test_a_workflow_post_without_config_triggers_or_filters_is_a_500(
    fake_sentry: FakeSentry, http: httpx.Client, left_out: str
) -> None:
    """WorkflowValidator.create indexes validated_value[...] for all three."""
    body = _workflow(fake_sentry)
    del body[left_out]

    assert http.post(WORKFLOWS, json=body).status_code == 500
    assert fake_sentry.org.workflows == {}


@pytest.mark.parametrize(
    ("frequency", "accepted"), [(0, True), (30.0, True), (30.5, False), ("30", False)]
)
def test_workflow_frequency_is_a_json_schema_integer(
    fake_sentry: FakeSentry, http: httpx.Client, frequency: Any, accepted: bool
) -> None:
    """models/workflow.py Workflow.config_schema: integer, minimum 0 (jsonschema's integer
    takes 30.0)."""
    response = http.post(WORKFLOWS, json=_workflow(fake_sentry, config={"frequency": frequency}))

    assert (response.status_code == 201) is accepted, response.text


def test_a_workflow_put_is_not_partial(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    """organization_workflow_details.py put: no partial=True, so name is required and enabled
    falls back to its default; config left out is kept."""
    created = http.post(WORKFLOWS, json=_workflow(fake_sentry, enabled=False)).json()
    path = f"{WORKFLOWS}{created['id']}/"

    nameless = http.put(path, json={"config": {"frequency": 5}})
    renamed = http.put(path, json={"name": "renamed"})

    assert nameless.json() == {"name": ["This field is required."]}
    assert renamed.json()["enabled"] is True and renamed.json()["config"] == {"frequency": 30}


@pytest.mark.parametrize(
    ("condition", "accepted"),
    [
        ({"type": "issue_priority_deescalating", "comparison": 75}, True),
        ({"type": "issue_priority_deescalating", "comparison": True}, False),
        ({"type": "issue_priority_deescalating", "comparison": 60}, False),
        ({"type": "issue_category", "comparison": {"value": 1, "include": False}}, True),
        ({"type": "issue_category", "comparison": {"value": 99}}, False),
        ({"type": "issue_category", "comparison": {"value": "1"}}, False),
        ({"type": "issue_category", "comparison": {"value": 1, "other": 1}}, False),
        ({"type": "event_frequency_percent",
          "comparison": {"value": 12.5, "interval": "1h", "comparisonInterval": "1d"}}, False),
        ({"type": "event_frequency_percent",
          "comparison": {"value": 12, "interval": "1h", "comparisonInterval": "1d"}}, True),
        ({"type": "event_unique_user_frequency_count",
          "comparison": {"value": 10, "interval": "1h", "filters": []}}, True),
        ({"type": "percent_sessions_count", "comparison": {"value": 12.5, "interval": "1h"}},
         True),
        ({"type": "age_comparison",
          "comparison": {"time": "day", "value": 0, "comparisonType": "older"}}, True),
        ({"type": "age_comparison",
          "comparison": {"time": "day", "value": 1.5, "comparisonType": "older"}}, False),
        ({"type": "issue_occurrences", "comparison": {"value": 10}}, True),
        ({"type": "issue_occurrences", "comparison": {"value": -1}}, False),
        ({"type": "level", "comparison": {"level": 40, "match": "co"}}, True),
        ({"type": "level", "comparison": {"level": 45, "match": "eq"}}, False),
        ({"type": "tagged_event", "comparison": {"key": "env", "match": "is"}}, True),
        ({"type": "tagged_event", "comparison": {"key": "env", "match": "is", "value": "x"}},
         False),
        ({"type": "tagged_event", "comparison": {"key": "env", "match": "eq"}}, False),
        ({"type": "tagged_event", "comparison": {"key": "a b", "match": "eq", "value": "x"}},
         False),
        # a trigger type in an action filter: no such check in BaseDataConditionValidator
        ({"type": "first_seen_event", "comparison": True}, False),  # but logic "all", see below
    ],
)  # fmt: skip
def test_action_filter_comparison_schemas(
    fake_sentry: FakeSentry, http: httpx.Client, condition: dict[str, Any], accepted: bool
) -> None:
    """workflow_engine/handlers/condition/*_handler.py comparison_json_schema."""
    body = _workflow(fake_sentry, {**condition, "conditionResult": True})

    response = http.post(WORKFLOWS, json=body)

    assert (response.status_code == 201) is accepted, response.text


def test_a_trigger_type_in_a_short_circuit_filter_is_accepted(
    fake_sentry: FakeSentry, http: httpx.Client
) -> None:
    """Only base/data_condition_group.py _validate_logic_type looks at trigger types."""
    body = _workflow(fake_sentry, FIRST_SEEN, triggers={"logicType": "any", "conditions": [HIGH]})
    body["actionFilters"][0]["logicType"] = "any-short"

    assert http.post(WORKFLOWS, json=body).status_code == 201


def test_ticket_additional_fields_keep_their_keys(
    fake_sentry: FakeSentry, http: httpx.Client
) -> None:
    """base.py _OPAQUE_DICT_KEYS: the keys inside additionalFields are not case-converted."""
    jira = fake_sentry.org.add_integration("jira")
    action = {
        "type": "jira", "integrationId": jira.id, "config": {"targetType": "specific"},
        "data": {"additionalFields": {"fixVersions": ["1"], "issue_type": "Bug"},
                 "dynamicFormFields": []},
    }  # fmt: skip
    body = _workflow(fake_sentry)
    body["actionFilters"][0]["actions"] = [action]

    response = http.post(WORKFLOWS, json=body)

    assert response.status_code == 201, response.text
    stored = fake_sentry.org.workflows[response.json()["id"]].action_filters[0]["actions"][0]
    assert stored["data"]["additional_fields"] == {"fixVersions": ["1"], "issue_type": "Bug"}
    (sent,) = response.json()["actionFilters"][0]["actions"]
    assert sent["data"]["additionalFields"] == {"fixVersions": ["1"], "issue_type": "Bug"}


def test_email_to_issue_owners_may_carry_an_identifier(
    fake_sentry: FakeSentry, http: httpx.Client
) -> None:
    """email_handler.py config_schema: target_identifier is string or null; only user and team
    require it, and target_display must be null."""
    body = _workflow(fake_sentry)
    action = {"type": "email", "data": {"fallthroughType": "ActiveMembers"},
              "config": {"targetType": "issue_owners", "targetIdentifier": ""}}  # fmt: skip
    body["actionFilters"][0]["actions"] = [action]
    shown = copy.deepcopy(body)
    shown["actionFilters"][0]["actions"][0]["config"] = {
        "targetType": "team", "targetIdentifier": "1", "targetDisplay": "backend"}

    assert http.post(WORKFLOWS, json=body).status_code == 201
    assert http.post(WORKFLOWS, json=shown).json() == {
        "actionFilters": {"config": ["'backend' is not of type 'null'"]}
    }


@pytest.mark.parametrize(
    ("conditions", "errors"),
    [
        (
            [{"type": "gt", "comparison": "10", "conditionResult": 75},
             {"type": "lte", "comparison": 10, "conditionResult": 0}],
            {"conditionGroup": {"conditions": [
                {"comparison": ["A valid number or dict is required."]}, {}]}},
        ),
        (
            [{"type": "gt", "comparison": {"value": 1}, "conditionResult": 75},
             {"type": "lte", "comparison": 10, "conditionResult": 0}],
            {"conditionGroup": {"conditions": [{"comparison": [
                "Condition Operators should implement their own validators for comparison"]}, {}]}},
        ),
        (
            [{"type": "gt", "comparison": 10, "conditionResult": "0"}],
            {"conditionGroup": {"conditions": [
                "Resolution condition required for metric issue detector."]}},
        ),
    ],
)  # fmt: skip
def test_metric_condition_rules(
    http: httpx.Client, conditions: list[dict[str, Any]], errors: Any
) -> None:
    """incidents/metric_issue_detector.py MetricIssueComparisonConditionValidator and
    MetricIssueConditionGroupValidator (the resolution check compares the raw value)."""
    body = {**METRIC, "conditionGroup": {"logicType": "any", "conditions": conditions}}

    response = http.post(CREATE_DETECTOR, json=body)

    assert (response.status_code, response.json()) == (400, errors)


def test_metric_config_keeps_what_its_open_schema_allows(http: httpx.Client) -> None:
    """incidents/metric_issue.py config_schema: only detection_type is required, no
    additionalProperties: false, and no "percent needs a delta" rule."""
    body = {**METRIC, "config": {"detectionType": "percent", "extra": 1}}

    response = http.post(CREATE_DETECTOR, json=body)

    assert response.status_code == 201, response.text
    assert response.json()["config"] == {
        "detectionType": "percent", "comparisonDelta": None, "extra": 1}


def test_a_short_eap_window_is_not_refused(http: httpx.Client) -> None:
    """snuba_query_validator.py: _validate_time_window runs inside _validate_snql_query, which
    EAP datasets skip."""
    source = {"queryType": 1, "dataset": "events_analytics_platform",
              "aggregate": "count(span.duration)", "query": "", "timeWindow": 60,
              "environment": None, "eventTypes": ["trace_item_span"]}  # fmt: skip

    assert http.post(CREATE_DETECTOR, json={**METRIC, "dataSources": [source]}).status_code == 201


def test_workflow_ids_of_a_monitor_put(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    """organization_detector_details.py put: a null workflowIds keeps the links; bad items are
    wrapped twice; unknown ids are refused while saving (a bare list)."""
    workflow = http.post(WORKFLOWS, json=_workflow(fake_sentry)).json()["id"]
    detector = http.post(CREATE_DETECTOR, json={**METRIC, "workflowIds": [workflow]}).json()
    path = f"{DETECTORS}{detector['id']}/"

    kept = http.put(path, json={"workflowIds": None})
    bad = http.put(path, json={"workflowIds": ["x"]})
    unknown = http.put(path, json={"workflowIds": [999]})

    assert kept.json()["workflowIds"] == [workflow]
    assert bad.json() == {"workflowIds": {"workflowIds": {"0": ["A valid integer is required."]}}}
    assert (unknown.status_code, unknown.json()) == (400, ["Some workflows do not exist: {999}"])


def test_the_checkin_margin_zero_becomes_one(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    """monitors/validators.py MissedMarginField.to_internal_value."""
    body = {"project": "web", "name": "nightly", "config": {
        "schedule_type": "crontab", "schedule": "0 2 * * *", "checkin_margin": 0,
        "max_runtime": ""}}  # fmt: skip

    response = http.post(MONITORS, json=body)

    assert response.status_code == 201, response.text
    assert response.json()["config"]["checkin_margin"] == 1
    assert response.json()["config"]["max_runtime"] is None  # EmptyIntegerField


def test_a_null_layout_key_is_skipped(http: httpx.Client) -> None:
    """api/serializers/rest_framework/dashboard.py LayoutField.to_internal_value."""
    widget = {"title": "Errors", "displayType": "line", "widgetType": "error-events",
              "layout": {"x": 0, "y": 0, "w": 2, "h": 2, "minH": None},
              "queries": [{"fields": ["count()"], "conditions": "", "aggregates": ["count()"],
                           "columns": []}]}  # fmt: skip

    response = http.post(DASHBOARDS, json={"title": "Board", "widgets": [widget]})

    assert response.status_code == 201, response.text
    assert response.json()["widgets"][0]["layout"] == {"x": 0, "y": 0, "w": 2, "h": 2}


def test_the_fcp_ratio_is_a_drf_float(fake_sentry: FakeSentry, http: httpx.Client) -> None:
    """project_performance_issue_settings.py: render_blocking_fcp_ratio is a FloatField."""
    response = http.put(PERFORMANCE, json={"render_blocking_fcp_ratio": "0.5"})

    assert response.status_code == 200, response.text
    assert fake_sentry.org.projects["web"].performance == {"render_blocking_fcp_ratio": 0.5}
