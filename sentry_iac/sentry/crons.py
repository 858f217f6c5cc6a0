"""Sentry's Crons API (``/organizations/{org}/monitors/``): a monitor's config keys, their
ranges (``ConfigValidator`` in ``sentry/monitors/validators.py``), interval units, and the
detector Sentry makes for every monitor."""

from __future__ import annotations

from typing import Final

CONFIG_KEYS = ("schedule_type", "schedule", "timezone", "checkin_margin", "max_runtime",
               "failure_issue_threshold", "recovery_threshold")
SCHEDULE_TYPES = ("crontab", "interval")
# Our cron key -> Sentry's config key, for the settings named alike or nearly.
CONFIG_FIELDS = {"timezone": "timezone", "checkin_margin": "checkin_margin",
                 "max_runtime": "max_runtime", "failure_threshold": "failure_issue_threshold",
                 "recovery_threshold": "recovery_threshold"}

MAX_MINUTES: Final = 40320  # Sentry's MAX_MARGIN and MAX_TIMEOUT: 28 days
MAX_THRESHOLD: Final = 720  # check-ins in a row
# Sentry's ranges per config key: minutes up to 28 days, thresholds up to 720 check-ins.
CONFIG_MAXIMA = {"checkin_margin": MAX_MINUTES, "max_runtime": MAX_MINUTES,
                 "failure_issue_threshold": MAX_THRESHOLD, "recovery_threshold": MAX_THRESHOLD}

# Sentry's interval units, by the unit letter we write them with.
INTERVAL_UNITS = {"m": ("minute", 60), "h": ("hour", 3600), "d": ("day", 86400),
                  "w": ("week", 604800)}

# The detector Sentry makes for every cron monitor, and its data source's type.
CRON_DETECTOR: Final = "monitor_check_in_failure"
CRON_DATA_SOURCE: Final = "cron_monitor"
