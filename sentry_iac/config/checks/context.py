"""What every check is given (``CheckContext``) and what it gives back (``Finding``)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple

from sentry_iac.config.yaml.source import KeyPath, SourceMap

if TYPE_CHECKING:
    from sentry_iac.config.alerts import AlertsFile
    from sentry_iac.config.models import Organization
    from sentry_iac.config.stack_config import StackConfig


class Finding(NamedTuple):
    """One problem a check found: where, and what. The registry adds the check's id."""

    source: SourceMap
    path: KeyPath
    message: str


@dataclass(frozen=True)
class RawRule:
    """One alert rule as its file spells it (a mapping), and where it is."""

    file: str  # display name, e.g. alerts/errors.yaml
    source: SourceMap
    index: int
    data: dict[str, Any]

    def at(self, *path: str | int) -> KeyPath:
        """The key path of ``path`` inside this rule."""
        return ("alerts", self.index, *path)


@dataclass(frozen=True)
class CheckContext:
    """The configuration as read: raw YAML data (so cross-checks run even when the models
    refused something, and every problem is reported at once) and, where they validated, the
    models. ``org`` is None when ``org.yaml`` could not be read."""

    org: Any
    org_source: SourceMap | None
    alert_files: Mapping[str, tuple[Any, SourceMap]]  # display name -> (raw data, source)
    stacks: frozenset[str]  # every Pulumi.<stack>.yaml, read or not
    stack_configs: Mapping[str, StackConfig]  # the stack files that could be read
    model: Organization | None = None
    alert_models: tuple[tuple[SourceMap, AlertsFile], ...] = ()

    def rules(self) -> Iterator[RawRule]:
        """Every alert rule that is a mapping. None without a readable ``org.yaml`` mapping:
        there is nothing to check them against (that file's problem is reported on its own)."""
        return iter(self._rules)

    @cached_property
    def _rules(self) -> tuple[RawRule, ...]:
        # Made once: a dozen checks walk every rule of a 10,000-rule configuration.
        if not isinstance(self.org, dict):
            return ()
        found = []
        for display, (data, source) in self.alert_files.items():
            rules = data.get("alerts") if isinstance(data, dict) else None
            for index, rule in enumerate(rules if isinstance(rules, list) else []):
                if isinstance(rule, dict):
                    found.append(RawRule(display, source, index, rule))
        return tuple(found)
