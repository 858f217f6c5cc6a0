"""Dynamic providers for Sentry's current alerting API: a monitor (detector) per metric rule and
an alert (workflow) per rule.

Unlike settings, these are objects Sentry creates on POST, so:

* ``create`` never makes a second object. If the answer to its POST is lost (timeout, dropped
  connection, 5xx) it watches for an object of the same name (the per-stack names make them
  unique) and adopts it; only when none appears within ``lost_create_wait`` does it POST again.
* ``update`` sends the whole payload: Sentry treats every array in a PUT as the complete list.
* ``read`` normalises Sentry's answer (ids dropped, conditions sorted: Sentry returns them in
  any order) and keeps it as ``live``; ``diff`` sees drift when ``live`` differs from
  ``applied``, the normalised payload last written.
* ``adopt`` (an input ``sentry-iac import`` sets through its adoption file) names an object
  that already exists: ``create`` takes it over instead of POSTing a twin, with a PUT only
  where Sentry's object differs from the payload (so an exact adoption writes nothing). Pulumi
  cannot ``import`` dynamic resources (pulumi/pulumi#16175), so this is how they are adopted.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import pulumi.dynamic as dyn
from pulumi.output import Unknown

from sentry_iac.providers.anomaly import told_at_the_rule
from sentry_iac.providers.drift import report
from sentry_iac.providers.errors import (
    SentryConnectionError,
    SentryNotFoundError,
    SentryServerError,
    SentryUnexpectedResponseError,
)
from sentry_iac.providers.paths import api_path
from sentry_iac.providers.resolve import Resolver
from sentry_iac.providers.runtime import PREVIOUS_PROJECTS, SentryApiProvider
from sentry_iac.providers.wire import NUMBER, WHOLE, WireTypes
from sentry_iac.pulumi_sdk import PROVIDER_KEY
from sentry_iac.sentry.actions import TICKET_ACTIONS, TICKET_FEATURE

if TYPE_CHECKING:  # the HTTP client is loaded where a provider runs, not where it is declared
    from sentry_iac.providers.client import SentryClient

APPLIED, LIVE = "applied", "live"
# Optional input: API field -> "org.yaml:30:9: projects[0].crons[0].schedule", so Sentry's 400
# answers name the YAML key. Bookkeeping only: a change of line numbers is not a change.
SOURCES = "sources"
# Optional input: the Sentry id of an existing object that create takes over (sentry-iac import).
ADOPT = "adopt"
# ``?project=-1``: every project the token can access (ALL_ACCESS_PROJECT_ID,
# src/sentry/api/bases/organization.py), numeric, so every Sentry version takes it.
ALL_PROJECTS = "-1"
# Failures after which a POST may or may not have been carried out.
_UNCERTAIN = (SentryConnectionError, SentryServerError)


def _canonical(value: Any) -> Any:
    """``value`` with whole floats as ints: a sort key that orders ``60`` and ``60.0`` (the
    wire's spelling of it) alike."""
    if isinstance(value, dict):
        return {k: _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _sorted(items: list[Any]) -> list[Any]:
    return sorted(items, key=lambda item: json.dumps(_canonical(item), sort_keys=True))


def _strip(value: Any, drop: frozenset[str]) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v, drop) for k, v in value.items() if k not in drop}
    if isinstance(value, list):
        return [_strip(v, drop) for v in value]
    return value


_SERVER_KEYS = frozenset({"id", "organizationId", "status", "dateCreated", "dateUpdated",
                          "createdBy", "lastTriggered", "latestGroup", "detectorIds",
                          "workflowIds", "owner", "projectId"})


def normalize_detector(body: dict[str, Any], query_type: int | None = None) -> dict[str, Any]:
    """A detector as we send it, from a request body or Sentry's response."""
    source = (body.get("dataSources") or [{}])[0]
    snuba = source.get("queryObj", {}).get("snubaQuery", source) if "queryObj" in source \
        else source
    data = {k: snuba.get(k) for k in ("dataset", "aggregate", "query", "eventTypes",
                                      "timeWindow", "environment")}
    # Sentry may answer queryType as null; keep ours (terraform-provider-sentry #886).
    data["queryType"] = snuba.get("queryType") if snuba.get("queryType") is not None \
        else query_type
    group = body.get("conditionGroup") or {}
    conditions = [{k: c.get(k) for k in ("type", "comparison", "conditionResult")}
                  for c in group.get("conditions") or []]
    for c in conditions:
        if isinstance(c["comparison"], float) and c["comparison"].is_integer():
            c["comparison"] = int(c["comparison"])
        elif isinstance(c["comparison"], dict):
            c["comparison"] = _anomaly_comparison(c["comparison"])
    config = {k: v for k, v in (body.get("config") or {}).items() if v is not None}
    return {"name": body.get("name"), "type": body.get("type"), "enabled": body.get("enabled"),
            "description": body.get("description"), "dataSource": data, "config": config,
            "conditions": _sorted(conditions)}


def _anomaly_comparison(comparison: dict[str, Any]) -> dict[str, Any]:
    """An anomaly condition's comparison as we send it (``thresholdType``): Sentry stores
    ``threshold_type`` (``CamelSnakeSerializer``) and its serializer camelCases it back, so
    either spelling, and a float from the wire, read the same."""
    out = dict(comparison)
    if "threshold_type" in out and "thresholdType" not in out:
        out["thresholdType"] = out.pop("threshold_type")
    value = out.get("thresholdType")
    if isinstance(value, float) and value.is_integer():
        out["thresholdType"] = int(value)
    return out


def normalize_workflow(body: dict[str, Any]) -> dict[str, Any]:
    """A workflow as we send it (actions resolved), from a request body or a response."""
    clean = _strip(body, _SERVER_KEYS)
    triggers = clean.get("triggers") or {}
    filters = []
    for f in clean.get("actionFilters") or []:
        actions = []
        for action in f.get("actions") or []:
            config = dict(action.get("config") or {})
            display = config.get("targetDisplay")
            if action.get("type") == "slack" and isinstance(display, str):
                config["targetDisplay"] = display.lstrip("#")  # Sentry adds '#' on reads
            actions.append({**action, "config": config})
        filters.append({"logicType": f.get("logicType"),
                        "conditions": _sorted(f.get("conditions") or []),
                        "actions": _sorted(actions)})
    return {"name": clean.get("name"), "enabled": clean.get("enabled", True),
            "environment": clean.get("environment"), "config": clean.get("config") or {},
            "triggers": {"logicType": triggers.get("logicType", triggers.get("logic_type")),
                         "conditions": _sorted(triggers.get("conditions") or [])},
            "actionFilters": _sorted(filters)}


# Sentry's types for the numbers each kind sends (see providers.wire). A detector compares
# with any number (a crash-free rate of 99.5); everything else is an integer field:
# DataCondition.condition_result, the snuba query's time_window and query_type, the config's
# comparison_delta (seconds), and every number in a workflow (its frequency in minutes and the
# condition handlers' JSON schemas, which declare integers: workflow_engine/handlers/condition/).
MONITOR_WIRE = WireTypes(
    numbers={"detector.conditionGroup.conditions[].comparison": NUMBER,
             # an anomaly condition's direction (AnomalyDetectionThresholdType: 0, 1, 2)
             "detector.conditionGroup.conditions[].comparison.thresholdType": WHOLE,
             "detector.conditionGroup.conditions[].conditionResult": WHOLE,
             "detector.dataSources[].timeWindow": WHOLE,
             "detector.dataSources[].queryType": WHOLE,
             "detector.config.comparisonDelta": WHOLE},
    # Dropped on the wire when the rule has none; sent as null so an update clears it.
    nulls=("detector.description",))
ALERT_WIRE = WireTypes(numbers={"workflow.**": WHOLE},
                       # A workflow for every environment says so with null.
                       nulls=("workflow.environment",))


class _ObjectProvider(SentryApiProvider):
    """Create-by-POST objects: shared create/update/read/delete around a few hooks."""

    identity: tuple[str, ...] = ("organization", "project")
    spec_key = ""
    # The payload key that names the object (a dashboard has a title instead).
    name_key = "name"
    # How long one listing answers Reads (a refresh takes seconds; an update made in between
    # by this process is not in it, so it is never used long).
    listing_ttl = 30.0
    # How long a create whose answer was lost is given to show up before it is sent again.
    lost_create_wait = 10.0
    lost_create_poll = 0.5

    def _await_lost_create(
        self, client: SentryClient, props: dict[str, Any], body: dict[str, Any]
    ) -> str | None:
        deadline = time.monotonic() + self.lost_create_wait
        while True:
            found = self.find_created(client, props, body)
            if found is not None or time.monotonic() >= deadline:
                return found
            time.sleep(self.lost_create_poll)

    def describe(self, id_: str, props: dict[str, Any]) -> str:
        """The object as a person finds it in Sentry: kind, name and id."""
        kind = type(self).__name__.removesuffix("Provider")
        name = (props.get(self.spec_key) or {}).get(self.name_key)
        return f"{kind} '{name}' (id {id_})"

    def project_id(self, client: SentryClient, props: dict[str, Any]) -> str:
        """Sentry's numeric id of the resource's project, looked up once per deployment."""
        return Resolver(client, props["organization"], self.lookups()).project_id(
            props["project"])

    def collection(self, props: dict[str, Any]) -> str:
        raise NotImplementedError

    def item(self, props: dict[str, Any], id_: str) -> str:
        raise NotImplementedError

    def find_created(self, client: SentryClient, props: dict[str, Any],
                     body: dict[str, Any]) -> str | None:
        """The id of the object ``body`` would have made for this resource, if Sentry has it:
        same project, same kind, and what ties it to this resource (for an alert, its
        monitors), never a name alone (names repeat across projects)."""
        raise NotImplementedError

    def payload(self, client: SentryClient, props: dict[str, Any]) -> dict[str, Any]:
        return dict(props[self.spec_key])

    def normalize(self, body: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        raise NotImplementedError

    # -- contract ------------------------------------------------------------------------------

    def check_inputs(self, news: dict[str, Any]) -> list[dyn.CheckFailure]:
        spec = news.get(self.spec_key)
        if isinstance(spec, Unknown):
            return []
        if not isinstance(spec, dict) or not spec.get(self.name_key):
            return [dyn.CheckFailure(self.spec_key,
                                     f"expected a payload with a {self.name_key}")]
        return []

    def diff_inputs(self, _id: str, olds: dict[str, Any], news: dict[str, Any]
                    ) -> dyn.DiffResult:
        replaces = self.replacements(olds, news)
        # __provider is the pickled provider: a new pickle of the same provider (another
        # Pulumi or dill version) changes nothing in Sentry.
        inputs = sorted(k for k in set(olds) | set(news)
                        if k not in (APPLIED, LIVE, SOURCES, ADOPT, PROVIDER_KEY,
                                     PREVIOUS_PROJECTS)
                        and olds.get(k) != news.get(k))
        drifted = olds.get(LIVE) is not None and olds.get(LIVE) != olds.get(APPLIED)
        if drifted:
            report(self.describe(_id, olds), olds.get(APPLIED), olds.get(LIVE),
                   "the next up writes the YAML's values back")
        return dyn.DiffResult(changes=bool(replaces or inputs or drifted), replaces=replaces,
                              stables=list(self.identity), delete_before_replace=False)

    def create_object(self, props: dict[str, Any]) -> dyn.CreateResult:
        with self.client() as client:
            body = self.payload(client, props)
            # An object `sentry-iac import` found, or one an earlier deploy made but could not
            # record (interrupted after Sentry answered): make it what the YAML says and keep
            # its id, rather than make a second one (people would be paged twice).
            adopt = str(props[ADOPT]) if props.get(ADOPT) else None
            existing = adopt or self.made_before(client, props, body)
            if existing is not None:
                try:
                    self.take_over(client, props, existing, body)
                except SentryNotFoundError:
                    if adopt is not None:
                        raise
                    existing = None  # listed when this deploy began, deleted since
            if existing is not None:
                self._forget_listed(props, existing)
                applied = self.normalize(body, props)
                return dyn.CreateResult(existing,
                                        outs={**props, APPLIED: applied, LIVE: applied})
            try:
                id_ = str(client.create(self.collection(props), body,
                                        field_locations=props.get(SOURCES))["id"])
            except SentryUnexpectedResponseError:
                # Sentry says it made the object but not which one: find it, else say so.
                found = self.find_created(client, props, body)
                if found is None:
                    raise
                id_ = found
            except _UNCERTAIN:
                # The POST may have been applied, or may still be: adopt what it made rather
                # than make a second one; send it again only once nothing has appeared.
                found = self._await_lost_create(client, props, body)
                if found is None:
                    id_ = str(client.create(self.collection(props), body)["id"])
                else:
                    id_ = found
                    client.put(self.item(props, id_), body)
            applied = self.normalize(body, props)
        return dyn.CreateResult(id_, outs={**props, APPLIED: applied, LIVE: applied})

    def same_object(self, live: dict[str, Any], body: dict[str, Any],
                    props: dict[str, Any]) -> bool:
        """Whether Sentry's answer ``live`` already is what ``body`` would make it."""
        return self.normalize(live, props) == self.normalize(body, props)

    def take_over(self, client: SentryClient, props: dict[str, Any], existing: str,
                  body: dict[str, Any]) -> None:
        """Make the existing object ``body``: a PUT only where Sentry differs, so adopting an
        object that already is what the YAML says (``sentry-iac import``) writes nothing."""
        try:
            live = client.get_object(self.item(props, existing))
        except SentryNotFoundError:
            live = None
        if live is not None and self.same_object(live, body, props):
            return
        client.put(self.item(props, existing), body, field_locations=props.get(SOURCES))

    def update_object(self, id_: str, olds: dict[str, Any], news: dict[str, Any]
                      ) -> dyn.UpdateResult:
        with self.client() as client:
            body = self.payload(client, news)
            if olds.get(APPLIED) is not None:
                # The PUT replaces the whole object: say first which edits made in Sentry it
                # overwrites, even when the change that caused it is elsewhere in the YAML.
                live = self.normalize(client.get_object(self.item(news, id_)), news)
                report(self.describe(id_, olds), olds[APPLIED], live,
                       "this update overwrites it with the YAML's values")
            client.put(self.item(news, id_), body, field_locations=news.get(SOURCES))
            self._forget_listed(news, id_)
            applied = self.normalize(body, news)
        return dyn.UpdateResult(outs={**news, APPLIED: applied, LIVE: applied})

    def read_object(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        with self.client() as client:
            body = self._listed(client, id_, props)
            if body is None:  # not in the listing (made since, or gone): ask for it alone
                body = client.get_object(self.item(props, id_))
            live = self.normalize(body, props)
        return dyn.ReadResult(id_, {**props, LIVE: live})

    def delete_object(self, id_: str, props: dict[str, Any]) -> None:
        with self.client() as client, contextlib.suppress(SentryNotFoundError):
            client.delete(self.item(props, id_), missing_ok=True)
        self._forget_listed(props, id_)

    # -- what this process found in Sentry ------------------------------------------------------

    def made_before(self, client: SentryClient, props: dict[str, Any],
                    body: dict[str, Any]) -> str | None:
        """The object an earlier deploy made for this resource but could not record, checked
        before every create. By default ``find_created``; kinds with a paged listing look in
        the one ``existing`` takes once per process, instead of one request per create."""
        return self.find_created(client, props, body)

    def existing(self, client: SentryClient, props: dict[str, Any]) -> list[dict[str, Any]]:
        """Every object of this kind in the organisation when this process first asked: one
        paged listing per process, taken before this process made any (every create asks
        first, and the first to ask fetches it while the others wait), so whatever an
        interrupted deploy made is in it and nothing this process made is."""
        scope = self.listing(props)
        if scope is None:
            raise NotImplementedError(f"{type(self).__name__} has no listing")
        path, params = scope
        items, _ = self.lookups().fetch(f"made before {path} {sorted(params.items())}",
                                        lambda: list(client.paginate(path, params)))
        return items

    # -- reads by pages ------------------------------------------------------------------------

    def listing(self, props: dict[str, Any]) -> tuple[str, dict[str, str]] | None:
        """The list endpoint (path, query) whose pages hold every object of this kind in the
        organisation in the same shape as its own GET, or None to read each on its own."""
        return None

    def _listing_key(self, props: dict[str, Any]) -> tuple[str, str, dict[str, str]] | None:
        scope = self.listing(props)
        if scope is None:
            return None
        path, params = scope
        return f"listing {path} {sorted(params.items())}", path, params

    def _listed(self, client: SentryClient, id_: str, props: dict[str, Any]
                ) -> dict[str, Any] | None:
        """The object from one paged listing of the organisation's objects of this kind,
        fetched once and shared by the provider host's parallel Reads (of every provider
        listing the same endpoint): a refresh of a thousand alerts reads ten pages, not a
        thousand objects. An object the listing does not hold (made since, or moved between
        pages as others were deleted) is read on its own by the caller. A listing older than
        ``listing_ttl`` is fetched again."""
        scope = self._listing_key(props)
        if scope is None:
            return None
        key, path, params = scope
        cache = self.lookups()

        def load() -> list[Any]:
            return [time.monotonic(), {str(o.get("id")): o for o in client.paginate(path, params)}]

        entry, _ = cache.fetch(key, load)
        if time.monotonic() - entry[0] > self.listing_ttl:
            cache.forget(key, entry)
            entry, _ = cache.fetch(key, load)
        # Each object is answered from a listing once: a second Read of it in this process
        # (after a change in Sentry or by this provider) asks Sentry again.
        found: dict[str, Any] | None = entry[1].pop(id_, None)
        return found

    def _forget_listed(self, props: dict[str, Any], id_: str) -> None:
        """This process wrote the object: a listing fetched before no longer answers for it."""
        scope = self._listing_key(props)
        entry = self.lookups().known(scope[0]) if scope is not None else None
        if entry is not None:
            entry[1].pop(id_, None)


class MonitorProvider(_ObjectProvider):
    """A metric monitor: ``detector`` is the body of Sentry's create call."""

    spec_key = "detector"

    def collection(self, props: dict[str, Any]) -> str:
        return api_path("organizations", props["organization"], "projects", props["project"],
                        "detectors")

    def item(self, props: dict[str, Any], id_: str) -> str:
        return api_path("organizations", props["organization"], "detectors", id_)

    def wire_types(self) -> WireTypes:
        return MONITOR_WIRE

    def listing(self, props: dict[str, Any]) -> tuple[str, dict[str, str]] | None:
        # The detector list serializes each detector as its own GET does (serialize(...) in
        # OrganizationDetectorIndexEndpoint.get, organization_detector_index.py). Without
        # `project` it holds only the caller's member projects (get_projects); -1 is every
        # project the token can access, on every Sentry version (ALL_ACCESS_PROJECT_ID).
        return api_path("organizations", props["organization"], "detectors"), {
            "project": ALL_PROJECTS}

    @staticmethod
    def _made_for(detectors: Iterable[dict[str, Any]], body: dict[str, Any], project_id: str
                  ) -> str | None:
        for detector in detectors:
            if (detector.get("name") == body["name"] and detector.get("type") == body["type"]
                    and str(detector.get("projectId")) == project_id):
                return str(detector["id"])
        return None

    def made_before(self, client: SentryClient, props: dict[str, Any],
                    body: dict[str, Any]) -> str | None:
        return self._made_for(self.existing(client, props), body,
                              self.project_id(client, props))

    def find_created(self, client: SentryClient, props: dict[str, Any],
                     body: dict[str, Any]) -> str | None:
        project_id = self.project_id(client, props)
        path = api_path("organizations", props["organization"], "detectors")
        return self._made_for(client.paginate(path, {"project": project_id,
                                                     "query": str(body["name"])}),
                              body, project_id)

    def normalize(self, body: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        sources = props[self.spec_key].get("dataSources") or [{}]
        return normalize_detector(body, sources[0].get("queryType"))

    # An anomaly monitor that Sentry refuses for want of the feature or of Seer is told at its
    # rule (providers.anomaly).
    def create_object(self, props: dict[str, Any]) -> dyn.CreateResult:
        with told_at_the_rule(props, self.spec_key):
            return super().create_object(props)

    def update_object(self, id_: str, olds: dict[str, Any], news: dict[str, Any]
                      ) -> dyn.UpdateResult:
        with told_at_the_rule(news, self.spec_key):
            return super().update_object(id_, olds, news)


class AlertProvider(_ObjectProvider):
    """An alert: ``workflow`` with actions by channel; ``detectors`` lists monitor ids, or is
    empty to use the project's default issue-stream monitor."""

    spec_key = "workflow"

    def collection(self, props: dict[str, Any]) -> str:
        return api_path("organizations", props["organization"], "workflows")

    def item(self, props: dict[str, Any], id_: str) -> str:
        return api_path("organizations", props["organization"], "workflows", id_)

    def wire_types(self) -> WireTypes:
        return ALERT_WIRE

    def listing(self, props: dict[str, Any]) -> tuple[str, dict[str, str]] | None:
        # The workflow list serializes each workflow as its own GET does (WorkflowSerializer,
        # OrganizationWorkflowIndexEndpoint.get). -1, like no project at all, is every
        # project the token can access, and keeps the alerts connected to no monitor
        # (filter_workflows: "the all-project sentinels are equivalent to no project filter").
        return self.collection(props), {"project": ALL_PROJECTS}

    @staticmethod
    def _made_for(workflows: Iterable[dict[str, Any]], body: dict[str, Any]) -> str | None:
        # The monitors an alert is connected to belong to one project and one rule: with the
        # name they identify the alert this resource made (an alert of the same name in
        # another project is connected to that project's monitors).
        linked = sorted(str(d) for d in body.get("detectorIds") or [])
        for workflow in workflows:
            if (workflow.get("name") == body["name"]
                    and sorted(str(d) for d in workflow.get("detectorIds") or []) == linked
                    and workflow.get("environment") == body.get("environment")):
                return str(workflow["id"])
        return None

    def made_before(self, client: SentryClient, props: dict[str, Any],
                    body: dict[str, Any]) -> str | None:
        return self._made_for(self.existing(client, props), body)

    def find_created(self, client: SentryClient, props: dict[str, Any],
                     body: dict[str, Any]) -> str | None:
        linked = sorted(str(d) for d in body.get("detectorIds") or [])
        params = {"query": str(body["name"])}
        if linked:
            params["detector"] = linked[0]  # the workflow list's own filter (filter_workflows)
        return self._made_for(client.paginate(self.collection(props), params), body)

    def payload(self, client: SentryClient, props: dict[str, Any]) -> dict[str, Any]:
        resolver = Resolver(client, props["organization"], self.lookups())
        spec = props[self.spec_key]
        filters = [{**f, "actions": [resolver.action(a) for a in f.get("actions", [])]}
                   for f in spec.get("actionFilters", [])]
        tickets = sorted({a["type"] for f in filters for a in f["actions"]
                          if a["type"] in TICKET_ACTIONS})
        if tickets:
            resolver.require_feature(TICKET_FEATURE, f"alert '{spec.get('name')}' "
                                                     f"({', '.join(tickets)} issues)")
        detectors = [str(d) for d in props.get("detectors") or []] or [
            resolver.default_detector(props["project"])]
        return {**spec, "actionFilters": filters, "detectorIds": detectors}

    def normalize(self, body: dict[str, Any], props: dict[str, Any]) -> dict[str, Any]:
        return normalize_workflow(body)

    def same_object(self, live: dict[str, Any], body: dict[str, Any],
                    props: dict[str, Any]) -> bool:
        # The normal form leaves out the monitors an alert is connected to: compare them too.
        return super().same_object(live, body, props) and sorted(
            str(d) for d in live.get("detectorIds") or []) == sorted(
            str(d) for d in body.get("detectorIds") or [])

