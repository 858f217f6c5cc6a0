"""Dynamic resources of issue triage: who owns a project's issues, and which events its inbound
filters drop (``pulumi-python:dynamic/sentry-iac:ProjectOwnership``, ``...:ProjectInboundFilters``).

Both are settings: creating one adopts what Sentry has and writes only what differs, and removing
one from the YAML releases it (``retain_on_delete``): Sentry keeps the rules and filters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from sentry_iac.providers.dynamic import SentryResource
from sentry_iac.providers.inbound_filters import InboundFiltersProvider
from sentry_iac.providers.ownership import PROJECT_OWNERSHIP
from sentry_iac.providers.resources import released_on_removal
from sentry_iac.providers.settings import SETTINGS, SOURCES, SettingsProvider


def _props(identity: Mapping[str, pulumi.Input[str]], settings: Mapping[str, Any],
           sources: Mapping[str, str]) -> dict[str, Any]:
    return {**identity, SETTINGS: dict(settings), SOURCES: dict(sources)}


class _Triage(SentryResource):
    def __init__(self, provider: SettingsProvider, name: str, *,
                 identity: Mapping[str, pulumi.Input[str]], settings: Mapping[str, Any],
                 sources: Mapping[str, str], opts: pulumi.ResourceOptions | None = None,
                 renamed_from: Sequence[str] = ()) -> None:
        super().__init__(provider, name, _props(identity, settings, sources),
                         released_on_removal(opts), renamed_from)


class ProjectOwnership(_Triage, module="sentry-iac", name="ProjectOwnership"):
    def __init__(self, name: str, **kwargs: Any) -> None:
        super().__init__(SettingsProvider(PROJECT_OWNERSHIP), name, **kwargs)


class ProjectInboundFilters(_Triage, module="sentry-iac", name="ProjectInboundFilters"):
    def __init__(self, name: str, **kwargs: Any) -> None:
        super().__init__(InboundFiltersProvider(), name, **kwargs)

