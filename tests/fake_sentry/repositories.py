"""The organisation's repositories (``/organizations/{org}/repos/``).

* ``OrganizationRepositoriesEndpoint`` (src/sentry/integrations/api/endpoints/
  organization_repositories.py): GET lists them by name, ``query`` matching the name
  case-insensitively, ``status`` ``active`` (the default), ``deleted`` or ``unmigratable``;
  POST links one through an integration (``provider: integrations:<key>``, ``installation``:
  the integration id, ``identifier``: ``owner/name`` for GitHub).
* ``RepoExistsError`` (src/sentry/plugins/providers/integration_repository.py): linking one
  that is already linked is 400 ``{"detail": {"code": "repo_exists", "message": "A
  repository with that configuration already exists", "extra": {}}}``.
* ``OrganizationRepositoryDetailsEndpoint.delete``: the repository is marked for deletion
  (status ``pending_deletion``) and answered 202.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from tests.fake_sentry.lookup import object_body, org_of
from tests.fake_sentry.pagination import paginated
from tests.fake_sentry.replies import HttpError, Reply, not_found
from tests.fake_sentry.validation import REQUIRED, Invalid, drf_int

if TYPE_CHECKING:
    from tests.fake_sentry.routes import Call

REPO_EXISTS = {"detail": {"code": "repo_exists",
                          "message": "A repository with that configuration already exists",
                          "extra": {}}}


@dataclass
class FakeRepository:
    id: str
    name: str
    integration_id: str
    status: str = "active"


def _body(repo: FakeRepository) -> dict[str, Any]:
    return {"id": repo.id, "name": repo.name, "url": f"https://github.com/{repo.name}",
            "provider": {"id": "integrations:github", "name": "GitHub"},
            "status": repo.status, "dateCreated": "2024-01-15T09:30:00.000000Z",
            "integrationId": repo.integration_id, "externalSlug": repo.name,
            "externalId": f"ext-{repo.id}"}


def list_repositories(call: Call) -> Reply:
    org = org_of(call)
    wanted = call.query.get("query", [""])[0].lower()
    status = call.query.get("status", ["active"])[0]
    repos = [r for r in org.repositories.values()
             if wanted in r.name.lower()
             and (r.status == "active") == (status == "active")]
    return paginated([_body(r) for r in sorted(repos, key=lambda r: r.name)], call.query,
                     call.page_size, call.url)


def create_repository(call: Call) -> Reply:
    org = org_of(call)
    body = object_body(call)
    missing = {k: [REQUIRED] for k in ("provider", "installation", "identifier")
               if k not in body}
    if missing:
        raise Invalid(missing)
    integration = org.integrations.get(str(drf_int(body["installation"])))
    if integration is None or f"integrations:{integration.provider}" != body["provider"]:
        raise HttpError(404, {"detail": "Integration not found"})
    name = str(body["identifier"])
    if any(r.name == name and r.integration_id == integration.id and r.status == "active"
           for r in org.repositories.values()):
        raise HttpError(400, REPO_EXISTS)
    repo = FakeRepository(id=org.next_id(), name=name, integration_id=integration.id)
    org.repositories[repo.id] = repo
    return Reply(201, _body(repo))


def delete_repository(call: Call) -> Reply:
    org = org_of(call)
    repo = org.repositories.get(call.params["repo_id"])
    if repo is None or repo.status != "active":
        raise not_found()
    repo.status = "pending_deletion"
    return Reply(202, _body(repo))
