"""Answers for the mock engine: ids and computed outputs for resources, data-source lookups from
the spec. Every value is a visible placeholder, never something that looks like a real secret."""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Any

import pulumi

if TYPE_CHECKING:  # the floor of the benchmark runs these mocks without loading any spec
    from sentry_iac.config.loader import Spec

# The public key in the placeholder DSNs: visibly fake, and a module constant so a test can make
# it a sentinel and prove no DSN ever reaches an output.
OFFLINE_PUBLIC_KEY = "offline-public-key"
GET_TEAM = "sentry:index/getSentryTeam:getSentryTeam"
GET_ORGANIZATION = "sentry:index/getSentryOrganization:getSentryOrganization"
GET_INTEGRATION = ("sentry:index/getSentryOrganizationIntegration:"
                   "getSentryOrganizationIntegration")


def placeholder_id(kind: str, name: str) -> str:
    """A stable numeric id, like Sentry's, derived from the name (same every run)."""
    return str(zlib.crc32(f"{kind}:{name}".encode()) % 10_000_000)


class LookupError_(Exception):
    """A data-source call the spec cannot answer (a program bug, not a config error)."""


class SpecMocks(pulumi.runtime.Mocks):
    def __init__(self, spec: Spec | None) -> None:
        self.spec = spec
        self.lookups: list[dict[str, Any]] = []

    def new_resource(
        self, args: pulumi.runtime.MockResourceArgs
    ) -> tuple[str | None, dict[Any, Any]]:
        state = dict(args.inputs)
        short = args.typ.rsplit(":", 1)[-1]
        internal = placeholder_id(short, args.name)
        # State uses the wire (camelCase) names, as a provider would answer.
        if short == "SentryTeam":
            state.update(internalId=internal, teamId=internal)
        elif short == "SentryProject":
            state.update(internalId=internal, projectId=int(internal))
        elif short == "SentryOrganizationMember":
            state.update(internalId=internal, pending=True, expired=False)
        elif short in ("SentryOrganizationRepositoryGithub", "SentryOrganizationCodeMapping"):
            state.update(internalId=internal)
        elif short == "SentryKey":
            project = state.get("project", args.name)
            dsn = (f"https://{OFFLINE_PUBLIC_KEY}@offline.invalid/"
                   f"{placeholder_id('project', project)}")
            state.update(dsnPublic=dsn, dsnSecret=dsn, dsnCsp=dsn, public=OFFLINE_PUBLIC_KEY,
                         secret="offline-secret-key", isActive=True)
        return f"{args.name}-{internal}", state

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[Any, Any], Any]:
        self.lookups.append({"token": args.token, "args": dict(args.args)})
        if self.spec is None:
            raise LookupError_("the configuration did not load, so lookups cannot be answered")
        org = self.spec.org
        if args.token == GET_TEAM:
            slug = args.args.get("slug")
            team = next((t for t in org.teams if t.slug == slug), None)
            if team is None:
                raise LookupError_(f"team '{slug}' is not declared in org.yaml")
            internal = placeholder_id("SentryTeam", team.slug)
            return {"id": internal, "internalId": internal, "slug": team.slug,
                    "name": team.display_name, "organization": org.organization}, []
        if args.token == GET_ORGANIZATION:
            internal = placeholder_id("organization", org.organization)
            return {"id": org.organization, "internalId": internal,
                    "slug": org.organization, "name": org.organization}, []
        if args.token == GET_INTEGRATION:
            # Integrations are installed in Sentry, not declared: offline, any name resolves
            # to a placeholder, and the plan shows the name that will be looked up.
            key = args.args.get("providerKey", args.args.get("provider_key"))
            name = args.args.get("name")
            internal = placeholder_id("integration", f"{key}:{name}")
            return {"id": internal, "internalId": internal, "name": name,
                    "providerKey": key, "organization": org.organization}, []
        raise LookupError_(f"the offline engine cannot answer the lookup {args.token}")
