"""A refresh reads monitors, cron monitors and alerts from one paged listing of the
organisation per kind, and projects' settings from one paged project list, shared by the
provider host's parallel Reads of every kind, instead of one GET per object (what makes
Terraform's Sentry provider hit 429s at scale). An object a listing does not hold (made
since, deleted, or moved to an earlier page while the listing was read) is still read on
its own."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter

from tests.engine.engine import Deployment, StackEngine
from tests.engine.sentry import SETTINGS_KINDS, delete_in_sentry, edit_in_sentry, empty_organization
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN
from tests.helpers import EXAMPLE

ONE_DETECTOR = re.compile(r"^/api/0/organizations/dbca/detectors/\d+/$")
ONE_WORKFLOW = re.compile(r"^/api/0/organizations/dbca/workflows/\d+/$")
DETECTOR_LIST = "/api/0/organizations/dbca/detectors/"
WORKFLOW_LIST = "/api/0/organizations/dbca/workflows/"
PROJECT_LIST = "/api/0/organizations/dbca/projects/"
CRON_LIST = "/api/0/organizations/dbca/monitors/"
ONE_CRON = re.compile(r"^/api/0/organizations/dbca/monitors/[\w-]+/$")
ONE_PROJECT = re.compile(r"^/api/0/projects/dbca/[\w-]+/$")
ONE_ENVIRONMENT = re.compile(r"^/api/0/projects/dbca/[\w-]+/environments/\w+/$")


def _gets(deployment: Deployment, pattern: re.Pattern[str] | str, *, first_pages: bool = False
          ) -> int:
    def matches(path: str) -> bool:
        return bool(pattern.match(path)) if isinstance(pattern, re.Pattern) else path == pattern
    return sum(1 for e in deployment.exchanges if e.method == "GET" and matches(e.path)
               and not (first_pages and "cursor" in e.query))


def _deployed(fake: FakeSentry) -> StackEngine:
    engine = StackEngine(EXAMPLE, "production", fake, token=FAKE_TOKEN)
    up = engine.up()
    assert up.ok, up.explain()
    return engine


def test_a_refresh_reads_each_kind_from_one_listing_of_the_organisation() -> None:
    with empty_organization() as fake:
        fake.page_size = 5  # several pages of each listing
        engine = _deployed(fake)
        kinds = Counter(r.kind for r in engine.state.values() if r.dynamic)
        refresh = engine.refresh()
        assert refresh.ok, refresh.explain()
        assert {s.op for s in refresh.steps} == {"read"}
        assert len(refresh.steps) == sum(kinds.values())
        # Monitors; alerts and cron alerts (both workflows): one listing each, all pages.
        assert _gets(refresh, DETECTOR_LIST, first_pages=True) == 1
        assert _gets(refresh, WORKFLOW_LIST, first_pages=True) == 1
        assert _gets(refresh, ONE_DETECTOR) == 0 and _gets(refresh, ONE_WORKFLOW) == 0
        # Cron monitors (the Crons API): their own listing, by name, every project.
        assert kinds["CronMonitor"] == len(fake.org.monitors) > 1
        assert _gets(refresh, CRON_LIST, first_pages=True) == 1 and _gets(refresh, ONE_CRON) == 0
        (listing,) = [e for e in refresh.exchanges if e.path == CRON_LIST]
        assert listing.query.get("project") == ["-1"] and listing.query.get("sort") == ["name"]
        workflows = len(fake.org.workflows)
        assert _gets(refresh, WORKFLOW_LIST) == -(-workflows // fake.page_size)
        # Projects' settings, environments and Sentry's defaults: the project list, once.
        assert _gets(refresh, PROJECT_LIST, first_pages=True) == 1
        assert _gets(refresh, ONE_PROJECT) == 0 and _gets(refresh, ONE_ENVIRONMENT) == 0
        # The organisation's privacy and security settings: one GET for both.
        assert kinds["OrganizationPrivacy"] == kinds["OrganizationSecurity"] == 1
        assert _gets(refresh, "/api/0/organizations/dbca/") == 1
        listed = sum(n for kind, n in kinds.items()
                     if kind in ("Monitor", "Alert", "CronAlert", "CronMonitor", "ProjectPrivacy",
                                 "ProjectDetails", "ProjectFingerprinting",
                                 "EnvironmentVisibility", "ProjectDefaults"))
        pages = sum(_gets(refresh, path) for path in (DETECTOR_LIST, WORKFLOW_LIST,
                                                      PROJECT_LIST, CRON_LIST))
        assert pages < listed / 2  # what it saves: one GET per object


def test_a_refresh_by_pages_sees_every_edit_made_in_sentry() -> None:
    """The same drift the per-object reads saw: each kind read from a listing reports what
    was edited in Sentry's UI, and nothing else."""
    with empty_organization() as fake:
        engine = _deployed(fake)
        before = {urn: dict(r.outputs) for urn, r in engine.state.items() if r.dynamic}
        listed = ("Monitor", "Alert", "CronAlert", "CronMonitor", "ProjectPrivacy",
                  "ProjectDetails", "ProjectFingerprinting", "EnvironmentVisibility")
        edited = [r for r in engine.state.values() if r.kind in listed]
        for resource in edited:
            edit_in_sentry(fake, resource)
        refresh = engine.refresh()
        assert refresh.ok, refresh.explain()
        for resource in engine.state.values():  # the settings nobody edited read the same
            if resource.kind in SETTINGS_KINDS and resource.kind not in listed:
                settings = resource.outputs["settings"]
                assert settings == before[resource.urn]["settings"], resource.urn
        for resource in edited:
            outputs = engine.state[resource.urn].outputs
            if resource.kind in SETTINGS_KINDS:
                assert outputs["settings"] != before[resource.urn]["settings"], resource.urn
            else:
                assert outputs["live"] != outputs["applied"], resource.urn


def test_an_object_gone_from_the_listing_is_read_on_its_own() -> None:
    with empty_organization() as fake:
        engine = _deployed(fake)
        monitor = next(r for r in engine.state.values() if r.kind == "Monitor")
        # The listing no longer shows it (it was deleted in Sentry): the Read asks for it
        # alone, finds it gone, and the engine drops it.
        delete_in_sentry(fake, monitor)
        refresh = engine.refresh()
        assert refresh.ok, refresh.explain()
        assert monitor.urn not in engine.state
        assert _gets(refresh, f"/api/0/organizations/dbca/detectors/{monitor.id}/") == 1


def test_a_cron_monitor_gone_from_its_listing_is_read_on_its_own() -> None:
    with empty_organization() as fake:
        engine = _deployed(fake)
        cron = next(r for r in engine.state.values() if r.kind == "CronMonitor")
        kept = next(r for r in engine.state.values()
                    if r.kind == "CronMonitor" and r.urn != cron.urn)
        delete_in_sentry(fake, cron)
        refresh = engine.refresh()
        assert refresh.ok, refresh.explain()
        assert cron.urn not in engine.state and kept.urn in engine.state
        slug = cron.inputs["monitor"]["slug"]
        assert [e.path for e in refresh.exchanges if ONE_CRON.match(e.path)] == [
            f"{CRON_LIST}{slug}/"]


def test_an_object_moved_to_a_page_already_read_is_read_on_its_own() -> None:
    """Sentry's lists are offset pages: an object deleted on page 1 while page 2 is on its
    way moves the first object of page 2 onto page 1, which was read already. The listing
    misses that object; its Read asks for it alone and finds it."""
    with empty_organization() as fake:
        engine = _deployed(fake)
        ours = {r.id for r in engine.state.values() if r.kind == "Monitor"}
        ordered = sorted(fake.org.detectors, key=int)  # the list's order (sortBy id)
        first_ours = next(n for n, i in enumerate(ordered) if i in ours)
        assert first_ours > 0  # Sentry's own monitors of each project come first
        fake.page_size = first_ours  # page 1: Sentry's; page 2 starts with one of ours
        fake.slow("GET", DETECTOR_LIST, seconds=0.0)  # page 1, answered at once
        fake.slow("GET", DETECTOR_LIST, seconds=1.5)  # page 2: time to delete meanwhile
        results: list[Deployment] = []
        reading = threading.Thread(target=lambda: results.append(engine.refresh()))
        reading.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not any(
                e.path == DETECTOR_LIST and e.status == 200 for e in fake.exchanges):
            time.sleep(0.02)
        del fake.org.detectors[ordered[0]]  # deleted in Sentry while page 2 is on its way
        reading.join(120)
        (refresh,) = results
        assert refresh.ok, refresh.explain()
        moved = ordered[first_ours]
        listed = {str(d["id"]) for e in refresh.exchanges if e.path == DETECTOR_LIST
                  for d in (e.response or [])}
        assert moved not in listed
        alone = [e.path for e in refresh.exchanges if ONE_DETECTOR.match(e.path)]
        assert alone == [f"{DETECTOR_LIST}{moved}/"]
        assert {s.op for s in refresh.steps if s.kind == "Monitor"} == {"read"}


def test_without_access_to_projects_each_project_is_read_once_for_every_kind() -> None:
    """A token whose user may not see the projects' options in the project list (no member,
    no org-wide role): each project is read with its own GET, one shared by the kinds that
    read it, and edits are still seen."""
    with empty_organization() as fake:
        engine = _deployed(fake)
        fake.org.project_access = False
        projects = {r.inputs["project"] for r in engine.state.values()
                    if r.kind in ("ProjectPrivacy", "ProjectDetails", "ProjectFingerprinting")}
        details = next(r for r in engine.state.values() if r.kind == "ProjectDetails")
        edit_in_sentry(fake, details)
        refresh = engine.refresh()
        assert refresh.ok, refresh.explain()
        assert _gets(refresh, ONE_PROJECT) == len(projects)
        assert engine.state[details.urn].outputs["settings"] != details.inputs["settings"]
