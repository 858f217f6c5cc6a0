"""Sentry's inbound data filters of a project: what Relay drops before an event is stored.

Two kinds, written through two endpoints:

* Filters with a switch, ``PUT /api/0/projects/{org}/{project}/filters/{filter_id}/`` with
  ``{"active": bool}`` (legacy browsers also ``{"subfilters": [...]}``), listed by
  ``GET .../filters/`` as ``[{"id", "active"}]`` (``ProjectFilterDetailsEndpoint``,
  ``ProjectFiltersEndpoint``; ids and serializers in ``src/sentry/ingest/inbound_filters.py``,
  2026: ``src/sentry/ingest/inbound_filters/specs.py``). An unknown id answers 404.
* Project options, ``PUT /api/0/projects/{org}/{project}/`` with ``{"options": {...}}``, read
  back from the project's ``options`` (``ProjectDetailsEndpoint.put``,
  ``src/sentry/core/endpoints/project_details.py``; ``DetailedProjectSerializer.format_options``,
  ``src/sentry/api/serializers/models/project.py``). Lists travel as one text, an entry a line;
  Sentry strips each line and drops empty ones, and lowercases IP addresses and releases
  (``clean_newline_inputs``) but not error messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from sentry_iac.sentry.codes import inverse

# Our key -> the filter's id (FilterStatKeys).
SWITCHES: dict[str, str] = {
    "browser_extensions": "browser-extensions",
    "localhost": "localhost",
    "web_crawlers": "web-crawlers",
    "health_checks": "filtered-transaction",
    "legacy_browsers": "legacy-browsers",
}
LEGACY_BROWSERS_ID: Final = "legacy-browsers"
# The health-check filter came in 2023 (getsentry/sentry 23.x); an older Sentry answers 404.
HEALTH_CHECK_ID: Final = "filtered-transaction"

# Our key -> the project option (the key in ``options``, sent and read back).
OPTIONS: dict[str, str] = {
    "react_hydration_errors": "filters:react-hydration-errors",
    "chunk_load_errors": "filters:chunk-load-error",
    "error_messages": "filters:error_messages",
    "releases": "filters:releases",
    "ip_addresses": "filters:blacklisted_ips",
}
OPTIONS_KEY: Final = "options"
# Options holding a list, sent as text with an entry a line.
LIST_OPTIONS = frozenset({"filters:error_messages", "filters:releases",
                          "filters:blacklisted_ips"})
# Sentry lowercases these entries when it stores them (clean_newline_inputs, case_insensitive).
LOWERCASED_OPTIONS = frozenset({"filters:releases", "filters:blacklisted_ips"})
# Error-message and release filters need this project feature (Business and Enterprise plans);
# without it the PUT answers 400 {"detail": "You do not have that feature enabled"}.
CUSTOM_FILTERS_FEATURE: Final = "projects:custom-inbound-filters"
CUSTOM_OPTIONS = frozenset({"filters:error_messages", "filters:releases"})

# Our words -> the legacy browser subfilters of _LegacyBrowserFilterSerializer (choices since
# 2024; before, only the version-pinned ones below existed, and Sentry answers 400 '"ie" is not
# a valid choice.').
LEGACY_BROWSERS: dict[str, str] = {
    "internet-explorer": "ie",  # 11 and older
    "edge": "edge",  # 110 and older
    "safari": "safari",  # 15 and older
    "firefox": "firefox",  # 110 and older
    "chrome": "chrome",  # 110 and older
    "opera": "opera",  # 99 and older
    "android": "android",  # 3 and older
    "opera-mini": "opera_mini",  # 34 and older
}
LEGACY_BROWSER_WORDS = inverse(LEGACY_BROWSERS)
# Deprecated choices Sentry still accepts; sentry-iac does not write them.
DEPRECATED_LEGACY_BROWSERS = ("ie_pre_9", "ie9", "ie10", "ie11", "opera_pre_15",
                              "android_pre_4", "safari_pre_6", "opera_mini_pre_8", "edge_pre_79")
SUBFILTER_CHOICES = (*LEGACY_BROWSERS.values(), *DEPRECATED_LEGACY_BROWSERS)

# Sentry's defaults for a new project (src/sentry/projectoptions/defaults.py: filters:* options;
# web crawlers were on for projects made before option epoch 6), as GET answers them.
DEFAULTS: dict[str, Any] = {
    "browser-extensions": False,
    "localhost": False,
    "web-crawlers": False,
    "filtered-transaction": True,
    "legacy-browsers": False,
    "filters:react-hydration-errors": True,
    "filters:chunk-load-error": True,
    "filters:error_messages": "",
    "filters:releases": "",
    "filters:blacklisted_ips": "",
}


# The detail's key -> the stored option behind it (``format_options``). Every one is in
# Sentry's OPTION_KEYS, so the organisation's project list carries them, raw, as stored.
STORED_OPTIONS: dict[str, str] = {
    "filters:blacklisted_ips": "sentry:blacklisted_ips",
    "filters:releases": "sentry:releases",
    "filters:error_messages": "sentry:error_messages",
    "filters:react-hydration-errors": "filters:react-hydration-errors",
    "filters:chunk-load-error": "filters:chunk-load-error",
}
# The two switches' stored "on": "1", and for React hydration also the boolean an earlier
# release stored by mistake (format_options repairs it on read the same way).
_STORED_ON: dict[str, tuple[Any, ...]] = {
    "filters:react-hydration-errors": ("1", True),
    "filters:chunk-load-error": ("1",),
}


def answered_options(rows: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any] | None:
    """What a project's detail GET answers for the option filters ``keys``, from the project's
    stored rows (the project list's ``options``), or None when the rows cannot tell: a list
    row that is not a list of text (the detail would join it otherwise, or fail), or no row
    for a switch (a Sentry older than the switch has none either, and its detail leaves the
    key out)."""
    answered: dict[str, Any] = {}
    for key in keys:
        row = STORED_OPTIONS[key]
        if key in LIST_OPTIONS:
            entries = rows.get(row, [])
            if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
                return None
            answered[key] = option_text(entries)
        elif row in rows:
            answered[key] = rows[row] in _STORED_ON[key]
        else:
            return None
    return answered


def option_text(entries: tuple[str, ...] | list[str]) -> str:
    """A list option as Sentry takes it and answers it: one entry a line."""
    return "\n".join(entries)


# Sentry's filter id or option -> our key.
KEYS = inverse({**SWITCHES, **OPTIONS})
