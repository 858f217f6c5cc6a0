"""Sentry's alerting vocabulary (the workflow engine): data-condition types, comparison
operators, priority levels, logic types, frequencies and issue categories.

Tables map our word -> Sentry's code; the importer reads codes back through the derived
inverses (``codes.inverse``).
"""

from __future__ import annotations

from typing import Final, Literal

from sentry_iac.sentry.codes import inverse

# Sentry's DetectorPriorityLevel: a detector condition's result, and the level an alert's
# priority conditions compare with.
HIGH: Final = 75
MEDIUM: Final = 50
RESOLVED: Final = 0

# The detectors Sentry makes for every project: issue alerts are connected to the issue stream.
ISSUE_STREAM_DETECTOR: Final = "issue_stream"
ERROR_DETECTOR: Final = "error"

# Data-condition types of a workflow's triggers, by our `when:` word.
TRIGGER_TYPES = {"first-seen": "first_seen_event", "regression": "regression_event",
                 "reappeared": "reappeared_event", "high-priority": "new_high_priority_issue"}
TRIGGERS_BY_TYPE = inverse(TRIGGER_TYPES)

# Data-condition types of a workflow's action filters (workflow_engine/handlers/condition/).
EVENT_COUNT: Final = "event_frequency_count"
EVENT_PERCENT: Final = "event_frequency_percent"
USER_COUNT: Final = "event_unique_user_frequency_count"
TAGGED_EVENT: Final = "tagged_event"
LEVEL: Final = "level"
AGE: Final = "age_comparison"
OCCURRENCES: Final = "issue_occurrences"
LATEST_RELEASE: Final = "latest_release"
ISSUE_CATEGORY: Final = "issue_category"
PRIORITY_AT_LEAST: Final = "issue_priority_greater_or_equal"
PRIORITY_DEESCALATING: Final = "issue_priority_deescalating"

# How a condition group combines its conditions (DataConditionGroup.Type), by our
# `filter_match:` word; "any-short" stops at the first match.
LOGIC_TYPES = {"all": "all", "any": "any-short", "none": "none"}
FILTER_MATCHES_BY_LOGIC = inverse(LOGIC_TYPES)
ANY_SHORT: Final = "any-short"
# A detector's levels: whichever condition matches sets it.
ANY: Final = "any"

# Detector condition operators: alerting 'above' or 'below' a value, and resolving on the
# other side of it.
ALERT_OPERATORS = {"above": "gt", "below": "lt"}
DIRECTIONS_BY_OPERATOR = inverse(ALERT_OPERATORS)
RESOLVE_OPERATORS = {"above": "lte", "below": "gte"}

# The tag filter's match codes (MatchType, rules/match.py), by our `match:` word.
MATCH_CODES = {"equals": "eq", "not_equals": "ne", "starts_with": "sw", "ends_with": "ew",
               "contains": "co", "not_contains": "nc", "is_set": "is", "not_set": "ns"}
MATCHES_BY_CODE = inverse(MATCH_CODES)

# The level filter: the numbers it compares (logging's levels), and how, by our words.
LEVEL_NUMBERS = {"fatal": 50, "error": 40, "warning": 30, "info": 20, "debug": 10}
LEVELS_BY_NUMBER = inverse(LEVEL_NUMBERS)
LEVEL_MATCH_CODES = {"at_least": "gte", "at_most": "lte", "equals": "eq"}
LEVEL_MATCHES_BY_CODE = inverse(LEVEL_MATCH_CODES)

# The age filter: its time units by our duration letter, largest first, with their size in
# seconds; and its comparison types by our key.
AGE_UNITS = {"w": "week", "d": "day", "h": "hour", "m": "minute"}
AGE_LETTERS_BY_UNIT = inverse(AGE_UNITS)
AGE_UNIT_SECONDS = {"week": 604800, "day": 86400, "hour": 3600, "minute": 60}
AGE_COMPARISONS = {"newer_than": "newer", "older_than": "older"}
AGE_SIDES_BY_COMPARISON = inverse(AGE_COMPARISONS)

# Issue categories (Sentry's GroupCategory ids), by our `category:` word.
CATEGORY_IDS = {"error": 1, "feedback": 6, "outage": 10, "metric": 11, "db_query": 12,
                "http_client": 13, "frontend": 14, "mobile": 15}
CATEGORIES_BY_ID = inverse(CATEGORY_IDS)

# Sentry's frequency intervals for event and user counts (STANDARD_INTERVALS) and its
# comparison intervals for percent changes (no 1m).
Interval = Literal["1m", "5m", "15m", "1h", "1d", "1w", "30d"]
ComparisonInterval = Literal["5m", "15m", "1h", "1d", "1w", "30d"]

# How often a workflow's actions may repeat for one issue (config.frequency, sent in minutes):
# Sentry accepts 5 minutes to 30 days, here in seconds.
FREQUENCY_MIN_SECONDS: Final = 300
FREQUENCY_MAX_SECONDS: Final = 30 * 86400
