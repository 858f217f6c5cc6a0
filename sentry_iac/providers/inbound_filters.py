"""A project's inbound data filters as a settings kind, written through two endpoints.

A filter with a switch is its own request, ``PUT .../filters/{filter_id}/`` with ``{"active":
bool}`` or, for legacy browsers, ``{"subfilters": [...]}``, and is read back from ``GET
.../filters/`` (``[{"id", "active"}]``). The option filters (messages, releases, addresses,
React hydration and chunk-load errors) are written together as ``{"options": {...}}`` in one
``PUT`` of the project and read back from its ``options`` (``sentry_iac.sentry.filters``).
Only the declared filters are read or written; removal releases them (a filter left out is
never turned off). A refresh reads the option filters from the organisation's project list,
shared with the other project kinds (their rows are in Sentry's ``OPTION_KEYS``,
``sentry.project_options``); a project the list cannot answer for is read on its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pulumi.dynamic as dyn

from sentry_iac.providers import project_reads
from sentry_iac.providers.errors import SentryApiError, SentryNotFoundError
from sentry_iac.providers.paths import api_path
from sentry_iac.providers.settings import SETTINGS, SOURCES, SettingsKind, SettingsProvider
from sentry_iac.sentry import filters
from sentry_iac.sentry.project_options import listed_options

if TYPE_CHECKING:  # the HTTP client is loaded where a provider runs, not where it is declared
    from sentry_iac.providers.client import SentryClient


def _project(props: Mapping[str, Any]) -> str:
    return api_path("projects", props["organization"], props["project"])


def filters_path(props: Mapping[str, Any], *filter_id: str) -> str:
    return api_path("projects", props["organization"], props["project"], "filters", *filter_id)


_SWITCH_IDS = frozenset(filters.SWITCHES.values())


def _subfilters_problem(value: Any) -> str | None:
    if isinstance(value, bool):
        return None
    if (not isinstance(value, list) or not value
            or not all(isinstance(v, str) and v in filters.SUBFILTER_CHOICES for v in value)):
        return f"true, false or a list of {', '.join(filters.SUBFILTER_CHOICES)}"
    return None


@dataclass(frozen=True)
class FiltersKind(SettingsKind):
    """Settings keyed by filter id (a switch) or project option (``filters:...``)."""

    def validate(self, settings: Mapping[str, Any], sources: Mapping[str, str]) -> list[str]:
        key = filters.LEGACY_BROWSERS_ID
        problems = super().validate({k: v for k, v in settings.items() if k != key}, sources)
        if key in settings and (expected := _subfilters_problem(settings[key])):
            where = f"{sources[key]}: " if key in sources else ""
            problems.append(f"{where}{key} must be {expected}, not {settings[key]!r}")
        return problems


INBOUND_FILTERS = FiltersKind(
    name="ProjectInboundFilters", identity=("organization", "project"), path=_project,
    defaults=filters.DEFAULTS)


def _live_switch(value: Any) -> Any:
    # Legacy browsers answer true, false or the stored (sorted) list of subfilters.
    return sorted(value) if isinstance(value, list) else value


class InboundFiltersProvider(SettingsProvider):
    def __init__(self) -> None:
        super().__init__(INBOUND_FILTERS)

    def read_object(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        managed = props.get(SETTINGS) or {}
        with self.client() as client:
            live = self._live(client, props, managed, by_list=True)
        return dyn.ReadResult(id_, {**props, SETTINGS: live})

    def _live(self, client: SentryClient, props: Mapping[str, Any], managed: Mapping[str, Any],
              *, by_list: bool = False) -> dict[str, Any]:
        """The managed filters as Sentry holds them; ``by_list``: a Read's, which may take the
        option filters from the organisation's project list (a write's reads ask the project
        itself, after what it wrote)."""
        live: dict[str, Any] = {}
        switches = [key for key in managed if key in _SWITCH_IDS]
        if switches:
            answered = client.get(filters_path(props))
            states = {str(item.get("id")): item.get("active")
                      for item in answered if isinstance(item, dict)} if isinstance(
                          answered, list) else {}
            # A filter this Sentry does not have reads as None: the next write names it.
            live.update({key: _live_switch(states.get(key)) for key in switches})
        options = [key for key in managed if key not in _SWITCH_IDS]
        if options:
            listed = self._listed_options(client, props, options) if by_list else None
            live.update(self._detail_options(client, props, options) if listed is None
                        else listed)
        return live

    def _detail_options(self, client: SentryClient, props: Mapping[str, Any],
                        keys: list[str]) -> dict[str, Any]:
        """The option filters ``keys`` from the project's own GET (a list option Sentry
        answers null for reads as "", as the kind reads any text setting)."""
        answered = client.get_object(self.kind.path(props)).get(filters.OPTIONS_KEY)
        return self.kind.live(answered if isinstance(answered, dict) else {}, keys)

    def _listed_options(self, client: SentryClient, props: Mapping[str, Any],
                        keys: list[str]) -> dict[str, Any] | None:
        """The option filters ``keys`` as the project's detail would answer them, from its
        item of the project list; None when the list cannot tell (no such item, no options
        for it, a row it cannot read, or this process wrote the project since)."""
        item = self._listed_item(client, props)
        rows = None if item is None else listed_options(item)
        return None if rows is None else filters.answered_options(rows, keys)

    def _write(self, props: Mapping[str, Any], fields: Mapping[str, Any]) -> None:
        if not fields:
            return
        sources: Mapping[str, str] = props.get(SOURCES) or {}
        with self.client() as client:
            for key, value in fields.items():
                if key not in _SWITCH_IDS:
                    continue
                field = "active" if isinstance(value, bool) else "subfilters"
                body = {field: value}
                try:
                    client.put(filters_path(props, key), body,
                               field_locations={field: sources.get(key, key)})
                except SentryNotFoundError as exc:
                    raise _unknown_filter(key, sources.get(key), exc) from None
            options = {key: value for key, value in fields.items() if key not in _SWITCH_IDS}
            if options:
                path = self.kind.path(props)
                try:
                    client.put(path, {filters.OPTIONS_KEY: options})
                except SentryApiError as exc:
                    raise _option_error(options, sources, exc) from None
                finally:  # the project list no longer answers for these options
                    project_reads.wrote(self.reads(), path, str(props["organization"]),
                                        self._id(props))
                self._check_stored(client, props, options)

    def _check_stored(self, client: SentryClient, props: Mapping[str, Any],
                      written: Mapping[str, Any]) -> None:
        """Sentry ignores an option it does not know (a release from before the React
        hydration or chunk-load filters): say so instead of showing drift for ever."""
        live = self._live(client, props, written)
        unknown = [key for key in written if live.get(key) is None]
        if unknown:
            raise RuntimeError(f"{self._places(unknown, props)}: this Sentry does not keep "
                               f"{', '.join(unknown)} (it ignored them); it is older than these "
                               "filters. Leave them out of the YAML")

    @staticmethod
    def _places(keys: list[str], props: Mapping[str, Any]) -> str:
        sources: Mapping[str, str] = props.get(SOURCES) or {}
        return "; ".join(sources.get(key, key) for key in keys)


def _unknown_filter(key: str, where: str | None, exc: SentryApiError) -> SentryApiError:
    what = ("the health-check filter came in Sentry 23.x; leave health_checks out on an older "
            "Sentry" if key == filters.HEALTH_CHECK_ID else "leave it out of the YAML")
    return SentryApiError(f"{where + ': ' if where else ''}this Sentry has no inbound filter "
                          f"'{key}' ({what})", method=exc.method, path=exc.path,
                          status=exc.status, detail=exc.detail)


def _option_error(options: Mapping[str, Any], sources: Mapping[str, str],
                  exc: SentryApiError) -> SentryApiError:
    """Sentry's refusal of the options (e.g. 400 "You do not have that feature enabled"),
    placed at the YAML keys that asked for them."""
    places = "; ".join(sources.get(key, key) for key in options)
    return SentryApiError(f"{places}: {exc.summary}", method=exc.method, path=exc.path,
                          status=exc.status, detail=exc.detail, field_errors=exc.field_errors)
