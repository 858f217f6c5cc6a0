"""One dynamic provider for every "settings on an existing Sentry object" resource.

Sentry has no create or delete for these (an organisation's privacy settings, a project's
fingerprinting rules, an environment's visibility): they are fields of an object that exists
anyway. So ``create`` and ``update`` write only the fields the YAML declares (``create`` only
those Sentry does not already hold), ``read`` returns
their live values so ``pulumi refresh`` shows drift made in the UI, and removal releases: a
field, or a whole resource, that leaves the YAML stops being managed and keeps its value in
Sentry (nothing is ever reset to Sentry's defaults by omission). ``diff`` is local: previews
cost no API call.

The auth token reaches the provider through ``configure`` (the stack's ``sentry:token`` secret,
else ``SENTRY_AUTH_TOKEN`` / ``SENTRY_TOKEN``) and is dropped whenever the provider is pickled,
so it never lands in Pulumi state.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pulumi.dynamic as dyn

from sentry_iac.providers import project_reads
from sentry_iac.providers.drift import report
from sentry_iac.providers.runtime import SentryApiProvider
from sentry_iac.providers.wire import NUMBER, WHOLE, NumberType, WireTypes

if TYPE_CHECKING:  # the HTTP client is loaded where a provider runs, not where it is declared
    from sentry_iac.providers.client import SentryClient

# Input keys every settings resource carries.
SETTINGS = "settings"  # API field -> declared value
SOURCES = "sources"  # API field -> "org.yaml:40:5: privacy.sensitive_fields"


@dataclass(frozen=True)
class SettingsKind:
    """What differs between settings resources: where they live and what Sentry's defaults are."""

    name: str
    identity: tuple[str, ...]  # input keys naming the Sentry object, e.g. organization, project
    path: Callable[[Mapping[str, Any]], str]
    defaults: Mapping[str, Any]  # every field this kind may manage, with Sentry's default
    # Fields that must be written before others in a separate request (e.g. a detector switch
    # before its thresholds: Sentry refuses to change a threshold of a disabled detector).
    write_first: frozenset[str] = field(default_factory=frozenset)
    # Fields whose Sentry default is null but whose value is text (a project's platform).
    text_fields: frozenset[str] = field(default_factory=frozenset)
    # How a Read finds the managed fields (the resource's inputs give them) in its project's
    # item of the organisation's project list, None when the item cannot tell; or None for a
    # kind read by its own GET only (see providers.project_reads).
    listed: Callable[[Mapping[str, Any], Mapping[str, Any]], Mapping[str, Any] | None] | None \
        = None

    def validate(self, settings: Mapping[str, Any], sources: Mapping[str, str]) -> list[str]:
        """Problems with declared values, each placed at the YAML key it came from."""
        problems = []
        for key, value in settings.items():
            where = f"{sources[key]}: " if key in sources else ""
            if key not in self.defaults:
                problems.append(f"{where}'{key}' is not a {self.name} setting (known: "
                                f"{', '.join(sorted(self.defaults))})")
                continue
            default = "" if key in self.text_fields else self.defaults[key]
            expected = _type_error(value, default)
            if expected:
                problems.append(f"{where}{key} must be {expected}, not {value!r}")
        return problems

    def wire_types(self) -> WireTypes:
        """Sentry's type for each numeric setting, judged by its default: a whole number
        where Sentry's default is an int (or None: the inherited crash-report count)."""
        numbers: dict[str, NumberType] = {}
        for key, default in self.defaults.items():
            if key in self.text_fields or isinstance(default, bool) or not isinstance(
                    default, int | float | None):
                continue
            numbers[f"{SETTINGS}.{key}"] = NUMBER if isinstance(default, float) else WHOLE
        return WireTypes(numbers, strict=False)

    def batches(self, fields: Mapping[str, Any]) -> list[dict[str, Any]]:
        first = {k: v for k, v in fields.items() if k in self.write_first}
        rest = {k: v for k, v in fields.items() if k not in self.write_first}
        return [batch for batch in (first, rest) if batch]

    def live(self, body: Mapping[str, Any], managed: Iterable[str]) -> dict[str, Any]:
        """The live values of the managed fields, from a GET response. Sentry answers null
        for a text setting that was cleared with "", so the two read the same here."""
        live = {}
        for key in managed:
            value = body.get(key)
            live[key] = "" if value is None and isinstance(self.defaults.get(key), str) else value
        return live


def _type_error(value: Any, default: Any) -> str | None:
    """What ``value`` should be, judged by the type of Sentry's default, or None if it fits."""
    if isinstance(default, bool):
        return None if isinstance(value, bool) else "true or false"
    if isinstance(default, list):
        ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
        return None if ok else "a list of text"
    if isinstance(default, int | float) or default is None:
        ok = (value is None and default is None) or (
            isinstance(value, int | float) and not isinstance(value, bool))
        return None if ok else "a number"
    return None if isinstance(value, str) else "text"


def _setting_changes(olds: Mapping[str, Any], news: Mapping[str, Any]) -> list[str]:
    old, new = olds.get(SETTINGS) or {}, news.get(SETTINGS) or {}
    return sorted(k for k in set(old) | set(new) if old.get(k, _MISSING) != new.get(k, _MISSING))


_MISSING = object()


class SettingsProvider(SentryApiProvider):
    """The provider for one ``SettingsKind``."""

    def __init__(self, kind: SettingsKind) -> None:
        super().__init__()
        self.kind = kind
        self.identity = kind.identity

    def wire_types(self) -> WireTypes:
        return self.kind.wire_types()

    # -- the provider contract ---------------------------------------------------------------

    def check_inputs(self, news: dict[str, Any]) -> list[dyn.CheckFailure]:
        settings = news.get(SETTINGS)
        if not isinstance(settings, dict):
            return [dyn.CheckFailure(SETTINGS, "expected a mapping of settings")]
        sources = news.get(SOURCES) or {}
        return [dyn.CheckFailure(SETTINGS, m) for m in self.kind.validate(settings, sources)]

    def diff_inputs(self, _id: str, olds: dict[str, Any], news: dict[str, Any]
                    ) -> dyn.DiffResult:
        replaces = self.replacements(olds, news)
        moved = [k for k in self.kind.identity if olds.get(k) != news.get(k)]
        changes = _setting_changes(olds, news)
        return dyn.DiffResult(changes=bool(moved or changes), replaces=replaces,
                              stables=list(self.kind.identity), delete_before_replace=False)

    def create_object(self, props: dict[str, Any]) -> dyn.CreateResult:
        # The object exists anyway: write only the declared fields Sentry does not hold yet,
        # so taking over settings that already are what the YAML says (an organisation adopted
        # with `sentry-iac import`) writes nothing.
        declared = dict(props[SETTINGS])
        with self.client() as client:
            live = self._live(client, props, declared)
        self._write(props, {k: v for k, v in declared.items() if live.get(k, _MISSING) != v})
        return dyn.CreateResult(self._id(props), outs=props)

    def update_object(self, _id: str, olds: dict[str, Any], news: dict[str, Any]
                      ) -> dyn.UpdateResult:
        new = news[SETTINGS]
        # A field no longer declared is released: Sentry keeps its value, as it keeps a whole
        # settings resource that leaves the program. Only declared fields are written.
        fields = {k: new[k] for k in _setting_changes(olds, news) if k in new}
        if fields:
            # Only these fields are written; say first which of them were changed in Sentry
            # since the last up (the others keep whatever Sentry's UI set).
            with self.client() as client:
                live = self._live(client, news, fields)
            old = olds.get(SETTINGS) or {}
            report(f"{self.kind.name} '{self._id(news)}'", {k: old.get(k) for k in fields},
                   live, "this update overwrites it with the YAML's values")
        self._write(news, fields)
        return dyn.UpdateResult(outs=news)

    def read_object(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        managed = props.get(SETTINGS) or {}
        with self.client() as client:
            body = self._listed(client, props)
            live = (self.kind.live(body, managed) if body is not None
                    else self._live(client, props, managed))
        return dyn.ReadResult(id_, {**props, SETTINGS: live})

    def delete_object(self, _id: str, props: dict[str, Any]) -> None:
        # Released, never reset: the resources are retain_on_delete, and should the engine
        # still ask (an older state), Sentry is left as it is.
        return None

    # -- helpers -------------------------------------------------------------------------------

    def _live(self, client: SentryClient, props: Mapping[str, Any], managed: Mapping[str, Any]
              ) -> dict[str, Any]:
        """The live values of the ``managed`` fields (a kind read elsewhere overrides it), from
        one GET shared by the kinds reading the same object in this process (made again after
        any of them writes it)."""
        body = project_reads.shared_get(self.reads(), client, self.kind.path(props),
                                        reader=self.kind.name)
        return self.kind.live(body, managed)

    def _id(self, props: Mapping[str, Any]) -> str:
        return "/".join(str(props[k]) for k in self.kind.identity)

    def _listed(self, client: SentryClient, props: Mapping[str, Any]
                ) -> Mapping[str, Any] | None:
        """The managed fields from the organisation's project list, if it tells them."""
        if self.kind.listed is None:
            return None
        item = self._listed_item(client, props)
        return None if item is None else self.kind.listed(item, props)

    def _listed_item(self, client: SentryClient, props: Mapping[str, Any]
                     ) -> dict[str, Any] | None:
        """The project's item of the organisation's project list, shared by every kind's
        Reads; None for a kind not of a project, or when the list does not answer for it."""
        if "project" not in props:
            return None
        return project_reads.listed_project(
            self.reads(), client, str(props["organization"]), str(props["project"]),
            reader=self.kind.name, item=self._id(props))

    def _write(self, props: Mapping[str, Any], fields: Mapping[str, Any]) -> None:
        if not fields:
            return
        path = self.kind.path(props)
        with self.client() as client:
            try:
                for batch in self.kind.batches(fields):
                    client.put(path, batch, field_locations=props.get(SOURCES) or {})
            finally:  # even a failed batch may have changed something
                project_reads.wrote(self.reads(), path, str(props["organization"]),
                                    self._id(props))
