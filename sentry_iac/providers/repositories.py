"""A dynamic provider for the organisation's GitHub repositories
(``/organizations/{org}/repos/``), which adopts a repository that is already linked.

pulumiverse_sentry's ``SentryOrganizationRepositoryGithub`` POSTs the repository and fails when
Sentry already has it: 400 ``repo_exists`` "A repository with that configuration already
exists" (``RepoExistsError``, src/sentry/plugins/providers/integration_repository.py), which is
the normal case for an organisation whose repositories were linked in Sentry's UI
(terraform-provider-sentry #581). Here ``create`` takes the linked one over instead: it is
found in the repository list (``OrganizationRepositoriesEndpoint``, ``?query=`` matches the
name) by its name and integration. Its id is the resource's id, for code mappings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pulumi.dynamic as dyn

from sentry_iac.providers.errors import SentryValidationError
from sentry_iac.providers.paths import api_path
from sentry_iac.providers.resolve import Resolver
from sentry_iac.providers.runtime import SentryApiProvider

if TYPE_CHECKING:  # the HTTP client is loaded where a provider runs, not where it is declared
    from sentry_iac.providers.client import SentryClient


def _already_linked(error: SentryValidationError) -> bool:
    # {"detail": {"code": "repo_exists", "message": "A repository with that configuration
    # already exists"}}: the client keeps the message as the detail.
    return "already exists" in str(error.detail)


class RepositoryProvider(SentryApiProvider):
    """``identifier`` is ``owner/name``; ``integration`` the GitHub integration's name."""

    identity = ("organization", "identifier")

    def diff_inputs(self, _id: str, olds: dict[str, Any], news: dict[str, Any]
                    ) -> dyn.DiffResult:
        replaces = [k for k in (*self.identity, "integration") if olds.get(k) != news.get(k)]
        return dyn.DiffResult(changes=bool(replaces), replaces=replaces,
                              stables=list(self.identity), delete_before_replace=True)

    def _find(self, client: SentryClient, props: dict[str, Any], integration_id: str
              ) -> dict[str, Any] | None:
        path = api_path("organizations", props["organization"], "repos")
        for repo in client.paginate(path, {"query": str(props["identifier"])}):
            if (repo.get("name") == props["identifier"]
                    and str(repo.get("integrationId")) == integration_id):
                return dict(repo)
        return None

    def _integration_id(self, client: SentryClient, props: dict[str, Any]) -> str:
        if props.get("integrationId"):
            return str(props["integrationId"])
        resolver = Resolver(client, props["organization"], self.lookups())
        return str(resolver.integration("github", props["integration"])["id"])

    def create_object(self, props: dict[str, Any]) -> dyn.CreateResult:
        with self.client() as client:
            integration_id = self._integration_id(client, props)
            path = api_path("organizations", props["organization"], "repos")
            try:
                repo = client.create(path, {"provider": "integrations:github",
                                            "installation": integration_id,
                                            "identifier": props["identifier"]})
                adopted = False
            except SentryValidationError as exc:
                found = self._find(client, props, integration_id) if _already_linked(exc) \
                    else None
                if found is None:
                    raise
                repo, adopted = found, True
        return dyn.CreateResult(str(repo["id"]), outs={
            **props, "integrationId": integration_id, "adopted": adopted})

    def read_object(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        org = str(props["organization"])
        path = api_path("organizations", org, "repos")
        with self.client() as client:
            integration_id = self._integration_id(client, props)
            # One list of the organisation's linked repositories (active ones: the endpoint's
            # default status) answers every repository's Read.
            linked: list[dict[str, Any]] = self.reads().answer(
                f"linked repositories of {org}", lambda: list(client.paginate(path)),
                reader="Repository", item=id_)
        found = next((r for r in linked if str(r.get("id")) == id_), None)
        if found is None or found.get("name") != props["identifier"] or str(
                found.get("integrationId")) != integration_id:
            return dyn.ReadResult("", {})  # unlinked in Sentry: the engine drops it
        return dyn.ReadResult(id_, props)

    def update_object(self, _id: str, olds: dict[str, Any], news: dict[str, Any]
                      ) -> dyn.UpdateResult:
        return dyn.UpdateResult(outs={**olds, **news})

    def delete_object(self, id_: str, props: dict[str, Any]) -> None:
        with self.client() as client:
            client.delete(api_path("organizations", props["organization"], "repos", id_),
                          missing_ok=True)
