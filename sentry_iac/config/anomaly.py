"""Anomaly detection on a metric rule, in our words: ``anomaly: {sensitivity, direction}``
instead of fixed thresholds, for measures whose normal level moves (a fixed "above 3 s" never
fits a service that is slow every night and fast every morning).

Sentry's monitor then has no thresholds: Seer learns the measure's last 28 days and opens a
high issue when the value leaves what it expects (``sentry_iac.sentry.anomaly`` has Sentry's
rules with their sources). What a rule may not combine with it, and which windows and measures
it takes, is checked here; ``config.alerts`` calls these checks for a rule and each stack's
override.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sentry_iac.config.base import Strict
from sentry_iac.config.durations import format_duration
from sentry_iac.config.errors import InvalidValue
from sentry_iac.sentry import anomaly as sentry

Sensitivity = Literal["low", "medium", "high"]
Direction = Literal["above", "below", "either"]
Seasonality = Literal["auto", "hourly", "daily", "weekly"]

WINDOW_CHECK = "anomaly/window"
THRESHOLDS_CHECK = "anomaly/thresholds"
MEASURE_CHECK = "anomaly/measure"
# The keys a rule with anomaly detection cannot have: they are fixed thresholds.
THRESHOLD_KEYS = ("critical", "warning", "resolve", "change")
WINDOWS_IN_WORDS = ", ".join(format_duration(s) for s in sentry.WINDOWS)


class Anomaly(Strict):
    """Alert when the measure leaves what Sentry learnt is normal for it (Sentry's anomaly
    detection, which needs Seer), instead of at fixed thresholds."""

    sensitivity: Sensitivity = Field(examples=["medium"])
    """How unusual a value must be to open an issue: low (only large departures), medium or
    high (small ones too)."""
    direction: Direction = Field(examples=["above"])
    """Which departures count: above (unusually high), below (unusually low) or either."""
    seasonality: Seasonality = "auto"
    """The rhythm Sentry expects in the measure: auto (default; Sentry finds it), hourly,
    daily or weekly."""


def check_window(seconds: int, text: str) -> None:
    """Sentry's anomaly detection takes only windows of 5, 15, 30 or 60 minutes."""
    if seconds not in sentry.WINDOWS:
        raise InvalidValue(f"@window: {text}: anomaly detection takes only these windows: "
                           f"{WINDOWS_IN_WORDS}", WINDOW_CHECK)


def check_measure(dataset: str, query: str, measure: str | None) -> None:
    """What anomaly detection measures: errors and span data, never release health, and no
    ``is:unresolved`` query."""
    if dataset not in sentry.DATASETS:
        what = f"measure '{measure}'" if measure else f"dataset {dataset}"
        raise InvalidValue(f"@anomaly: Sentry's anomaly detection does not take the {what} "
                           "(release health offers fixed thresholds only); use critical/"
                           "warning thresholds, or measure errors or span data",
                           MEASURE_CHECK)
    if sentry.REFUSED_QUERY_TERM in query.split():
        raise InvalidValue(f"@anomaly: anomaly detection refuses the search term "
                           f"'{sentry.REFUSED_QUERY_TERM}'; remove it from search: (or query:)",
                           MEASURE_CHECK)


def check_no_thresholds(present: list[str], where: str = "") -> None:
    """A rule detects anomalies or compares with thresholds, never both: Sentry's anomaly
    monitor has its one anomaly condition and no other."""
    if present:
        key = f"{where}{present[0]}"
        raise InvalidValue(f"@{key}: a rule with `anomaly:` has no fixed thresholds "
                           f"({', '.join(THRESHOLD_KEYS)}): Sentry decides what is unusual; "
                           "remove it, or remove `anomaly:` to alert at thresholds",
                           THRESHOLDS_CHECK)
