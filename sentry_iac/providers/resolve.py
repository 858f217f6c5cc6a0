"""Deploy-time lookups: channel names from the YAML -> the integration, team and user ids that
Sentry's actions need, and a project's default issue-stream monitor."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from sentry_iac.providers.paths import api_path
from sentry_iac.sentry.actions import (
    ACTIVE_MEMBERS,
    OPSGENIE_DEFAULT_PRIORITY,
    PAGERDUTY_DEFAULT_SEVERITY,
    TARGET_TABLES,
)
from sentry_iac.sentry.alerts import ISSUE_STREAM_DETECTOR

if TYPE_CHECKING:  # the HTTP client is loaded where a provider runs, not where it is declared
    from sentry_iac.providers.client import SentryClient


class ResolveError(RuntimeError):
    """A name in the YAML that Sentry does not know; the message says how to fix it."""


# A list answer found by a lookup, or None to look again in a fresh list.
Found = TypeVar("Found")


class Lookups:
    """The lists deploy-time lookups fetched, shared by every call of one provider.

    The provider host runs resources from a pool of threads, so a thousand alerts may ask for
    the same list at the same moment: one thread fetches it, the others wait for that answer
    (without this, a 1,000-alert deploy fetched detector lists 70 times instead of 45).
    """

    def __init__(self) -> None:
        self._values: dict[str, list[Any]] = {}
        self._lock = threading.Lock()
        self._gates: dict[str, threading.Lock] = {}

    def fetch(self, key: str, load: Callable[[], list[Any]]) -> tuple[list[Any], bool]:
        """The list under ``key`` and whether it was already known (True) or has just been
        fetched, by this thread or one it waited for (False)."""
        with self._lock:
            if key in self._values:
                return self._values[key], True
            gate = self._gates.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                if key in self._values:
                    return self._values[key], False
            value = load()
            with self._lock:
                self._values[key] = value
            return value, False

    def known(self, key: str) -> list[Any] | None:
        """The list under ``key`` if one was fetched, without fetching it."""
        with self._lock:
            return self._values.get(key)

    def forget(self, key: str, stale: list[Any]) -> None:
        """Drop ``stale`` so the next ``fetch`` asks Sentry again; a fresher list another
        thread fetched in the meantime stays."""
        with self._lock:
            if self._values.get(key) is stale:
                del self._values[key]


class Resolver:
    """Looks names up in Sentry's lists, each list fetched once.

    ``cache`` may outlive the resolver: a provider passes the one it keeps for the whole
    deployment, so a thousand alerts naming the same channels fetch the integrations once, not
    once each. A name missing from a cached list is looked for once more in a fresh list before
    it is reported (a team or project may have been created since, in the same deployment);
    what was found stays valid, as Sentry never reuses an id.
    """

    def __init__(self, client: SentryClient, organization: str,
                 cache: Lookups | None = None) -> None:
        self.client = client
        self.organization = organization
        self._cache = cache if cache is not None else Lookups()

    def _key(self, segments: tuple[str, ...], params: dict[str, str] | None) -> str:
        return "/".join((self.organization, *segments)) + repr(sorted((params or {}).items()))

    def _list(self, *segments: str, params: dict[str, str] | None = None
              ) -> tuple[list[Any], bool]:
        path = api_path("organizations", self.organization, *segments)
        return self._cache.fetch(self._key(segments, params),
                                 lambda: list(self.client.paginate(path, params)))

    def _find(self, find: Callable[[list[Any]], Found | None], *segments: str,
              params: dict[str, str] | None = None) -> Found | None:
        """``find`` in the list; on a miss in a list cached earlier, in a fresh one."""
        items, cached = self._list(*segments, params=params)
        found = find(items)
        if found is None and cached:
            self._cache.forget(self._key(segments, params), items)
            found = find(self._list(*segments, params=params)[0])
        return found

    def _one(self, key: str, load: Callable[[], Any]) -> Any:
        return self._cache.fetch(key, lambda: [load()])[0][0]

    def project(self, slug: str) -> dict[str, Any]:
        """Project ``slug`` as the organisation's project list shows it (id, firstEvent,
        platform...: ProjectSummarySerializer), the list fetched once; a project it does not
        hold (made since) is asked for on its own, once."""
        listed, _ = self._list("projects")
        found = next((p for p in listed if isinstance(p, dict) and p.get("slug") == slug), None)
        if found is not None:
            return found
        detail: dict[str, Any] = self._one(self._key(("projects", slug), None), lambda: (
            self.client.get_object(api_path("projects", self.organization, slug))))
        return detail

    def know_project(self, slug: str, detail: dict[str, Any]) -> None:
        """A detail of project ``slug`` the caller fetched: later lookups use it."""
        self._cache.fetch(self._key(("projects", slug), None), lambda: [detail])

    def project_id(self, slug: str) -> str:
        """Sentry's numeric id of project ``slug`` (every Sentry version takes ids where it
        takes projects; slugs only since 2026)."""
        return str(self.project(slug)["id"])

    def features(self) -> list[str] | None:
        """The organisation's features, or None where Sentry does not list them. Sentry lists
        them only with ``?include_feature_flags=1`` (organization_details.py, since 2024)."""
        def load() -> list[Any] | None:
            body = self.client.get(api_path("organizations", self.organization),
                                   {"include_feature_flags": "1"})
            features = body.get("features") if isinstance(body, dict) else None
            return features if isinstance(features, list) else None

        found = self._one(self._key(("features",), None), load)
        return [str(f) for f in found] if isinstance(found, list) else None

    def require_feature(self, feature: str, needed_by: str) -> None:
        """Refuse, before anything is sent, what Sentry would refuse for a missing feature
        (BaseActionValidator._check_action_type: "Organization does not allow this action
        type")."""
        features = self.features()
        if features is not None and feature not in features:
            raise ResolveError(
                f"{needed_by} needs the organisation feature '{feature}', which organization "
                f"'{self.organization}' does not have (Sentry's Business and Enterprise plans "
                "do); route the rule elsewhere or change the plan")

    def integration(self, provider: str, name: str | None = None) -> dict[str, Any]:
        def named(items: list[Any]) -> dict[str, Any] | None:
            return next((i for i in items if name is None or i.get("name") == name), None)

        integration = self._find(named, "integrations", params={"providerKey": provider})
        if integration is None:
            which = f" named '{name}'" if name else ""
            raise ResolveError(f"no {provider} integration{which} is installed in organization "
                               f"'{self.organization}'; install it in Sentry (Settings > "
                               "Integrations) or fix the channel in org.yaml")
        return integration

    def team_id(self, slug: str) -> str:
        def with_slug(teams: list[Any]) -> str | None:
            return next((str(t["id"]) for t in teams if t.get("slug") == slug), None)

        found = self._find(with_slug, "teams")
        if found is None:
            raise ResolveError(f"team '{slug}' does not exist in organization "
                               f"'{self.organization}'")
        return found

    def user_id(self, email: str) -> str:
        def with_email(members: list[Any]) -> dict[str, Any] | None:
            return next((m for m in members
                         if str(m.get("email", "")).lower() == email.lower()), None)

        member = self._find(with_email, "members", params={"query": f"email:{email}"})
        if member is None:
            raise ResolveError(f"{email} is not a member of organization '{self.organization}'")
        user = member.get("user")
        if not user:
            raise ResolveError(f"member {email} has not accepted the invitation yet; "
                               "alerts can email them once they have")
        return str(user["id"])

    def _table_row(self, provider: str, table: str, column: str,
                   value: str) -> tuple[str, str] | None:
        def row(integrations: list[Any]) -> tuple[str, str] | None:
            for integration in integrations:
                for entry in (integration.get("configData") or {}).get(table) or []:
                    if entry.get(column) == value:
                        return str(integration["id"]), str(entry["id"])
            return None

        return self._find(row, "integrations", params={"providerKey": provider})

    def pagerduty_service(self, service: str) -> tuple[str, str]:
        """(integration id, service row id) of a PagerDuty service by name."""
        found = self._table_row("pagerduty", *TARGET_TABLES["pagerduty"], service)
        if found is None:
            raise ResolveError(f"no PagerDuty service named '{service}' in any PagerDuty "
                               f"integration of organization '{self.organization}'")
        return found

    def opsgenie_team(self, team: str) -> tuple[str, str]:
        found = self._table_row("opsgenie", *TARGET_TABLES["opsgenie"], team)
        if found is None:
            raise ResolveError(f"no Opsgenie team named '{team}' in organization "
                               f"'{self.organization}'")
        return found

    def default_detector(self, project: str, kind: str = ISSUE_STREAM_DETECTOR) -> str:
        def first(detectors: list[Any]) -> str | None:
            return str(detectors[0]["id"]) if detectors else None

        # By numeric id: Sentry before 2026 answers 400 to a slug in ?project=
        # (OrganizationEndpoint.get_requested_project_ids_unchecked).
        found = self._find(first, "detectors",
                           params={"project": self.project_id(project), "query": f"type:{kind}"})
        if found is None:
            raise ResolveError(f"project '{project}' has no {kind} monitor; Sentry creates one "
                               "for every project, so check the project slug")
        return found

    def action(self, action: dict[str, Any]) -> dict[str, Any]:
        """One channel action from the YAML as Sentry's workflow action."""
        kind = action["kind"]
        if kind == "email":
            if action.get("issue_owners"):
                return {"type": "email", "integrationId": None,
                        "data": {"fallthroughType": ACTIVE_MEMBERS},
                        "config": {"targetType": "issue_owners"}}
            if action.get("team"):
                target_type, target_id = "team", self.team_id(action["team"])
            else:
                target_type, target_id = "user", self.user_id(action["member"])
            return {"type": "email", "integrationId": None, "data": {},
                    "config": {"targetType": target_type, "targetIdentifier": target_id,
                               "targetDisplay": None}}
        if kind == "pagerduty":
            integration_id, service = self.pagerduty_service(action["service"])
            return {"type": "pagerduty", "integrationId": integration_id,
                    "data": {"priority": action.get("severity", PAGERDUTY_DEFAULT_SEVERITY)},
                    "config": {"targetType": "specific", "targetIdentifier": service,
                               "targetDisplay": action["service"]}}
        if kind == "opsgenie":
            integration_id, team = self.opsgenie_team(action["team"])
            return {"type": "opsgenie", "integrationId": integration_id,
                    "data": {"priority": action.get("priority", OPSGENIE_DEFAULT_PRIORITY)},
                    "config": {"targetType": "specific", "targetIdentifier": team,
                               "targetDisplay": action["team"]}}
        if kind in ("msteams", "slack"):
            integration = self.integration(kind, action.get("team") or action.get("workspace"))
            channel = action["channel"]
            # An empty identifier makes Sentry look the channel up by its display name.
            return {"type": kind, "integrationId": str(integration["id"]), "data": {},
                    "config": {"targetType": "specific", "targetIdentifier": "",
                               "targetDisplay": channel}}
        if kind == "discord":
            integration = self.integration("discord", action["server"])
            return {"type": "discord", "integrationId": str(integration["id"]), "data": {},
                    "config": {"targetType": "specific",
                               "targetIdentifier": action["channel_id"], "targetDisplay": None}}
        if kind == "github":
            owner = action["repo"].split("/", 1)[0]
            integration = self.integration("github", owner)
            return {"type": "github", "integrationId": str(integration["id"]),
                    "data": {"additionalFields": {"repo": action["repo"],
                                                  "integration": str(integration["id"]),
                                                  "labels": list(action.get("labels", [])),
                                                  "assignee": ""},
                             "dynamicFormFields": []},
                    "config": {"targetType": "specific"}}
        raise ResolveError(f"channel kind '{kind}' cannot be used in alerts")


def with_owner_team_id(spec: dict[str, Any], client: SentryClient, organization: str,
                       lookups: Lookups) -> dict[str, Any]:
    """A cron or uptime monitor's payload with its owner team by id (``team:<slug>`` ->
    ``team:<id>``), as Sentry's owner field takes it."""
    spec = dict(spec)
    owner = spec.get("owner")
    if isinstance(owner, str) and owner.startswith("team:"):
        team = Resolver(client, organization, lookups).team_id(owner.removeprefix("team:"))
        spec["owner"] = f"team:{team}"
    return spec
