"""The legacy alert endpoints: issue alert ``rules`` and metric ``alert-rules`` (SENTRY_API.md 1-2).

Sentry deprecated them on 2026-05-14: every answer carries the deprecation headers, and during a
brownout (``FakeSentry.legacy_brownout = True``) they answer 410 (SENTRY_ALERTS_API.md section 6).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tests.fake_sentry.legacy_issue_rules import clean_issue_rule
from tests.fake_sentry.legacy_metric_rules import clean_metric_rule
from tests.fake_sentry.lookup import by_numeric_id, object_body, org_of, project_of
from tests.fake_sentry.pagination import paginated
from tests.fake_sentry.replies import HttpError, Reply, not_found
from tests.fake_sentry.state import DATE_CREATED, DATE_UPDATED, FakeLegacyRule, FakeOrganization
from tests.fake_sentry.validation import Invalid

if TYPE_CHECKING:
    from tests.fake_sentry.routes import Call

DEPRECATION_DATE = "2026-05-14T00:00:00+00:00"
GONE = {"message": "This API no longer exists."}
TOKEN_USER = {"id": 1, "name": "fake-sentry token", "email": "token@fake-sentry.invalid"}


def deprecated(replacement: str) -> Callable[[Callable[[Call], Reply]], Callable[[Call], Reply]]:
    """Add Sentry's deprecation headers; answer 410 while the fake is in a brownout."""

    def wrap(handler: Callable[[Call], Reply]) -> Callable[[Call], Reply]:
        def handle(call: Call) -> Reply:
            successor = f"/api/0/organizations/{call.org.slug}/{replacement}/"
            headers = {
                "X-Sentry-Deprecation-Date": DEPRECATION_DATE,
                "X-Sentry-Replacement-Endpoint": successor,
            }
            try:
                reply = Reply(410, GONE) if call.legacy_brownout else handler(call)
            except Invalid as exc:
                reply = Reply(400, exc.errors)
            except HttpError as exc:
                reply = exc.reply
            reply.headers.update(headers)
            return reply

        handle.__name__ = handler.__name__
        return handle

    return wrap


# -- issue alerts --------------------------------------------------------------------------------


def _issue_body(rule: FakeLegacyRule) -> dict[str, Any]:
    return {
        "id": rule.id,
        **rule.fields,
        "dateCreated": DATE_CREATED,
        "createdBy": None,
        "projects": [rule.project],
        "status": "active",
        "snooze": False,
        "lastTriggered": None,
    }


def _issue_rule(call: Call) -> FakeLegacyRule:
    project = project_of(call)
    rule = by_numeric_id(call.org.issue_rules, call.params["rule_id"])
    if rule.project != project.slug:
        raise not_found()  # another project's rule
    return rule


@deprecated("workflows")
def create_issue_rule(call: Call) -> Reply:
    project = project_of(call)
    fields = clean_issue_rule(call.org, object_body(call))
    rule = FakeLegacyRule(call.org.next_id(), project.slug, fields)
    call.org.issue_rules[rule.id] = rule
    return Reply(201, _issue_body(rule))  # 201 since the workflow-engine serializers; was 200


@deprecated("workflows")
def list_issue_rules(call: Call) -> Reply:
    project = project_of(call)
    items = [_issue_body(r) for r in call.org.issue_rules.values() if r.project == project.slug]
    return paginated(items, call.query, call.page_size, call.url)


@deprecated("workflows")
def get_issue_rule(call: Call) -> Reply:
    return Reply(200, _issue_body(_issue_rule(call)))


@deprecated("workflows")
def put_issue_rule(call: Call) -> Reply:
    rule = _issue_rule(call)
    rule.fields = clean_issue_rule(call.org, object_body(call))
    return Reply(200, _issue_body(rule))


@deprecated("workflows")
def delete_issue_rule(call: Call) -> Reply:
    del call.org.issue_rules[_issue_rule(call).id]
    return Reply(202)


# -- metric alerts -------------------------------------------------------------------------------


def _trigger(
    org: FakeOrganization, rule_id: str, trigger: dict[str, Any], resolve: Any
) -> dict[str, Any]:
    return {
        "id": trigger.get("id") or org.next_id(),
        "alertRuleId": rule_id,
        "label": trigger["label"],
        "alertThreshold": trigger["alertThreshold"],
        "resolveThreshold": resolve,
        "dateCreated": DATE_CREATED,
        "actions": [{"id": a.get("id") or org.next_id(), **a} for a in trigger["actions"]],
    }


def _metric_body(org: FakeOrganization, rule: FakeLegacyRule) -> dict[str, Any]:
    fields = rule.fields
    return {
        "id": rule.id,
        "organizationId": org.id,
        **{key: value for key, value in fields.items() if key != "triggers"},
        "triggers": [{**t, "thresholdType": fields["thresholdType"]} for t in fields["triggers"]],
        "dateCreated": DATE_CREATED,
        "dateModified": DATE_UPDATED,
        "createdBy": TOKEN_USER,
        "snooze": False,
        "status": 0,
    }


def _store_metric(org: FakeOrganization, rule_id: str, body: dict[str, Any]) -> FakeLegacyRule:
    fields = clean_metric_rule(org, body)
    fields["triggers"] = [
        _trigger(org, rule_id, t, fields["resolveThreshold"]) for t in fields["triggers"]
    ]
    rule = FakeLegacyRule(rule_id, None, fields)
    org.metric_rules[rule_id] = rule
    return rule


@deprecated("detectors")
def create_metric_rule(call: Call) -> Reply:
    org = org_of(call)
    rule = _store_metric(org, org.next_id(), object_body(call))
    return Reply(201, _metric_body(org, rule))


@deprecated("detectors")
def list_metric_rules(call: Call) -> Reply:
    org = org_of(call)
    items = [_metric_body(org, r) for r in org.metric_rules.values()]
    return paginated(items, call.query, call.page_size, call.url)


def _metric_rule(call: Call) -> FakeLegacyRule:
    return by_numeric_id(org_of(call).metric_rules, call.params["alert_rule_id"])


@deprecated("detectors")
def get_metric_rule(call: Call) -> Reply:
    return Reply(200, _metric_body(call.org, _metric_rule(call)))


@deprecated("detectors")
def put_metric_rule(call: Call) -> Reply:
    rule = _metric_rule(call)
    rule = _store_metric(call.org, rule.id, object_body(call))
    return Reply(200, _metric_body(call.org, rule))


@deprecated("detectors")
def delete_metric_rule(call: Call) -> Reply:
    del call.org.metric_rules[_metric_rule(call).id]
    return Reply(202)
