"""What pulumiverse_sentry's Terraform provider would do, played against the fake Sentry.

Its resources are not sentry-iac's code (their calls are terraform-provider-sentry's), so the
engine model does not drive a Terraform plugin: this stands in for it. Creating a team,
project, member or key makes it in the fake, so the dynamic resources that depend on it find it
there; the outputs carry the fake's ids under the provider's wire names (camelCase). Its data
sources (``getSentryTeam``, ``getSentryOrganizationIntegration``) answer from the fake too.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

import pulumi

from tests.fake_sentry import FakeSentry

# Outputs the Terraform provider computes: unknown in a preview until the object exists.
COMPUTED = {
    "SentryTeam": ("internalId", "teamId", "slug"),
    "SentryProject": ("internalId", "projectId", "slug"),
    "SentryOrganizationMember": ("internalId", "pending", "expired"),
    "SentryKey": ("dsnPublic", "dsnSecret", "dsnCsp", "public", "secret", "projectId"),
    "SentryOrganizationCodeMapping": ("internalId",),
}
GET_TEAM = "sentry:index/getSentryTeam:getSentryTeam"
GET_ORGANIZATION = "sentry:index/getSentryOrganization:getSentryOrganization"
GET_INTEGRATION = ("sentry:index/getSentryOrganizationIntegration:"
                   "getSentryOrganizationIntegration")
# Environments a project's events carry once its services report (Sentry makes an environment
# when the first event names it): every name a stack of the example or the benchmark maps to.
ENVIRONMENTS = ("production", "staging", "test", "qa", "development")


class BridgedSentry(pulumi.runtime.Mocks):
    def __init__(self, fake: FakeSentry, environments: Iterable[str] = ENVIRONMENTS) -> None:
        self.fake = fake
        self.environments = tuple(environments)
        self._lock = threading.Lock()
        self._ids = 0

    def computed_outputs(self, kind: str) -> tuple[str, ...]:
        return COMPUTED.get(kind, ("internalId",))

    def _next(self, prefix: str) -> str:
        self._ids += 1
        return f"{prefix}-{self._ids}"

    def apply(self, kind: str, urn: str, inputs: dict[str, Any], *,
              update: bool = False) -> tuple[str, dict[str, Any]]:
        """Create or update the object; (id, outputs)."""
        org = self.fake.org
        with self._lock:
            if kind == "sentry" or urn.split("::")[-2].startswith("pulumi:providers:"):
                return self._next("provider"), dict(inputs)
            if kind == "SentryTeam":
                team = org.teams.get(inputs["slug"]) or org.add_team(inputs["slug"],
                                                                     inputs.get("name"))
                return f"{org.slug}/{team.slug}", {**inputs, "internalId": team.id,
                                                   "teamId": team.id}
            if kind == "SentryProject":
                project = org.projects.get(inputs["slug"])
                if project is None:
                    project = org.add_project(inputs["slug"], teams=inputs.get("teams", []),
                                              environments=list(self.environments))
                    # The Terraform provider 0.11.2 cannot send default_rules: false.
                    org.add_sentrys_defaults(project)
                return f"{org.slug}/{project.slug}", {
                    **inputs, "internalId": project.id, "projectId": float(project.id)}
            if kind == "SentryOrganizationMember":
                email = inputs["email"]
                member = next((m for m in org.members.values() if m.email == email), None) or \
                    org.add_member(email, role=inputs.get("role", "member"),
                                   teams=inputs.get("teams", []))
                if update:
                    # terraform-provider-sentry 0.11.2 updates a member with PUT members/{id}/
                    # {role, teams} (resourceSentryOrganizationMemberUpdate); Sentry then writes
                    # every team membership again without a role (save_team_assignments,
                    # core/endpoints/organization_member_utils.py): team roles are forgotten.
                    member.role = inputs.get("role", member.role)
                    member.team_roles = dict.fromkeys(inputs.get("teams") or [])
                return member.id, {**inputs, "internalId": member.id, "pending": False,
                                   "expired": False}
            if kind == "SentryKey":
                project = org.projects[inputs["project"]]
                key = next((k for k in project.keys if k.name == inputs.get("name")), None) or \
                    org.add_key(project, inputs.get("name", "Default"))
                # terraform-provider-sentry 0.11.2 sends rateLimit {window, count} on create and
                # update; both are Optional+Computed, so an input left out keeps Sentry's value.
                if "rateLimitCount" in inputs:
                    key.rate_limit_count = int(inputs["rateLimitCount"])
                if "rateLimitWindow" in inputs:
                    key.rate_limit_window = int(inputs["rateLimitWindow"])
                dsn = f"https://{key.public}@127.0.0.1/{project.id}"
                return f"{org.slug}/{project.slug}/{key.id}", {
                    **inputs, "dsnPublic": dsn, "dsnSecret": dsn, "dsnCsp": dsn,
                    "public": key.public, "secret": key.secret, "isActive": True,
                    "projectId": float(project.id),
                    **({"rateLimitCount": float(key.rate_limit_count)}
                       if key.rate_limit_count is not None else {}),
                    **({"rateLimitWindow": float(key.rate_limit_window)}
                       if key.rate_limit_window is not None else {})}
            id_ = self._next(kind)
            return id_, {**inputs, "internalId": id_}

    def delete(self, resource: Any) -> None:
        """Terraform deletes what it manages; only projects and teams matter to the fake."""
        org = self.fake.org
        with self._lock:
            if resource.kind == "SentryProject":
                org.projects.pop(str(resource.inputs.get("slug")), None)
            elif resource.kind == "SentryTeam":
                org.teams.pop(str(resource.inputs.get("slug")), None)

    # -- pulumi.runtime.Mocks ------------------------------------------------------------------

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[Any, Any]]:
        raise AssertionError("the engine model registers resources itself")

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], Any]:
        org = self.fake.org
        if args.token == GET_TEAM:
            team = org.teams.get(args.args.get("slug", ""))
            if team is None:
                raise LookupError(f"team {args.args.get('slug')!r} does not exist")
            return {"id": team.id, "internalId": team.id, "slug": team.slug, "name": team.name,
                    "organization": org.slug}, []
        if args.token == GET_ORGANIZATION:
            return {"id": org.slug, "internalId": org.id, "slug": org.slug,
                    "name": org.name}, []
        if args.token == GET_INTEGRATION:
            key = args.args.get("providerKey", args.args.get("provider_key"))
            name = args.args.get("name")
            found = next((i for i in org.integrations.values()
                          if i.provider == key and (name is None or i.name == name)), None)
            if found is None:
                raise LookupError(f"no {key} integration named {name!r}")
            return {"id": found.id, "internalId": found.id, "name": found.name,
                    "providerKey": key, "organization": org.slug}, []
        raise LookupError(f"no data source {args.token}")
