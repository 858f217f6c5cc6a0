"""The alert-rule catalogue of a synthetic organisation: every measure, every issue filter kind,
expert queries, percent changes and per-stack overrides, as plain YAML data.

Each template takes the rule's number and its projects and returns one ``alerts/*.yaml`` entry.
Rule ``0`` of every team is the paging rule that the ``production-pages-on-critical`` policy
needs; it covers all of the team's projects.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

Rule = dict[str, Any]
Template = Callable[[str, Sequence[str]], Rule]

TAG_MATCHES = ("equals", "not_equals", "starts_with", "ends_with", "contains", "not_contains",
               "is_set", "not_set")


def _rule(rule_id: str, name: str, projects: Sequence[str], priority: str, **rest: Any) -> Rule:
    return {"id": rule_id, "name": name, "projects": list(projects), "priority": priority, **rest}


# -- metric rules: one per measure, plus an expert query and a percent change --------------------

def error_count(i: str, p: Sequence[str]) -> Rule:
    return _rule(i, f"High error rate {i}", p, "critical", measure="error-count", window="1m",
                 critical="above 10", warning="above 5",
                 environments={"staging": {"critical": "above 50", "warning": "above 25",
                                           "priority": "high"}})


def users_with_errors(i: str, p: Sequence[str]) -> Rule:
    return _rule(i, f"Users with errors {i}", p, "high", measure="users-with-errors",
                 window="5m", critical="above 20", resolve="below 5",
                 environments={"staging": {"enabled": False}})


def failure_rate(i: str, p: Sequence[str]) -> Rule:
    return _rule(i, f"Failure rate {i}", p, "high", measure="failure-rate", window="15m",
                 critical="above 5%", warning="above 2%",
                 environments={"staging": {"window": "30m"}})


def http_duration(i: str, p: Sequence[str]) -> Rule:
    return _rule(i, f"Slow HTTP requests {i}", p, "medium", measure="http-request-duration",
                 percentile="p95", window="5m", critical="above 3s", warning="above 2s",
                 environments={"staging": {"critical": "above 5s", "warning": "above 4s"}})


def db_duration(i: str, p: Sequence[str]) -> Rule:
    return _rule(i, f"Slow database queries {i}", p, "medium", measure="db-query-duration",
                 percentile="p99", window="10m", critical="above 1s",
                 environments={"staging": {"priority": "low", "channels": ["maintainers"]}})


def outgoing_duration(i: str, p: Sequence[str]) -> Rule:
    return _rule(i, f"Slow external calls {i}", p, "medium", measure="outgoing-http-duration",
                 percentile="p50", window="5m", critical="above 500ms",
                 search="span.domain:api.example.org")


def crash_free_sessions(i: str, p: Sequence[str]) -> Rule:
    return _rule(i, f"Crash-free sessions {i}", p, "high", measure="crash-free-sessions",
                 window="1h", critical="below 99%", warning="below 99.5%",
                 environments={"staging": {"window": "2h"}})


def crash_free_users(i: str, p: Sequence[str]) -> Rule:
    return _rule(i, f"Crash-free users {i}", p, "high", measure="crash-free-users",
                 window="30m", critical="below 98%", environments={"staging": {"enabled": False}})


def expert_query(i: str, p: Sequence[str]) -> Rule:
    return _rule(i, f"Fatal errors {i}", p, "critical", window="5m", critical="above 1",
                 query={"dataset": "events", "aggregate": "count()", "query": "level:fatal",
                        "event_types": ["error"]},
                 environments={"staging": {"environment": "qa"}})


def percent_change(i: str, p: Sequence[str]) -> Rule:
    return _rule(i, f"Error spike {i}", p, "medium", measure="error-count", window="1h",
                 change={"compared_to": "1d"}, critical="above 50%",
                 environments={"staging": {"critical": "above 200%"}})


# -- issue rules: every trigger and every filter kind -------------------------------------------

def server_errors(i: str, p: Sequence[str]) -> Rule:
    return _rule(i, f"Server errors {i}", p, "critical", when=["first-seen"],
                 filters=[{"tag": {"key": "http.status_code", "value": "500"}}],
                 repeat_every="5m",
                 environments={"staging": {"priority": "high", "repeat_every": "1h"}})


def busy_regressions(i: str, p: Sequence[str]) -> Rule:
    return _rule(i, f"Busy regressions {i}", p, "high", when=["regression"],
                 filters=[{"events": {"more_than": 10, "in": "1h"}}])


def growing_issues(i: str, p: Sequence[str]) -> Rule:
    return _rule(i, f"Growing issues {i}", p, "medium", when=["reappeared"],
                 filters=[{"events": {"percent_more_than": 50, "in": "1h",
                                      "compared_to": "1w"}}])


def widespread_issues(i: str, p: Sequence[str]) -> Rule:
    return _rule(i, f"Widespread issues {i}", p, "high", when=["high-priority"],
                 filters=[{"users": {"more_than": 5, "in": "1h"}}], filter_match="any",
                 issues="all",
                 environments={"staging": {"channels": ["owners"]}})


def fresh_errors(i: str, p: Sequence[str]) -> Rule:
    return _rule(i, f"Fresh errors {i}", p, "medium",
                 filters=[{"level": {"at_least": "error"}}, {"age": {"newer_than": "1d"}}])


def frequent_warnings(i: str, p: Sequence[str]) -> Rule:
    return _rule(i, f"Frequent warnings {i}", p, "low", when=["first-seen", "regression"],
                 filters=[{"level": {"at_most": "warning"}}, {"occurrences": {"at_least": 100}}],
                 environments={"staging": {"enabled": False}})


def release_fatals(i: str, p: Sequence[str]) -> Rule:
    return _rule(i, f"Fatal in latest release {i}", p, "critical",
                 filters=[{"level": {"equals": "fatal"}}, {"latest_release": True},
                          {"category": "error"}], filter_match="all")


def tagged_issues(i: str, p: Sequence[str]) -> Rule:
    match = TAG_MATCHES[sum(map(ord, i)) % len(TAG_MATCHES)]
    tag: dict[str, Any] = {"key": "customer.tier", "match": match}
    if match not in ("is_set", "not_set"):
        tag["value"] = "enterprise"
    return _rule(i, f"Tagged issues {i}", p, "medium", when=["first-seen"],
                 filters=[{"tag": tag}], filter_match="none", issues="all",
                 environments={"staging": {"repeat_every": "2h"}})


def old_db_issues(i: str, p: Sequence[str]) -> Rule:
    return _rule(i, f"Old database issues {i}", p, "low", when=["regression"],
                 filters=[{"age": {"older_than": "1w"}}, {"category": "db_query"}],
                 channels=["maintainers"])


PAGING_RULE: Template = error_count
CATALOGUE: tuple[Template, ...] = (
    error_count, users_with_errors, failure_rate, http_duration, db_duration, outgoing_duration,
    crash_free_sessions, crash_free_users, expert_query, percent_change,
    server_errors, busy_regressions, growing_issues, widespread_issues, fresh_errors,
    frequent_warnings, release_fatals, tagged_issues, old_db_issues,
)
METRIC_TEMPLATES = frozenset(CATALOGUE[:10])
