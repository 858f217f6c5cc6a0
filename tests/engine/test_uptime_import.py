"""`sentry-iac import` of uptime monitors, end to end through the engine harness: both stacks
of the uptime fixture are deployed to the fake Sentry, the organisation is imported into a new
folder, and that folder's YAML says the same checks (staging's site and pause as overrides),
validates, plans the very payloads Sentry holds, and its first `up` adopts every uptime
monitor and alert, and the project's settings, without a single write."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from sentry_iac.cli.app import main
from sentry_iac.importer.convert.stacks import EnvMap
from sentry_iac.importer.run import ImportResult, run_import
from sentry_iac.offline.engine import run_offline
from sentry_iac.providers import SentryClient
from tests.engine.engine import StackEngine
from tests.engine.sentry import empty_organization
from tests.engine.test_uptime import FIXTURE, copy_fixture
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN

STACKS = ("production", "staging")
UPTIME_TYPES = ("UptimeMonitor", "UptimeAlert")


@dataclass
class Imported:
    fake: FakeSentry
    result: ImportResult
    deployed: dict[str, dict[str, Any]]  # stack -> logical name -> the detector it sent

    @property
    def out(self) -> Path:
        return self.result.out


def _detectors(program: Path, stack: str) -> dict[str, Any]:
    return {r.name: r.inputs["detector"] for r in run_offline(program, stack).resources
            if r.type.endswith(":UptimeMonitor")}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    base = tmp_path_factory.mktemp("uptime-import")
    program = copy_fixture(base / "deployed")
    with empty_organization() as fake:
        for stack in STACKS:
            up = StackEngine(program, stack, fake, token=FAKE_TOKEN).up()
            assert up.ok, up.explain()
        fake.clear_exchanges()
        with SentryClient(FAKE_TOKEN, fake.url) as client:
            result = run_import(client, "dbca", base / "imported", EnvMap.parse(STACKS, []),
                                base_url=fake.url)
        assert {e.method for e in fake.exchanges} == {"GET"}  # the import only reads
        yield Imported(fake, result, {s: _detectors(FIXTURE, s) for s in STACKS})


def test_the_checks_are_written_in_our_words(imported: Imported) -> None:
    org = yaml.safe_load((imported.out / "org.yaml").read_text())
    (project,) = org["projects"]
    checks = {c["id"]: c for c in project["uptime"]}
    assert sorted(checks) == ["spms-api", "spms-website"]
    site = checks["spms-website"]
    assert (site["name"], site["url"], site["every"], site["timeout"], site["headers"],
            site["priority"]) == ("SPMS website", "https://scienceprojects.dbca.wa.gov.au/",
                                  "1m", "5s", {"Accept": "text/html"}, "critical")
    assert site["environments"]["staging"]["url"] == "https://scienceprojects-uat.dbca.wa.gov.au/"
    assert site["environments"]["staging"]["every"] == "5m"
    assert site["environments"]["staging"]["priority"] == "standard"  # it pages no one there
    api = checks["spms-api"]
    assert (api["method"], api["body"], api["timeout"]) == ("POST", '{"probe": "sentry"}',
                                                             "2500ms")
    assert api["environments"] == {"staging": {"paused": True}}
    assert imported.result.report.adopted["uptime monitors"] == 4
    assert imported.result.report.adopted["uptime alerts"] == 3


def test_the_imported_folder_validates_and_plans_what_sentry_has(
        imported: Imported, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--dir", str(imported.out)]) == 0, capsys.readouterr().out
    for stack in STACKS:
        deployed = imported.deployed[stack]
        planned = _detectors(imported.out, stack)
        # Same monitors, checks renamed from the fixture's ids to the names' slugs.
        rename = {"spms-backend/site": "spms-backend/spms-website",
                  "spms-backend/api": "spms-backend/spms-api"}
        assert {rename[k]: v for k, v in deployed.items()} == planned


def test_the_adoption_file_names_every_uptime_object(imported: Imported) -> None:
    org = imported.fake.org
    for stack in STACKS:
        adopt = json.loads((imported.out / "import" / f"{stack}.adopt.json").read_text())
        found = {(e["type"].rsplit(":", 1)[-1], e["name"]): e["id"]
                 for e in adopt["resources"] if e["type"].endswith(UPTIME_TYPES)}
        for (kind, _), sentry_id in found.items():
            assert sentry_id in (org.detectors if kind == "UptimeMonitor" else org.workflows)
        alerts = {name for kind, name in found if kind == "UptimeAlert"}
        assert alerts == ({"spms-backend/spms-website", "spms-backend/spms-api"}
                          if stack == "production" else {"spms-backend/spms-website"})


def test_the_first_up_adopts_every_uptime_object_without_writing_to_it(
        imported: Imported) -> None:
    fake = imported.fake
    before = (set(fake.org.detectors), set(fake.org.workflows))
    for stack in STACKS:
        up = StackEngine(imported.out, stack, fake, token=FAKE_TOKEN).up()
        assert up.ok, up.explain()
        created = [s for s in up.ops("create") if s.kind in UPTIME_TYPES]
        assert len(created) == (4 if stack == "production" else 3)  # adopted, in the state
        touched = [f"{e.method} {e.path}" for e in up.writes]
        assert touched == [], touched  # nothing at all: settings are adopted as they are
    assert (set(fake.org.detectors), set(fake.org.workflows)) == before
