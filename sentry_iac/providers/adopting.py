"""A settings provider whose ``create`` writes only what differs from Sentry.

Settings exist in Sentry before any resource manages them, so creating one is adopting it: read
the managed fields first and write only those whose live value differs from the YAML's. The
first ``up`` after ``sentry-iac import`` (whose YAML says what Sentry has) then writes nothing,
and neither does an ``up`` of settings someone already set in Sentry's UI. Updates, reads and
removal are the settings provider's (removal releases).
"""

from __future__ import annotations

from typing import Any

import pulumi.dynamic as dyn

from sentry_iac.providers.settings import SETTINGS, SettingsProvider

_MISSING = object()


class AdoptingSettingsProvider(SettingsProvider):
    def create_object(self, props: dict[str, Any]) -> dyn.CreateResult:
        declared = dict(props[SETTINGS])
        with self.client() as client:
            live = self._live(client, props, declared)
        self._write(props, {key: value for key, value in declared.items()
                            if live.get(key, _MISSING) != value})
        return dyn.CreateResult(self._id(props), outs=props)
