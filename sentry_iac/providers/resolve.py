"""Deploy-time lookups: channel names from the YAML -> the integration, team and user ids that
Sentry's actions need, and a project's default issue-stream monitor."""

from __future__ import annotations

from typing import Any

from sentry_iac.providers.client import SentryClient
from sentry_iac.providers.paths import api_path


class ResolveError(RuntimeError):
    """A name in the YAML that Sentry does not know; the message says how to fix it."""


class Resolver:
    """Looks names up once per deployment step (lists are cached per instance)."""

    def __init__(self, client: SentryClient, organization: str) -> None:
        self.client = client
        self.organization = organization
        self._cache: dict[str, list[Any]] = {}

    def _list(self, *segments: str, params: dict[str, str] | None = None) -> list[Any]:
        key = "/".join(segments) + repr(sorted((params or {}).items()))
        if key not in self._cache:
            path = api_path("organizations", self.organization, *segments)
            self._cache[key] = list(self.client.paginate(path, params))
        return self._cache[key]

    def integration(self, provider: str, name: str | None = None) -> dict[str, Any]:
        found = [i for i in self._list("integrations", params={"providerKey": provider})
                 if name is None or i.get("name") == name]
        if not found:
            which = f" named '{name}'" if name else ""
            raise ResolveError(f"no {provider} integration{which} is installed in organization "
                               f"'{self.organization}'; install it in Sentry (Settings > "
                               "Integrations) or fix the channel in org.yaml")
        integration: dict[str, Any] = found[0]
        return integration

    def team_id(self, slug: str) -> str:
        for team in self._list("teams"):
            if team.get("slug") == slug:
                return str(team["id"])
        raise ResolveError(f"team '{slug}' does not exist in organization '{self.organization}'")

    def user_id(self, email: str) -> str:
        for member in self._list("members", params={"query": f"email:{email}"}):
            if str(member.get("email", "")).lower() == email.lower():
                user = member.get("user")
                if not user:
                    raise ResolveError(f"member {email} has not accepted the invitation yet; "
                                       "alerts can email them once they have")
                return str(user["id"])
        raise ResolveError(f"{email} is not a member of organization '{self.organization}'")

    def pagerduty_service(self, service: str) -> tuple[str, str]:
        """(integration id, service row id) of a PagerDuty service by name."""
        for integration in self._list("integrations", params={"providerKey": "pagerduty"}):
            table = (integration.get("configData") or {}).get("service_table") or []
            for row in table:
                if row.get("service") == service:
                    return str(integration["id"]), str(row["id"])
        raise ResolveError(f"no PagerDuty service named '{service}' in any PagerDuty integration "
                           f"of organization '{self.organization}'")

    def opsgenie_team(self, team: str) -> tuple[str, str]:
        for integration in self._list("integrations", params={"providerKey": "opsgenie"}):
            table = (integration.get("configData") or {}).get("team_table") or []
            for row in table:
                if row.get("team") == team:
                    return str(integration["id"]), str(row["id"])
        raise ResolveError(f"no Opsgenie team named '{team}' in organization "
                           f"'{self.organization}'")

    def default_detector(self, project: str, kind: str = "issue_stream") -> str:
        found = self._list("detectors", params={"project": project, "query": f"type:{kind}"})
        if not found:
            raise ResolveError(f"project '{project}' has no {kind} monitor; Sentry creates one "
                               "for every project, so check the project slug")
        return str(found[0]["id"])

    def action(self, action: dict[str, Any]) -> dict[str, Any]:
        """One channel action from the YAML as Sentry's workflow action."""
        kind = action["kind"]
        if kind == "email":
            if action.get("issue_owners"):
                return {"type": "email", "integrationId": None,
                        "data": {"fallthroughType": "ActiveMembers"},
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
                    "data": {"priority": action.get("severity", "default")},
                    "config": {"targetType": "specific", "targetIdentifier": service,
                               "targetDisplay": action["service"]}}
        if kind == "opsgenie":
            integration_id, team = self.opsgenie_team(action["team"])
            return {"type": "opsgenie", "integrationId": integration_id,
                    "data": {"priority": action.get("priority", "P3")},
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
