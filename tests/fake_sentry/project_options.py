"""A project's stored options, as the organisation's project list answers ``?options=``.

``OrganizationProjectsEndpoint.get`` (src/sentry/core/endpoints/organization_projects.py) puts
the ``options`` parameters in ``expand_context`` and always expands "options";
``ProjectSerializer.get_options`` (src/sentry/api/serializers/models/project.py) keeps the asked
keys that are in ``OPTION_KEYS`` (src/sentry/models/options/project_option.py: "must be a safe
key") and returns the project's ``ProjectOption`` rows of those keys, raw; ``get_attrs`` adds
them only when some project of the page has one (``if options:``), and
``ProjectSummarySerializer.serialize`` only for a project the caller has access to.

The fake keeps a project's settings by their detail names (``FakeProject.settings``), with
Sentry's defaults filled in. A row exists here for a setting that differs from its default
(the detail GET, ``DetailedProjectSerializer.serialize``, gives a missing row that default, so
both answers agree), and ``sentry:option-epoch`` for every project: Sentry writes it when the
project is made (``freeze_option_epoch_for_project``, src/sentry/receivers/core.py).
"""

from __future__ import annotations

from typing import Any

from tests.fake_sentry import inbound_filters, spike
from tests.fake_sentry.state import FakeProject, project_settings_defaults

OPTION_EPOCH = "sentry:option-epoch"
LATEST_EPOCH = 15  # src/sentry/projectoptions/defaults.py

# Detail field -> the option behind it (DetailedProjectSerializer.serialize), for the
# settings the fake keeps; every option here is in OPTION_KEYS.
FIELD_OPTIONS = {
    "resolveAge": "sentry:resolve_age",
    "dataScrubber": "sentry:scrub_data",
    "dataScrubberDefaults": "sentry:scrub_defaults",
    "safeFields": "sentry:safe_fields",
    "sensitiveFields": "sentry:sensitive_fields",
    "scrubIPAddresses": "sentry:scrub_ip_address",
    "storeCrashReports": "sentry:store_crash_reports",
    "relayPiiConfig": "sentry:relay_pii_config",
    "fingerprintingRules": "sentry:fingerprinting_rules",
    "groupingEnhancements": "sentry:grouping_enhancements",
    "digestsMinDelay": "digests:mail:minimum_delay",
    "digestsMaxDelay": "digests:mail:maximum_delay",
    "subjectPrefix": "mail:subject_prefix",
    "subjectTemplate": "mail:subject_template",
    "allowedDomains": "sentry:origins",
    "scrapeJavaScript": "sentry:scrape_javascript",
    "highlightTags": "sentry:highlight_tags",
    "defaultEnvironment": "sentry:default_environment",
}
# Options the fake keeps as rows (``FakeProject.options``), a row only once set, that the
# detail's ``options`` also answers raw: the spike-protection switch, in OPTION_KEYS
# ("quotas:spike-protection-disabled").
ROW_OPTIONS = frozenset({spike.DISABLED})
# The rows the list answers: those, and the option filters' (the detail formats these).
LISTED_ROWS = ROW_OPTIONS | inbound_filters.OPTION_ROWS
# OPTION_KEYS as far as the fake keeps the options (and the performance-issue settings are
# not among them: sentry:performance_issue_settings is not in OPTION_KEYS, nor are the
# switch filters' rows, filters:localhost and the like).
OPTION_KEYS = frozenset({OPTION_EPOCH, *FIELD_OPTIONS.values(), *LISTED_ROWS})


def stored_options(project: FakeProject) -> dict[str, Any]:
    """The project's option rows, by key."""
    defaults = project_settings_defaults()
    rows: dict[str, Any] = {OPTION_EPOCH: LATEST_EPOCH}
    for name, option in FIELD_OPTIONS.items():
        value = project.settings.get(name, defaults[name])
        if value != defaults[name]:
            rows[option] = value
    rows.update({key: value for key, value in project.options.items() if key in LISTED_ROWS})
    return rows


def asked_options(project: FakeProject, asked: list[str]) -> dict[str, Any]:
    """The rows ``?options=`` asks for: only safe keys, only the rows there are."""
    rows = stored_options(project)
    return {key: rows[key] for key in asked if key in OPTION_KEYS and key in rows}
