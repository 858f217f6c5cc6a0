"""Sentry's workflow actions: the ticket actions a plan may lack, the integration tables that
name paging targets, and the defaults Sentry fills in when an action leaves them out."""

from __future__ import annotations

from typing import Final

# Ticket actions need this organisation feature (BaseActionValidator._check_action_type:
# "Organization does not allow this action type").
TICKET_FEATURE: Final = "integrations-ticket-rules"
TICKET_ACTIONS = frozenset({"github", "github_enterprise", "jira", "jira_server", "azure_devops"})

# Where an integration lists its paging targets: action type -> (config table, name column).
TARGET_TABLES = {"pagerduty": ("service_table", "service"), "opsgenie": ("team_table", "team")}

# What Sentry assumes when an action says nothing: PagerDuty's severity, Opsgenie's priority,
# and who is emailed when an issue has no owners.
PAGERDUTY_DEFAULT_SEVERITY: Final = "default"
OPSGENIE_DEFAULT_PRIORITY: Final = "P3"
ACTIVE_MEMBERS: Final = "ActiveMembers"
