"""The Repository provider: links a GitHub repository, and takes over one that is already
linked instead of failing on Sentry's 400 repo_exists (terraform-provider-sentry #581)."""

from __future__ import annotations

import pytest

from sentry_iac.offline.engine import Plan
from sentry_iac.providers import SentryValidationError
from sentry_iac.providers.repositories import RepositoryProvider
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.repositories import FakeRepository
from tests.providers.scaffold import configured, inputs

NAME = "dbca-wa/science-projects"
REPOS = "/api/0/organizations/dbca/repos/"


def _github(fake: FakeSentry, name: str = "dbca-wa") -> str:
    return next(i.id for i in fake.org.integrations.values()
                if i.provider == "github" and i.name == name)


def test_a_new_repository_is_linked(fake: FakeSentry, production: Plan) -> None:
    made = configured(RepositoryProvider(), fake).create(inputs(production, "Repository", NAME))
    repo = fake.org.repositories[made.id]
    assert (repo.name, repo.integration_id) == (NAME, _github(fake))
    assert made.outs["adopted"] is False


def test_an_already_linked_repository_is_adopted(fake: FakeSentry, production: Plan) -> None:
    linked = FakeRepository(id=fake.org.next_id(), name=NAME, integration_id=_github(fake))
    fake.org.repositories[linked.id] = linked
    made = configured(RepositoryProvider(), fake).create(inputs(production, "Repository", NAME))
    assert made.id == linked.id and made.outs["adopted"] is True
    assert len(fake.org.repositories) == 1
    assert [e.status for e in fake.requests("POST", REPOS)] == [400]


def test_a_repository_linked_through_another_integration_is_not_taken(
    fake: FakeSentry, production: Plan
) -> None:
    other = fake.org.add_integration("github", name="someone-else")
    # Sentry refuses the same repository twice whichever way it was linked; adopting it would
    # point code mappings at another installation, so the 400 stands.
    fake.org.repositories["9"] = FakeRepository(id="9", name=NAME, integration_id=other.id)
    fake.fail("POST", REPOS, status=400, body={"detail": {
        "code": "repo_exists", "message": "A repository with that configuration already exists",
        "extra": {}}})
    with pytest.raises(SentryValidationError):
        configured(RepositoryProvider(), fake).create(inputs(production, "Repository", NAME))


def test_a_repository_unlinked_in_sentry_leaves_the_state(
    fake: FakeSentry, production: Plan
) -> None:
    provider = configured(RepositoryProvider(), fake)
    props = inputs(production, "Repository", NAME)
    made = provider.create(props)
    assert provider.read(made.id, {**props, **made.outs}).id == made.id
    fake.org.repositories[made.id].status = "pending_deletion"
    assert provider.read(made.id, {**props, **made.outs}).id == ""
