"""A refresh reads monitors and alerts from one paged listing per project, shared by the
provider host's parallel Reads, instead of one GET per object (what makes Terraform's Sentry
provider hit 429s at scale); an object the listing does not hold is still read on its own."""

from __future__ import annotations

import re

from tests.engine.engine import Deployment, StackEngine
from tests.engine.sentry import delete_in_sentry, empty_organization
from tests.fake_sentry.fixtures import FAKE_TOKEN
from tests.helpers import EXAMPLE

ONE_DETECTOR = re.compile(r"^/api/0/organizations/dbca/detectors/\d+/$")
ONE_WORKFLOW = re.compile(r"^/api/0/organizations/dbca/workflows/\d+/$")
DETECTOR_LIST = "/api/0/organizations/dbca/detectors/"
WORKFLOW_LIST = "/api/0/organizations/dbca/workflows/"


def _gets(deployment: Deployment, pattern: re.Pattern[str] | str, *, first_pages: bool = False
          ) -> int:
    def matches(path: str) -> bool:
        return bool(pattern.match(path)) if isinstance(pattern, re.Pattern) else path == pattern
    return sum(1 for e in deployment.exchanges if e.method == "GET" and matches(e.path)
               and not (first_pages and "cursor" in e.query))


def test_a_refresh_reads_monitors_and_alerts_by_pages() -> None:
    with empty_organization() as fake:
        engine = StackEngine(EXAMPLE, "production", fake, token=FAKE_TOKEN)
        assert engine.up().ok
        alerting = [r for r in engine.state.values()
                    if r.kind in ("Monitor", "Alert", "CronAlert")]
        # Each kind's provider keeps its own listings.
        monitored = {r.inputs["project"] for r in alerting if r.kind == "Monitor"}
        alerted = {(r.kind, r.inputs["project"]) for r in alerting if r.kind != "Monitor"}
        refresh = engine.refresh()
        assert refresh.ok, refresh.explain()
        assert {s.op for s in refresh.steps if s.kind in ("Monitor", "Alert", "CronAlert")
                } == {"read"}
        assert _gets(refresh, ONE_DETECTOR) == 0 and _gets(refresh, ONE_WORKFLOW) == 0
        # One listing per project, however many pages it has.
        assert _gets(refresh, DETECTOR_LIST, first_pages=True) == len(monitored)
        assert _gets(refresh, WORKFLOW_LIST, first_pages=True) == len(alerted)
        pages = _gets(refresh, DETECTOR_LIST) + _gets(refresh, WORKFLOW_LIST)
        assert pages < len(alerting) / 2  # what it saves: one GET per object


def test_an_object_made_after_the_listing_is_read_on_its_own() -> None:
    with empty_organization() as fake:
        engine = StackEngine(EXAMPLE, "production", fake, token=FAKE_TOKEN)
        assert engine.up().ok
        monitor = next(r for r in engine.state.values() if r.kind == "Monitor")
        # The listing no longer shows it (it was deleted in Sentry): the Read asks for it
        # alone, finds it gone, and the engine drops it.
        delete_in_sentry(fake, monitor)
        refresh = engine.refresh()
        assert refresh.ok, refresh.explain()
        assert monitor.urn not in engine.state
        assert _gets(refresh, f"/api/0/organizations/dbca/detectors/{monitor.id}/") == 1
