"""Sentry's retired alert-rule API (issue alerts of ``sentry.rules``): the class paths it stores
for conditions, filters and actions, by our words. Self-hosted releases older than the Monitors
API still use it."""

from __future__ import annotations

from typing import Final

RULES: Final = "sentry.rules"
# Our `when:` triggers.
CONDITIONS = {
    "first-seen": f"{RULES}.conditions.first_seen_event.FirstSeenEventCondition",
    "regression": f"{RULES}.conditions.regression_event.RegressionEventCondition",
    "reappeared": f"{RULES}.conditions.reappeared_event.ReappearedEventCondition",
    "high-priority": f"{RULES}.conditions.high_priority_issue.NewHighPriorityIssueCondition",
}
# Event and user counts are conditions there, not filters.
EVENT_FREQUENCY: Final = f"{RULES}.conditions.event_frequency.EventFrequencyCondition"
USER_FREQUENCY: Final = f"{RULES}.conditions.event_frequency.EventUniqueUserFrequencyCondition"
# Our other filter kinds.
FILTERS = {
    "tag": f"{RULES}.filters.tagged_event.TaggedEventFilter",
    "level": f"{RULES}.filters.level.LevelFilter",
    "age": f"{RULES}.filters.age_comparison.AgeComparisonFilter",
    "occurrences": f"{RULES}.filters.issue_occurrences.IssueOccurrencesFilter",
    "latest_release": f"{RULES}.filters.latest_release.LatestReleaseFilter",
    "category": f"{RULES}.filters.issue_category.IssueCategoryFilter",
}
# Our channel kinds the retired API can notify.
ACTIONS = {
    "email": "sentry.mail.actions.NotifyEmailAction",
    "msteams": "sentry.integrations.msteams.notify_action.MsTeamsNotifyServiceAction",
    "slack": "sentry.integrations.slack.notify_action.SlackNotifyServiceAction",
    "discord": "sentry.integrations.discord.notify_action.DiscordNotifyServiceAction",
    "pagerduty": "sentry.integrations.pagerduty.notify_action.PagerDutyNotifyServiceAction",
    "github": "sentry.integrations.github.notify_action.GitHubCreateTicketAction",
}
