"""Checks of legacy issue alert rules (``/projects/{org}/{project}/rules/``), SENTRY_API.md 2.

Conditions, filters and actions are "nodes" named by dotted class paths; a few node forms are
checked as Sentry's do, the rest only by id.

Sources (getsentry/sentry):

- ``src/sentry/api/serializers/rest_framework/rule.py``: ``RuleSetSerializer`` /
  ``RuleSerializer`` (``actionMatch`` / ``filterMatch`` ``ChoiceField``s, ``frequency``
  ``IntegerField(min_value=5, max_value=60 * 24 * 30)``, ``name`` max 256, ``environment``,
  ``owner`` ``ActorField``); ``validate``: "Must select a filter match (all, any, none) if
  filters are supplied."; ``validate_actions``: "You must add an action for this alert to
  fire."; ``RuleNodeField.to_internal_value``: "Incorrect type. Expected a mapping, but got
  <t>", "Missing attribute 'id'", "Invalid node. Could not find '<id>'", and the node's own
  form errors (``rules/conditions/*``, ``rules/filters/*``, ``mail/forms/notify_email.py``).
  The texts of the node forms ("Ensure all required fields are filled in.", the "Select a
  valid choice" of Django's ``ChoiceField``, "comparisonInterval is required when comparing
  by percent", "You need to specify a Team or Member to send a mail to.") were not traced to
  each form: source not found, from SENTRY_API.md §2.2-2.4.
- ``src/sentry/api/endpoints/project_rules.py`` ``ProjectRulesEndpoint.post``: "This
  environment has not been created." for an unknown environment (SENTRY_API.md §2.1).
- Node keys the forms do not declare are kept in the stored node (Sentry stores the node
  dict); the fake drops only ``name`` (a label), as Sentry's answer does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.fake_sentry.actors import check_owner
from tests.fake_sentry.state import FakeOrganization
from tests.fake_sentry.validation import REQUIRED, Invalid, integer, string

C = "sentry.rules.conditions."
F = "sentry.rules.filters."
# rules/conditions/event_frequency.py STANDARD_INTERVALS, PERCENT_INTERVALS, COMPARISON_INTERVALS
INTERVALS = ("1m", "5m", "15m", "1h", "1d", "1w", "30d")
PERCENT_INTERVALS = ("1m", "5m", "10m", "30m", "1h")
COMPARISON_INTERVALS = ("5m", "15m", "1h", "1d", "1w", "30d")
# rules/match.py MATCH_CHOICES
MATCHES = ("eq", "ne", "sw", "ew", "co", "nc", "is", "ns", "in", "nin", "nsw", "new")
FILL_IN = "Ensure all required fields are filled in."
NodeCheck = Callable[[dict[str, Any]], str | None]


def _choice(value: Any, choices: tuple[str, ...]) -> str | None:
    if value in choices:
        return None
    return f"Select a valid choice. {value} is not one of the available choices."


def _frequency(intervals: tuple[str, ...], percent_of_sessions: bool = False) -> NodeCheck:
    def check(node: dict[str, Any]) -> str | None:
        if "value" not in node or "interval" not in node:
            return FILL_IN
        problem = _choice(node["interval"], intervals)
        if problem:
            return problem
        node.setdefault("comparisonType", "count")  # Sentry fills it in on save
        if node.get("comparisonInterval") == "":
            del node["comparisonInterval"]
        if node["comparisonType"] == "percent":
            if "comparisonInterval" not in node:
                return "comparisonInterval is required when comparing by percent"
            return _choice(node["comparisonInterval"], COMPARISON_INTERVALS)
        if percent_of_sessions and float(node["value"]) > 100:
            return "Ensure this value is less than or equal to 100"
        return None

    return check


def _match(*required: str) -> NodeCheck:
    def check(node: dict[str, Any]) -> str | None:
        if any(name not in node for name in required) or "match" not in node:
            return FILL_IN
        problem = _choice(node["match"], MATCHES)
        if problem:
            return problem
        if node["match"] not in ("is", "ns") and node.get("value") in (None, ""):
            return FILL_IN
        return None

    return check


def _needs(*names: str) -> NodeCheck:
    return lambda node: FILL_IN if any(node.get(n) in (None, "") for n in names) else None


def _email(node: dict[str, Any]) -> str | None:
    target = node.get("targetType")
    if target not in ("IssueOwners", "Team", "Member"):
        return FILL_IN if target is None else _choice(target, ("IssueOwners", "Team", "Member"))
    if target != "IssueOwners" and node.get("targetIdentifier") in (None, ""):
        return "You need to specify a Team or Member to send a mail to."
    return None


def _none(node: dict[str, Any]) -> str | None:
    return None


CONDITIONS: dict[str, NodeCheck] = {
    C + "first_seen_event.FirstSeenEventCondition": _none,
    C + "regression_event.RegressionEventCondition": _none,
    C + "reappeared_event.ReappearedEventCondition": _none,
    C + "every_event.EveryEventCondition": _none,
    C + "high_priority_issue.NewHighPriorityIssueCondition": _none,
    C + "high_priority_issue.ExistingHighPriorityIssueCondition": _none,
    C + "event_frequency.EventFrequencyCondition": _frequency(INTERVALS),
    C + "event_frequency.EventUniqueUserFrequencyCondition": _frequency(INTERVALS),
    C + "event_frequency.EventFrequencyPercentCondition": _frequency(PERCENT_INTERVALS, True),
    C + "tagged_event.TaggedEventCondition": _match("key"),
    C + "event_attribute.EventAttributeCondition": _match("attribute"),
    C + "level.LevelCondition": _needs("match", "level"),
}
FILTERS: dict[str, NodeCheck] = {
    F + "age_comparison.AgeComparisonFilter": _needs("comparison_type", "value", "time"),
    F + "issue_occurrences.IssueOccurrencesFilter": _needs("value"),
    F + "assigned_to.AssignedToFilter": _needs("targetType"),
    F + "latest_release.LatestReleaseFilter": _none,
    F + "latest_adopted_release_filter.LatestAdoptedReleaseFilter": _needs(
        "oldest_or_newest", "older_or_newer", "environment"
    ),
    F + "issue_category.IssueCategoryFilter": _needs("value"),
    F + "issue_type.IssueTypeFilter": _needs("value"),
    F + "issue_severity.IssueSeverityFilter": _needs("value"),
    F + "tagged_event.TaggedEventFilter": _match("key"),
    F + "event_attribute.EventAttributeFilter": _match("attribute"),
    F + "level.LevelFilter": _needs("match", "level"),
}
ACTIONS: dict[str, NodeCheck] = {
    "sentry.mail.actions.NotifyEmailAction": _email,
    "sentry.integrations.slack.notify_action.SlackNotifyServiceAction": _needs(
        "workspace", "channel"
    ),
    "sentry.integrations.msteams.notify_action.MsTeamsNotifyServiceAction": _needs(
        "team", "channel"
    ),
    "sentry.integrations.discord.notify_action.DiscordNotifyServiceAction": _needs(
        "server", "channel_id"
    ),
    "sentry.integrations.pagerduty.notify_action.PagerDutyNotifyServiceAction": _needs(
        "account", "service"
    ),
    "sentry.integrations.opsgenie.notify_action.OpsgenieNotifyTeamAction": _needs(
        "account", "team"
    ),
    "sentry.integrations.github.notify_action.GitHubCreateTicketAction": _needs(
        "integration", "repo"
    ),
    "sentry.integrations.github_enterprise.notify_action."
    "GitHubEnterpriseCreateTicketAction": _needs("integration", "repo"),
    "sentry.integrations.jira.notify_action.JiraCreateTicketAction": _needs(
        "integration", "project"
    ),
    "sentry.integrations.jira_server.notify_action.JiraServerCreateTicketAction": _needs(
        "integration", "project"
    ),
    "sentry.integrations.vsts.notify_action.AzureDevopsCreateTicketAction": _needs(
        "integration", "project"
    ),
    "sentry.rules.actions.notify_event_service.NotifyEventServiceAction": _needs("service"),
    "sentry.rules.actions.notify_event_sentry_app.NotifyEventSentryAppAction": _needs(
        "sentryAppInstallationUuid"
    ),
    "sentry.rules.actions.notify_event.NotifyEventAction": _none,
}


def _nodes(value: Any, registry: dict[str, NodeCheck]) -> tuple[list[dict[str, Any]], list[str]]:
    if not isinstance(value, list):
        return [], [f'Expected a list of items but got type "{type(value).__name__}".']
    nodes = []
    for raw in value:
        if not isinstance(raw, dict):
            return [], [f"Incorrect type. Expected a mapping, but got {type(raw).__name__}"]
        if "id" not in raw:
            return [], ["Missing attribute 'id'"]
        if raw["id"] not in registry:
            return [], [f"Invalid node. Could not find '{raw['id']}'"]
        node = {key: item for key, item in raw.items() if key != "name"}  # labels are not kept
        problem = registry[raw["id"]](node)
        if problem:
            return [], [problem]
        nodes.append(node)
    return nodes, []


def clean_issue_rule(org: FakeOrganization, body: dict[str, Any]) -> dict[str, Any]:
    """The stored rule (camelCase) or Sentry's ``{field: [message]}`` errors."""
    values: dict[str, Any] = {
        "filterMatch": "all",
        "filters": [],
        "environment": None,
        "owner": None,
    }
    errors: dict[str, Any] = {}
    checks: dict[str, Callable[[Any], tuple[Any, list[str]]]] = {
        "name": string(256),
        "frequency": integer(5, 43200),
        "actionMatch": lambda v: (
            v,
            [] if v in ("all", "any", "none") else [f'"{v}" is not a valid choice.'],
        ),
        "filterMatch": lambda v: (
            v,
            [] if v in ("all", "any", "none") else [f'"{v}" is not a valid choice.'],
        ),
        "conditions": lambda v: _nodes(v, CONDITIONS),
        "filters": lambda v: _nodes(v, FILTERS),
        "actions": lambda v: _nodes(v, ACTIONS),
        "owner": lambda v: check_owner(org, v),
        "environment": lambda v: (
            v,
            []
            if v is None or v in org.environment_names()
            else ["This environment has not been created."],
        ),
    }
    for name, check in checks.items():
        if name not in body:
            if name in ("name", "actionMatch", "frequency", "conditions", "actions"):
                errors[name] = [REQUIRED]
            continue
        value, messages = check(body[name])
        (errors if messages else values)[name] = messages or value
    if "actions" in values and not values["actions"]:
        errors["actions"] = ["You must add an action for this alert to fire."]
    if values.get("filters") and "filterMatch" not in body and "filterMatch" not in errors:
        errors["filterMatch"] = [
            "Must select a filter match (all, any, none) if filters are supplied."
        ]
    if errors:
        raise Invalid(errors)
    return values
