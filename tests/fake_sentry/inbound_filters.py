"""A project's inbound data filters, as getsentry/sentry keeps and answers them.

Sources (getsentry/sentry):

- ``src/sentry/ingest/inbound_filters.py`` (2026: ``ingest/inbound_filters/specs.py``):
  ``get_all_filter_specs`` (localhost, browser-extensions, legacy-browsers, web-crawlers,
  filtered-transaction; the last is missing before 2023), ``_FilterSerializer`` (``active``
  BooleanField), ``_LegacyBrowserFilterSerializer`` (``subfilters`` MultipleChoiceField; the
  unversioned choices ie, edge, safari... came in 2024), ``set_filter_state`` (legacy browsers:
  ``active`` wins, stored as "1"/"0"; else a non-empty ``subfilters`` is stored sorted, an
  empty one as "0"; every other filter "1"/"0"), ``get_filter_state``.
- ``src/sentry/api/endpoints/project_filter_details.py`` ``ProjectFilterDetailsEndpoint.put``:
  an unknown id is ``ResourceDoesNotExist`` (404); ``serializer_cls(data=..., partial=True)``;
  the answer has no body: 204 (201 before the endpoint was documented).
  ``project_filters.py`` ``ProjectFiltersEndpoint.get``: ``[{"id", "active", ...}]``.
- ``src/sentry/core/endpoints/project_details.py`` ``ProjectDetailsEndpoint.put``: with an
  elevated scope the ``options`` DictField is applied key by key in this order:
  ``filters:react-hydration-errors`` and ``filters:chunk-load-error`` ("1" if bool() else
  "0"; unknown to Sentry before 2023, so ignored), ``filters:blacklisted_ips`` ->
  ``sentry:blacklisted_ips``, then ``filters:releases`` and ``filters:error_messages`` ->
  ``sentry:releases`` / ``sentry:error_messages``, which need ``projects:custom-inbound-filters``
  or answer 400 ``{"detail": "You do not have that feature enabled"}`` (what came before
  stays written). ``clean_newline_inputs`` splits on newlines, strips, drops empty lines and
  lowercases (not error messages).
- ``src/sentry/api/serializers/models/project.py`` ``DetailedProjectSerializer.format_options``:
  lists read back joined by newlines; the two switches as booleans (default "1").
- ``src/sentry/projectoptions/defaults.py``: the ``filters:*`` defaults.
"""

from __future__ import annotations

from typing import Any

from tests.fake_sentry.replies import HttpError, Reply, not_found
from tests.fake_sentry.state import FakeOrganization, FakeProject
from tests.fake_sentry.validation import Invalid, boolean

SWITCH_DEFAULTS = {"browser-extensions": "0", "localhost": "0", "legacy-browsers": "0",
                   "web-crawlers": "0", "filtered-transaction": "1"}
NAMES = {
    "browser-extensions": "Filter out errors known to be caused by browser extensions",
    "localhost": "Filter out events coming from localhost",
    "legacy-browsers": "Filter out known errors from legacy browsers",
    "web-crawlers": "Filter out known web crawlers",
    "filtered-transaction": "Filter out health check transactions",
}
PINNED_SUBFILTERS = ("ie_pre_9", "ie9", "ie10", "ie11", "opera_pre_15", "android_pre_4",
                     "safari_pre_6", "opera_mini_pre_8", "edge_pre_79")
SUBFILTERS = ("ie", "edge", "safari", "firefox", "chrome", "opera", "android", "opera_mini",
              *PINNED_SUBFILTERS)
SWITCH_OPTIONS = ("filters:react-hydration-errors", "filters:chunk-load-error")
# The rows behind the option filters: all in OPTION_KEYS (src/sentry/models/options/
# project_option.py), so the organisation's project list answers them, raw.
OPTION_ROWS = frozenset({"sentry:blacklisted_ips", "sentry:releases", "sentry:error_messages",
                         *SWITCH_OPTIONS})
CUSTOM_FEATURE = "custom-inbound-filters"


def _ids(org: FakeOrganization) -> list[str]:
    ids = list(SWITCH_DEFAULTS)
    return [i for i in ids if i != "filtered-transaction"] if org.older_inbound_filters else ids


def _state(project: FakeProject, filter_id: str) -> Any:
    stored = project.options.get(f"filters:{filter_id}", SWITCH_DEFAULTS[filter_id])
    if filter_id == "legacy-browsers" and stored not in ("0", "1"):
        return stored
    return stored == "1"


def list_filters(org: FakeOrganization, project: FakeProject) -> Reply:
    return Reply(200, [{"id": i, "active": _state(project, i), "name": NAMES[i],
                        "description": NAMES[i]} for i in sorted(_ids(org))])


def put_filter(org: FakeOrganization, project: FakeProject, filter_id: str, body: Any) -> Reply:
    if filter_id not in _ids(org):
        raise not_found()
    if not isinstance(body, dict):
        kind = "null" if body is None else type(body).__name__
        raise Invalid({"non_field_errors": [f"Invalid data. Expected a dictionary, but got "
                                            f"{kind}."]})
    errors: dict[str, list[str]] = {}
    state: dict[str, Any] = {}
    if "active" in body:
        active, problems = boolean(body["active"])
        if problems:
            errors["active"] = problems
        state["active"] = active
    if filter_id == "legacy-browsers" and "subfilters" in body:
        chosen = body["subfilters"]
        choices = PINNED_SUBFILTERS if org.older_inbound_filters else SUBFILTERS
        if not isinstance(chosen, list):
            errors["subfilters"] = [f'Expected a list of items but got type '
                                    f'"{type(chosen).__name__}".']
        elif bad := [c for c in chosen if c not in choices]:
            errors["subfilters"] = [f'"{bad[0]}" is not a valid choice.']
        else:
            state["subfilters"] = set(chosen)
    if errors:
        raise Invalid(errors)
    key = f"filters:{filter_id}"
    if filter_id == "legacy-browsers":
        value: Any = "0"
        if "active" in state:
            value = "1" if state["active"] else "0"
        elif state.get("subfilters"):
            value = sorted(state["subfilters"])
        project.options[key] = value
    else:
        project.options[key] = "1" if state.get("active", False) else "0"
    return Reply(201 if org.older_inbound_filters else 204)


def _lines(value: Any, *, lower: bool = True) -> list[str]:
    if not isinstance(value, str):
        # clean_newline_inputs calls value.split: anything else is Sentry's 500.
        raise HttpError(500, {"detail": "Internal Error"})
    out = []
    for line in value.split("\n"):
        line = (line.lower() if lower else line).strip()
        if line:
            out.append(line)
    return out


def apply_options(org: FakeOrganization, project: FakeProject, options: Any) -> None:
    """The filter options of ``ProjectDetailsEndpoint.put``, in Sentry's order."""
    if options is None:
        return
    if not isinstance(options, dict):
        raise Invalid({"options": [f'Expected a dictionary of items but got type '
                                   f'"{type(options).__name__}".']})
    if not org.older_inbound_filters:
        for key in SWITCH_OPTIONS:
            if key in options:
                project.options[key] = "1" if bool(options[key]) else "0"
    if "filters:blacklisted_ips" in options:
        project.options["sentry:blacklisted_ips"] = _lines(options["filters:blacklisted_ips"])
    for name, lower in (("releases", True), ("error_messages", False)):
        if f"filters:{name}" in options:
            if CUSTOM_FEATURE not in org.features:
                raise HttpError(400, {"detail": "You do not have that feature enabled"})
            project.options[f"sentry:{name}"] = _lines(options[f"filters:{name}"], lower=lower)


def formatted_options(org: FakeOrganization, project: FakeProject) -> dict[str, Any]:
    """The filter keys of the project's ``options``, as ``format_options`` answers them."""
    stored = project.options
    out: dict[str, Any] = {
        "filters:blacklisted_ips": "\n".join(stored.get("sentry:blacklisted_ips", [])),
        "filters:releases": "\n".join(stored.get("sentry:releases", [])),
        "filters:error_messages": "\n".join(stored.get("sentry:error_messages", [])),
    }
    if not org.older_inbound_filters:
        out["filters:react-hydration-errors"] = stored.get(
            "filters:react-hydration-errors", "1") in ("1", True)
        out["filters:chunk-load-error"] = stored.get("filters:chunk-load-error", "1") == "1"
    return out
