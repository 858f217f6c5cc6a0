"""An `up` interrupted after Sentry made an object but before the engine recorded it (a killed
CI job, a lost connection): the next `up` creates it again from the engine's point of view, and
each provider must find what the earlier run made instead of making a second one (two alerts
would page people twice; a second cron monitor or dashboard is refused as "slug in use" /
"title taken")."""

from __future__ import annotations

from tests.engine.engine import StackEngine
from tests.engine.sentry import empty_organization
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN
from tests.helpers import EXAMPLE

# The kinds Sentry makes on POST, each with a new id: the ones a repeated create duplicates.
POSTED_KINDS = ("Monitor", "Alert", "CronMonitor", "CronAlert", "Dashboard")


def _objects(fake: FakeSentry) -> dict[str, set[str]]:
    org = fake.org
    return {"detectors": set(org.detectors), "workflows": set(org.workflows),
            "monitors": {m.id for m in org.monitors.values()},
            "dashboards": set(org.dashboards)}


def test_the_next_up_adopts_what_an_interrupted_up_made() -> None:
    with empty_organization() as fake:
        engine = StackEngine(EXAMPLE, "production", fake, token=FAKE_TOKEN)
        first = engine.up()
        assert first.ok, first.explain()
        made = {urn: r.id for urn, r in engine.state.items()
                if r.dynamic and r.kind in POSTED_KINDS}
        assert {engine.state[urn].kind for urn in made} == set(POSTED_KINDS)
        before = _objects(fake)
        for urn in made:  # what an interruption leaves: in Sentry, not in the state
            del engine.state[urn]

        second = engine.up()
        assert second.ok, second.explain()
        assert {s.urn for s in second.ops("create")} == set(made)
        assert _objects(fake) == before
        assert [e for e in second.writes if e.method == "POST"] == []
        assert {urn: engine.state[urn].id for urn in made} == made


def test_a_201_without_an_id_is_a_worded_error_through_the_host() -> None:
    """Sentry answers a monitor's create with success but no id: through Pulumi's provider
    host the step fails with what happened and what to check, never a KeyError."""
    with empty_organization() as fake:
        engine = StackEngine(EXAMPLE, "production", fake, token=FAKE_TOKEN)
        fake.fail("POST", "/api/0/organizations/dbca/projects/*/detectors/", status=201,
                  body={"name": "High error rate [production]"})
        up = engine.up()
        assert not up.ok
        (error,) = [e for e in up.errors if "Monitor" in e and "Create failed" in e]
        assert "answered 201 without an id" in error
        assert "check Sentry before running again" in error
        assert "KeyError" not in "\n".join(up.errors)
