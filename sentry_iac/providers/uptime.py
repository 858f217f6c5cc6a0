"""Dynamic providers for uptime monitors: the monitor (a detector of type
``uptime_domain_failure``, through the detectors endpoint) and the alert on its issues.

Both follow the alerting providers' contract (``alerting._ObjectProvider``): a local diff,
whole-payload updates, reads that show drift, and a create whose answer was lost is never
repeated blindly (the monitor is found by its name, type and project: the per-stack names are
unique). Removing a check from the YAML releases its monitor (``retain_on_delete``, set by the
resources) unless ``delete_when_removed`` says otherwise.

An object ``sentry-iac import`` adopts (``adopt``) is read first, and written only where it
differs from the YAML: a monitor or alert the import verified costs the first `up` no write.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pulumi.dynamic as dyn

from sentry_iac.providers.alerting import (
    ADOPT,
    ALL_PROJECTS,
    APPLIED,
    LIVE,
    SOURCES,
    AlertProvider,
    _canonical,
    _ObjectProvider,
)
from sentry_iac.providers.paths import api_path
from sentry_iac.providers.resolve import with_owner_team_id
from sentry_iac.providers.wire import WHOLE, WireTypes
from sentry_iac.sentry.uptime import (
    CONFIG_FIELDS,
    LEGACY_FIELDS,
    SOURCE_FIELDS,
    UPTIME_DETECTOR,
)

if TYPE_CHECKING:  # the HTTP client is loaded where a provider runs, not where it is declared
    from sentry_iac.providers.client import SentryClient

# Every number of an uptime monitor is a DRF IntegerField or a ChoiceField of integers
# (UptimeMonitorDataSourceValidator, UptimeDomainCheckFailureConfigValidator). The body and
# the description are sent as null when there is none (the wire drops nulls), so removing a
# body from the YAML removes it in Sentry.
UPTIME_WIRE = WireTypes(
    numbers={"detector.dataSources[].intervalSeconds": WHOLE,
             "detector.dataSources[].timeoutMs": WHOLE,
             "detector.config.mode": WHOLE,
             "detector.config.recoveryThreshold": WHOLE,
             "detector.config.downtimeThreshold": WHOLE},
    nulls=("detector.description", "detector.dataSources[].body"))


# The project uptime endpoint of older Sentry: the same numbers, flat (UptimeMonitorValidator).
LEGACY_UPTIME_WIRE = WireTypes(
    numbers={"monitor.intervalSeconds": WHOLE, "monitor.timeoutMs": WHOLE,
             "monitor.recoveryThreshold": WHOLE, "monitor.downtimeThreshold": WHOLE},
    nulls=("monitor.body",))


def _actor(owner: Any) -> Any:
    """``{"type": "team", "id": "5"}`` (an answer) or ``"team:5"`` (a request) -> ``team:5``."""
    if isinstance(owner, dict):
        return f"{owner.get('type')}:{owner.get('id')}"
    return owner


def normalize_uptime_detector(body: dict[str, Any]) -> dict[str, Any]:
    """An uptime monitor as we send it, from a request body or Sentry's answer (whose data
    source wraps the fields in ``queryObj``). Fields sentry-iac does not send (an assertion,
    Sentry's ids and status) are left out, so they are neither drift nor overwritten."""
    sources = body.get("dataSources") or [{}]
    source: dict[str, Any] = sources[0] if isinstance(sources[0], dict) else {}
    wrapped = source.get("queryObj")
    fields: dict[str, Any] = wrapped if isinstance(wrapped, dict) else source
    config = body.get("config") or {}
    headers = [list(pair) for pair in fields.get("headers") or []]
    normal: dict[str, Any] = _canonical({
        "name": body.get("name"), "type": body.get("type"), "enabled": body.get("enabled"),
        "description": body.get("description"), "owner": _actor(body.get("owner")),
        "dataSource": {**{key: fields.get(key) for key in SOURCE_FIELDS}, "headers": headers},
        "config": {key: config.get(key) for key in CONFIG_FIELDS},
    })
    return normal


def _owner_by_id(provider: _ObjectProvider, client: SentryClient, props: dict[str, Any]
                 ) -> dict[str, Any]:
    return with_owner_team_id(props[provider.spec_key], client, props["organization"],
                              provider.lookups())


def _unchanged(client: SentryClient, path: str, body: dict[str, Any],
               provider: _ObjectProvider, props: dict[str, Any]) -> bool:
    """Whether the object at ``path`` already is ``body``: the same once both are normalised,
    and (an alert) connected to the same monitors, which normalising leaves out."""
    live = client.get_object(path)
    if "detectorIds" in body and sorted(str(d) for d in live.get("detectorIds") or []) != \
            sorted(str(d) for d in body["detectorIds"]):
        return False
    return bool(provider.normalize(live, props) == provider.normalize(body, props))


class UptimeMonitorProvider(_ObjectProvider):
    """``detector`` is the body of Sentry's create call, with the owner team by slug."""

    spec_key = "detector"

    def wire_types(self) -> WireTypes:
        return UPTIME_WIRE

    def check_inputs(self, news: dict[str, Any]) -> list[dyn.CheckFailure]:
        failures = super().check_inputs(news)
        spec = news.get(self.spec_key)
        if isinstance(spec, dict) and spec.get("type") not in (None, UPTIME_DETECTOR):
            failures.append(dyn.CheckFailure(self.spec_key, f"an uptime monitor's type is "
                                                            f"{UPTIME_DETECTOR}"))
        return failures

    def collection(self, props: dict[str, Any]) -> str:
        return api_path("organizations", props["organization"], "projects", props["project"],
                        "detectors")

    def item(self, props: dict[str, Any], id_: str) -> str:
        return api_path("organizations", props["organization"], "detectors", id_)

    def listing(self, props: dict[str, Any]) -> tuple[str, dict[str, str]] | None:
        # The detector list serializes each detector as its own GET does (DetectorSerializer);
        # -1 is every project the token can access (see MonitorProvider.listing).
        return api_path("organizations", props["organization"], "detectors"), {
            "project": ALL_PROJECTS}

    def find_created(self, client: SentryClient, props: dict[str, Any],
                     body: dict[str, Any]) -> str | None:
        # By numeric id: Sentry before 2026 answers 400 to a slug in ?project=.
        project_id = self.project_id(client, props)
        path = api_path("organizations", props["organization"], "detectors")
        for detector in client.paginate(path, {"project": project_id,
                                               "query": f"type:{UPTIME_DETECTOR}"}):
            if (detector.get("name") == body["name"] and detector.get("type") == UPTIME_DETECTOR
                    and str(detector.get("projectId")) == project_id):
                return str(detector["id"])
        return None

    def payload(self, client: SentryClient, props: dict[str, Any]) -> dict[str, Any]:
        return _owner_by_id(self, client, props)

    def normalize(self, body: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        return normalize_uptime_detector(body)

    def create_object(self, props: dict[str, Any]) -> dyn.CreateResult:
        adopted = _adopt_unchanged(self, props)
        if adopted is not None:
            return adopted
        made = super().create_object(props)
        if props[self.spec_key].get("enabled") is False:
            # Sentry turns every new uptime monitor on (UptimeDomainCheckFailureValidator.create
            # calls enable_uptime_detector whatever was sent): a paused one is paused now.
            with self.client() as client:
                path = self.item(props, made.id)
                if client.get_object(path).get("enabled") is not False:
                    client.put(path, self.payload(client, props),
                               field_locations=props.get(SOURCES))
        return made


def normalize_legacy_monitor(body: dict[str, Any]) -> dict[str, Any]:
    """A monitor of the project uptime endpoint, from our request or Sentry's answer. The
    thresholds are left out: older releases neither take nor show them (a change of them in
    the YAML is still an update; it is drift in Sentry's UI that goes unseen there)."""
    normal: dict[str, Any] = _canonical({key: body.get(key) for key in LEGACY_FIELDS})
    normal["owner"] = _actor(body.get("owner"))
    normal["headers"] = [list(pair) for pair in body.get("headers") or []]
    return normal


class LegacyUptimeMonitorProvider(_ObjectProvider):
    """An uptime monitor through ``/projects/{org}/{project}/uptime/``, for Sentry releases
    whose detectors endpoint takes no uptime monitors (the ``legacy`` alerts backend)."""

    spec_key = "monitor"

    def wire_types(self) -> WireTypes:
        return LEGACY_UPTIME_WIRE

    def collection(self, props: dict[str, Any]) -> str:
        return api_path("projects", props["organization"], props["project"], "uptime")

    def item(self, props: dict[str, Any], id_: str) -> str:
        return api_path("projects", props["organization"], props["project"], "uptime", id_)

    # No listing: the older Sentry this serves is read one monitor at a time (its
    # organisation list is asked per project, which the shared listing cannot say).

    def find_created(self, client: SentryClient, props: dict[str, Any],
                     body: dict[str, Any]) -> str | None:
        path, params = api_path("organizations", props["organization"], "uptime"), {
            "project": self.project_id(client, props)}
        for monitor in client.paginate(path, params):
            if monitor.get("name") == body["name"]:
                return str(monitor["id"])
        return None

    def payload(self, client: SentryClient, props: dict[str, Any]) -> dict[str, Any]:
        return _owner_by_id(self, client, props)

    def normalize(self, body: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        return normalize_legacy_monitor(body)


class UptimeAlertProvider(AlertProvider):
    """The alert on an uptime monitor's issues: ``detectors`` holds the monitor's id."""

    def create_object(self, props: dict[str, Any]) -> dyn.CreateResult:
        adopted = _adopt_unchanged(self, props)
        return adopted if adopted is not None else super().create_object(props)


def _adopt_unchanged(provider: _ObjectProvider, props: dict[str, Any]
                     ) -> dyn.CreateResult | None:
    """The adopted object as this resource's, without a write, when it already is what the
    YAML says; None to adopt it through the usual PUT (or create anew)."""
    if not props.get(ADOPT):
        return None
    id_ = str(props[ADOPT])
    with provider.client() as client:
        body = provider.payload(client, props)
        if not _unchanged(client, provider.item(props, id_), body, provider, props):
            return None
        applied = provider.normalize(body, props)
    return dyn.CreateResult(id_, outs={**props, APPLIED: applied, LIVE: applied})

