"""Both example stacks deploy on a Sentry from before 2026, which answers 400 to a project
slug in ``?project=`` (self-hosted releases of that time still do); and a token that cannot
deploy is stopped before it writes anything."""

from __future__ import annotations

from tests.engine.engine import StackEngine
from tests.engine.lifecycle import STACKS
from tests.engine.sentry import empty_organization
from tests.fake_sentry.fixtures import FAKE_TOKEN
from tests.helpers import EXAMPLE


def test_the_first_up_of_both_stacks_needs_no_slug_in_project_queries() -> None:
    with empty_organization(slugs_in_project_queries=False) as fake:
        for stack in STACKS:
            engine = StackEngine(EXAMPLE, stack, fake, token=FAKE_TOKEN)
            up = engine.up()
            assert up.ok, up.explain()
            assert up.ops("create")
            sent = [value for e in up.exchanges for value in e.query.get("project", [])]
            assert sent and all(value.isdigit() or value == "-1" for value in sent)
            assert all(e.status != 400 for e in up.exchanges)


def test_an_up_with_an_organization_auth_token_stops_before_writing() -> None:
    """An organization auth token carries only org:ci: every write would be 403."""
    with empty_organization() as fake:
        fake.scopes = frozenset({"org:ci"})
        up = StackEngine(EXAMPLE, "production", fake, token=FAKE_TOKEN).up()
        assert not up.ok
        (error,) = [e for e in up.errors if "token" in e]
        assert "lacks org:write" in error and "only org:ci" in error
        assert up.writes == [] and not up.ops("create")


def test_a_token_without_team_write_is_named_before_anything_is_written() -> None:
    with empty_organization() as fake:
        fake.scopes = frozenset(fake.scopes - {"team:write", "team:admin"})
        up = StackEngine(EXAMPLE, "production", fake, token=FAKE_TOKEN).up()
        assert any("team:write (teams)" in e for e in up.errors), up.errors
        assert up.writes == []
