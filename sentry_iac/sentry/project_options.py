"""Which of a project's settings Sentry's organisation project list carries, and how.

``GET /organizations/{org}/projects/?options=<key>&options=<key>…``
(``OrganizationProjectsEndpoint.get``, src/sentry/core/endpoints/organization_projects.py)
serializes each project with
``ProjectSummarySerializer``; the ``options`` parameters become ``expand_context`` and
``ProjectSerializer.get_options`` (src/sentry/api/serializers/models/project.py) adds, under
``options``, the project's stored ``ProjectOption`` rows of the asked keys that are in
``OPTION_KEYS`` (src/sentry/models/options/project_option.py): raw, as stored, a key without a
row left out, and only for a project the caller has access to (``has_access`` or staff).

A project's detail GET reads the same rows (``DetailedProjectSerializer.serialize``, same file)
and gives a key without a row its default: the table below is that method's, field by field.
The list also carries ``platform`` (the model field) and ``environments``: the names of the
project's environments that are not hidden (``get_environments_by_projects`` excludes
``is_hidden`` and the empty name).

What it does not carry: the performance-issue settings (``sentry:performance_issue_settings``
is not in ``OPTION_KEYS``; they have their own endpoint per project), and the inbound filters
that are switches (``filters:localhost`` and the like are not in it either; they are read
from the project's ``filters/``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from sentry_iac.sentry.filters import STORED_OPTIONS
from sentry_iac.sentry.spike import DISABLED_OPTION

# Every project has this row from its creation (freeze_option_epoch_for_project,
# src/sentry/receivers/core.py): a listed project whose options hold it is one the answer
# expanded, so a missing key there is a missing row, never an option the list left out.
OPTION_EPOCH: Final = "sentry:option-epoch"

# Sentry's convert_crashreport_count (src/sentry/lang/native/utils.py): the legacy True is
# "unlimited" (-1), False is 0, None stays None (inherit the organisation's setting).
UNLIMITED_CRASH_REPORTS: Final = -1


def crash_report_count(value: Any) -> int | None:
    if value is None:
        return None
    if value is True:
        return UNLIMITED_CRASH_REPORTS
    if value is False:
        return 0
    return int(value)


def _as_stored(value: Any) -> Any:
    return value


def _text_or_empty(value: Any) -> Any:
    """``get_value_with_default``: a null row falls back to the registered default, "" for
    the grouping texts (src/sentry/projectoptions/defaults.py)."""
    return "" if value is None else value


# Detail field -> (the option behind it, its value without a row, how the detail reads it).
PROJECT_OPTION_FIELDS: Final[Mapping[str, tuple[str, Any, Callable[[Any], Any]]]] = {
    "resolveAge": ("sentry:resolve_age", 0, int),
    "dataScrubber": ("sentry:scrub_data", True, bool),
    "dataScrubberDefaults": ("sentry:scrub_defaults", True, bool),
    "safeFields": ("sentry:safe_fields", [], _as_stored),
    "sensitiveFields": ("sentry:sensitive_fields", [], _as_stored),
    "scrubIPAddresses": ("sentry:scrub_ip_address", False, bool),
    "storeCrashReports": ("sentry:store_crash_reports", None, crash_report_count),
    "relayPiiConfig": ("sentry:relay_pii_config", None, _as_stored),
    "fingerprintingRules": ("sentry:fingerprinting_rules", "", _text_or_empty),
    "groupingEnhancements": ("sentry:grouping_enhancements", "", _text_or_empty),
}
# The project's own fields the list item carries as the detail does.
LISTED_PROJECT_FIELDS: Final = frozenset({"platform"})
# Options a kind reads from their rows, each in OPTION_KEYS: the spike-protection switch
# (``sentry.spike``), raw as the detail's ``options`` answers it (null without a row), and
# the rows behind the option filters (``sentry.filters.answered_options`` reads them as the
# detail's ``format_options`` does).
RAW_OPTIONS: Final = (DISABLED_OPTION, *STORED_OPTIONS.values())
LISTED_OPTIONS: Final = (OPTION_EPOCH, *(option for option, _, _ in
                                         PROJECT_OPTION_FIELDS.values()), *RAW_OPTIONS)


def listed_options(item: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """A list item's stored options, or None when the answer carries none for it (no
    access, or a Sentry whose list has no ``options``)."""
    options = item.get("options")
    if not isinstance(options, Mapping) or OPTION_EPOCH not in options:
        return None
    return options


def detail_fields(item: Mapping[str, Any], fields: Mapping[str, Any] | frozenset[str]
                  ) -> dict[str, Any] | None:
    """The values a project's detail GET would give ``fields``, from its list item; None when
    the item cannot tell (one of them is not listed, or the item carries no options)."""
    wanted = set(fields)
    if wanted - LISTED_PROJECT_FIELDS - set(PROJECT_OPTION_FIELDS):
        return None
    options = listed_options(item)
    if options is None:
        return None
    found: dict[str, Any] = {}
    for name in wanted:
        if name in LISTED_PROJECT_FIELDS:
            found[name] = item.get(name)
            continue
        option, default, read = PROJECT_OPTION_FIELDS[name]
        found[name] = read(options[option]) if option in options else default
    return found


def environment_hidden(item: Mapping[str, Any], environment: str) -> bool | None:
    """Whether ``environment`` is hidden, from its project's list item: the list names the
    visible ones, and Sentry never deletes an environment (its UI and API hide them), so one
    of the project's environments that is not named is hidden. None when the item does not
    say (no list of environments)."""
    visible = item.get("environments")
    if not isinstance(visible, list):
        return None
    return environment not in visible
