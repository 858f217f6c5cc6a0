"""Alert rules and channels as plain-English phrases for reviewers:
"Error count above 10 per 1 minute in production → critical → PagerDuty 'SPMS'"."""

from __future__ import annotations

from sentry_iac.config.alerts import AlertRule, IssueFilter
from sentry_iac.config.durations import Threshold, parse_duration
from sentry_iac.config.metrics import PRESETS
from sentry_iac.config.models import Channel
from sentry_iac.config.stack_views import StackRule

ARROW = "→"

MEASURES = {
    "error-count": "Error count",
    "users-with-errors": "Users with errors",
    "failure-rate": "Failure rate of HTTP requests",
    "http-request-duration": "{percentile} duration of incoming HTTP requests",
    "db-query-duration": "{percentile} duration of database queries",
    "outgoing-http-duration": "{percentile} duration of outgoing HTTP calls",
    "crash-free-sessions": "Crash-free session rate",
    "crash-free-users": "Crash-free user rate",
}
TRIGGERS = {
    "first-seen": "New issue",
    "regression": "Resolved issue comes back",
    "reappeared": "Archived issue reappears",
    "high-priority": "Issue becomes high priority",
}
TAG_MATCHES = {
    "equals": "is", "not_equals": "is not", "starts_with": "starts with",
    "ends_with": "ends with", "contains": "contains", "not_contains": "does not contain",
    "is_set": "is set", "not_set": "is not set",
}
_UNITS = (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))


def duration(seconds: int) -> str:
    """300 -> "5 minutes"; 86400 -> "1 day"."""
    for name, size in _UNITS:
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {name}" if count == 1 else f"{count} {name}s"
    return f"{seconds} seconds"


def interval(text: str) -> str:
    """A duration as written in YAML ("1h") in words ("1 hour")."""
    return duration(parse_duration(text))


def _number(value: float) -> str:
    return f"{value:g}"


def threshold(value: Threshold) -> str:
    """"above 10", "above 3 s", "above 250 ms", "below 99.5%"."""
    if value.unit == "ms":
        amount = (f"{_number(value.value / 1000)} s" if value.value >= 1000
                  else f"{_number(value.value)} ms")
    elif value.unit == "%":
        amount = f"{_number(value.value)}%"
    else:
        amount = _number(value.value)
    return f"{value.direction} {amount}"


def measure(rule: AlertRule) -> str:
    """What a metric rule measures, e.g. "p95 duration of database queries"."""
    if rule.query is not None:
        text = f"{rule.query.aggregate} of {rule.query.dataset}"
        if rule.query.query:
            text += f" matching `{rule.query.query}`"
    else:
        name = rule.measure or ""
        preset = PRESETS.get(name)
        template = MEASURES.get(name, preset.description if preset else name)
        text = template.format(percentile=rule.percentile or "p95")
    if rule.search:
        text += f" matching `{rule.search}`"
    return text


# An anomaly rule's direction, as what the value is.
UNUSUAL = {"above": "anomalously high", "below": "anomalously low",
           "either": "anomalously high or low"}


def anomaly(item: StackRule) -> str:
    """"medium sensitivity, anomalously high" (and the rhythm, when it is not found
    automatically)."""
    assert item.anomaly is not None
    words = f"{item.anomaly.sensitivity} sensitivity, {UNUSUAL[item.anomaly.direction]}"
    if item.anomaly.seasonality != "auto":
        words += f", {item.anomaly.seasonality} rhythm"
    return words


def anomaly_condition(item: StackRule) -> str:
    """"p95 duration of incoming HTTP requests anomalously high over 15 minutes (medium
    sensitivity)": what Sentry's anomaly detection opens a high issue for."""
    assert item.anomaly is not None and item.window_seconds is not None
    rhythm = (f", {item.anomaly.seasonality} rhythm" if item.anomaly.seasonality != "auto"
              else "")
    return (f"{measure(item.rule)} {UNUSUAL[item.anomaly.direction]} over "
            f"{duration(item.window_seconds)} ({item.anomaly.sensitivity} sensitivity{rhythm})")


def metric_condition(item: StackRule) -> str:
    """"Error count above 10 per 1 minute", or a change against an earlier period."""
    rule = item.rule
    if item.anomaly is not None:
        return anomaly_condition(item)
    assert item.critical is not None and item.window_seconds is not None
    span = ("per " if rule.unit == "count" else "over ") + duration(item.window_seconds)
    if rule.change is not None:
        way = "up" if item.critical.direction == "above" else "down"
        return (f"{measure(rule)} {span} {way} by more than {_number(item.critical.value)}% "
                f"from {interval(rule.change.compared_to)} earlier")
    return f"{measure(rule)} {threshold(item.critical)} {span}"


def issue_filter(f: IssueFilter) -> str:
    if f.events is not None:
        if f.events.more_than is not None:
            return f"more than {f.events.more_than} events in {interval(f.events.in_)}"
        return (f"{_number(f.events.percent_more_than or 0)}% more events in "
                f"{interval(f.events.in_)} than {interval(f.events.compared_to or '')} earlier")
    if f.users is not None:
        return f"more than {f.users.more_than} users in {interval(f.users.in_)}"
    if f.tag is not None:
        value = f" {f.tag.value}" if f.tag.value is not None else ""
        return f"tag {f.tag.key} {TAG_MATCHES[f.tag.match]}{value}"
    if f.level is not None:
        for words, level in (("at least", f.level.at_least), ("at most", f.level.at_most),
                             ("is", f.level.equals)):
            if level is not None:
                return f"level {words} {level}"
    if f.age is not None:
        older = f.age.older_than is not None
        return (f"issue {'older' if older else 'newer'} than "
                f"{interval(f.age.older_than or f.age.newer_than or '')}")
    if f.occurrences is not None:
        return f"at least {f.occurrences.at_least} occurrences"
    if f.latest_release is not None:
        return "in the latest release"
    return f"category {f.category}"


def triggers(rule: AlertRule) -> str:
    """"New issue or resolved issue comes back"; "Event" when only filters decide."""
    if not rule.when:
        return "Event"
    words = [TRIGGERS[t] for t in rule.when]
    return " or ".join([words[0], *(w[0].lower() + w[1:] for w in words[1:])])


def filters(rule: AlertRule) -> str:
    """The filters of an issue rule joined as ``filter_match`` says, or "" without any."""
    parts = [issue_filter(f) for f in rule.filters]
    if not parts:
        return ""
    if rule.filter_match == "none":
        return "none of: " + "; ".join(parts)
    return f" {'or' if rule.filter_match == 'any' else 'and'} ".join(parts)


def issue_condition(rule: AlertRule) -> str:
    """"New issue", "Event with tag http.status_code is 500"."""
    conditions = filters(rule)
    return f"{triggers(rule)} with {conditions}" if conditions else triggers(rule)


def condition(item: StackRule) -> str:
    return metric_condition(item) if item.rule.is_metric else issue_condition(item.rule)


def channel(value: Channel) -> str:
    """"PagerDuty 'SPMS'", "Teams #spms-alerts", "email science-projects"."""
    if value.email is not None:
        if value.email.issue_owners:
            return "email the issue owners"
        return f"email {value.email.team or value.email.member}"
    if value.msteams is not None:
        return f"Teams #{value.msteams.channel.lstrip('#')}"
    if value.slack is not None:
        return f"Slack {value.slack.channel}"
    if value.pagerduty is not None:
        return f"PagerDuty '{value.pagerduty.service}'"
    if value.opsgenie is not None:
        return f"Opsgenie '{value.opsgenie.team}' ({value.opsgenie.priority})"
    if value.discord is not None:
        return f"Discord channel {value.discord.channel_id}"
    assert value.github is not None
    return f"GitHub issue in {value.github.repo}"


def channels(item: StackRule) -> str:
    return ", ".join(channel(c) for _, c in item.channels) or "nobody"


def routed(priority: str | None, team: str | None) -> str:
    """"critical", or "critical (team payments)" when the owning team's routing applies;
    "its own channels" for a level routed by channels alone."""
    if priority is None:
        return "its own channels"
    return f"{priority} (team {team})" if team else priority


def destinations(named: tuple[tuple[str, Channel], ...]) -> str:
    return ", ".join(channel(c) for _, c in named) or "nobody"


def sentence(item: StackRule) -> str:
    """The whole rule in one line: condition, environment, priority, channels (and the
    warning level's, when it is routed on its own)."""
    text = (f"{condition(item)} in {item.environment} {ARROW} "
            f"{routed(item.priority, item.team)} {ARROW} {channels(item)}")
    if item.split and item.warning is not None:
        text += (f"; warning {threshold(item.warning)} {ARROW} "
                 f"{routed(item.warning_priority, item.warning_team)} {ARROW} "
                 f"{destinations(item.warning_channels or ())}")
    return text


def notices(item: StackRule) -> str:
    """When a metric rule's channels hear from it: every change of level, never held back."""
    if item.split:
        return ("the warning channels are notified at warning, when it escalates and when it "
                "resolves; the critical channels when it reaches critical and when it "
                "resolves from there; never held back")
    if item.warning is not None:
        return ("notified at warning, again when it escalates to critical, and when it "
                "resolves; never held back")
    return "notified when it fires and when it resolves; never held back"


# What an anomaly monitor does: Seer's verdict is high or nothing
# (SEER_EVALUATION_TO_DETECTOR_PRIORITY, incidents/handlers/condition/anomaly_detection_handler.py).
ANOMALY_ISSUES = ("opens a high issue when Sentry's anomaly detection finds the value unusual "
                  "for it, resolves when it no longer does")


def issue_kinds(rule: AlertRule) -> str:
    """Which issues an issue rule is about, when its filters do not say."""
    if rule.errors_only:
        return "errors only"
    if any(f.category is not None for f in rule.filters):
        return ""
    return "issues of every category (errors, performance, crons, metric alerts...)"


def details(item: StackRule) -> list[str]:
    """What the sentence leaves out: the warning level, resolution, notices, repeats."""
    out: list[str] = []
    if item.anomaly is not None:
        out.append(ANOMALY_ISSUES)
        out.append(notices(item))
    elif item.rule.is_metric:
        if item.warning is not None and not item.split:  # else the sentence says it
            out.append(f"warning {threshold(item.warning)}")
        resolution = item.resolution
        assert resolution is not None
        out.append(f"resolves {threshold(resolution)}")
        out.append(notices(item))
    else:
        kinds = issue_kinds(item.rule)
        if kinds:
            out.append(kinds)
        out.append(f"at most every {duration(item.repeat_seconds)} per issue")
    return out
