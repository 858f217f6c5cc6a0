"""providers.wire on its own: paths, Sentry's number types, and nulls the wire dropped."""

from __future__ import annotations

from typing import Any

import pytest
from pulumi.output import UNKNOWN, Unknown

from sentry_iac.providers.alerting import ALERT_WIRE, MONITOR_WIRE
from sentry_iac.providers.crons import CRON_WIRE
from sentry_iac.providers.dashboards import DASHBOARD_WIRE
from sentry_iac.providers.kinds import KINDS
from sentry_iac.providers.wire import NUMBER, WHOLE, WireTypes

TYPES = WireTypes(numbers={"a.b[].c": WHOLE, "a.ratio": NUMBER, "deep.**": WHOLE},
                  nulls=("a.description", "a.b[].note"))


def test_whole_doubles_become_ints_and_numbers_stay_as_they_came() -> None:
    props: dict[str, Any] = {"a": {"b": [{"c": 60.0}, {"c": 3}], "ratio": 0.33},
                             "deep": {"x": [{"y": 1.0}]}}
    out = TYPES.to_sentry(props)
    assert out["a"]["b"] == [{"c": 60, "note": None}, {"c": 3, "note": None}]
    assert isinstance(out["a"]["b"][0]["c"], int)
    assert out["a"]["ratio"] == 0.33 and out["deep"]["x"][0]["y"] == 1
    assert isinstance(out["deep"]["x"][0]["y"], int)
    assert out["a"]["description"] is None  # the wire dropped it; Sentry hears null
    assert props["a"]["b"][0]["c"] == 60.0  # the input is not changed


@pytest.mark.parametrize(("props", "message"), [
    ({"a": {"b": [{"c": 60.5}]}}, "a.b[0].c must be a whole number, not 60.5"),
    ({"a": {"b": [{"c": "60"}]}}, "a.b[0].c must be a whole number, not '60'"),
    ({"a": {"b": [{"c": True}]}}, "a.b[0].c must be a whole number, not True"),
    ({"a": {"ratio": "high"}}, "a.ratio must be a number, not 'high'"),
    ({"deep": {"x": 2.5}}, "deep.x must be a whole number, not 2.5"),
    ({"other": 5.0}, "other is not a number field Sentry takes, so 5.0 cannot be sent"),
])
def test_problems_name_the_field_and_what_is_allowed(props: dict[str, Any], message: str) -> None:
    assert [p.message for p in TYPES.problems(props)] == [message]


def test_a_subtree_type_leaves_text_alone_and_unknowns_are_not_judged() -> None:
    assert TYPES.problems({"deep": {"name": "text", "on": True}}) == []
    assert TYPES.problems({"a": {"b": [{"c": UNKNOWN}]}, "other": UNKNOWN}) == []
    assert TYPES.to_sentry({"a": UNKNOWN})["a"].__class__ is Unknown


def test_the_yaml_key_is_named_when_the_resource_says_where_the_field_came_from() -> None:
    props = {"monitor": {"config": {"checkin_margin": 1.5}},
             "sources": {"config.checkin_margin": "org.yaml:60:9: crons[0].checkin_margin"}}
    (problem,) = CRON_WIRE.problems(props)
    assert problem.top == "monitor"
    assert problem.message == ("org.yaml:60:9: crons[0].checkin_margin: "
                               "monitor.config.checkin_margin must be a whole number, not 1.5")


def test_every_kinds_numbers_are_sentrys_integers_where_sentry_wants_them() -> None:
    detector = MONITOR_WIRE.to_sentry({"detector": {
        "dataSources": [{"timeWindow": 60.0, "queryType": 0.0}],
        "conditionGroup": {"conditions": [{"comparison": 99.5, "conditionResult": 75.0}]},
        "config": {"comparisonDelta": 3600.0}}})["detector"]
    assert detector["dataSources"] == [{"timeWindow": 60, "queryType": 0}]
    assert detector["conditionGroup"]["conditions"] == [{"comparison": 99.5,
                                                         "conditionResult": 75}]
    assert type(detector["config"]["comparisonDelta"]) is int
    assert detector["description"] is None
    workflow = ALERT_WIRE.to_sentry({"workflow": {"config": {"frequency": 30.0}, "triggers": {
        "conditions": [{"comparison": {"value": 100.0, "interval": "1h"}}]}}})["workflow"]
    assert type(workflow["config"]["frequency"]) is int
    assert type(workflow["triggers"]["conditions"][0]["comparison"]["value"]) is int
    assert workflow["environment"] is None
    layout = DASHBOARD_WIRE.to_sentry({"widgets": [{"layout": {"x": 0.0, "w": 2.0}}]})
    assert [type(v) for v in layout["widgets"][0]["layout"].values()] == [int, int]
    cron = CRON_WIRE.to_sentry({"monitor": {"config": {"schedule": [6.0, "hour"]}}})
    assert cron["monitor"]["config"] == {
        "schedule": [6, "hour"], "checkin_margin": None, "max_runtime": None,
        "failure_issue_threshold": None, "recovery_threshold": None}
    assert type(cron["monitor"]["config"]["schedule"][0]) is int


@pytest.mark.parametrize("kind", KINDS, ids=[k.name for k in KINDS])
def test_settings_numbers_follow_sentrys_defaults(kind: Any) -> None:
    types = kind.wire_types()
    for key, default in kind.defaults.items():
        if isinstance(default, bool) or not isinstance(default, int | float):
            continue
        converted = types.to_sentry({"settings": {key: float(default)}})["settings"][key]
        assert type(converted) is type(default), key
