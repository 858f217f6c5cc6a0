"""Issue owners and inbound filters through Pulumi's provider host, against the fake Sentry:
created, left alone when nothing changed, changed field by field, their drift seen by a
refresh, and released (never reset) when they leave the YAML; a first `up` on a Sentry that
already has what the YAML says writes nothing; and what Sentry refuses is named at its line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.engine.engine import Deployment, StackEngine
from tests.engine.sentry import empty_organization
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN
from tests.fake_sentry.recording import Exchange
from tests.helpers import EXAMPLE
from tests.triage import triage_project

KINDS = {"ProjectOwnership", "ProjectInboundFilters"}
PROJECT_DETAIL = re.compile(r"^/api/0/projects/dbca/[\w-]+/$")
BACKEND_RAW = "path:backend/** #science-projects\nurl:*/admin/* maintainer@example.org"


def _triage_traffic(deployment: Deployment) -> list[Exchange]:
    """Requests to the ownership and filter endpoints, and the project PUTs of filter options."""
    return [e for e in deployment.exchanges
            if "/ownership/" in e.path or "/filters/" in e.path
            or (e.method == "PUT" and isinstance(e.body, dict) and "options" in e.body)]


def _writes(deployment: Deployment) -> list[tuple[str, str, Any]]:
    return [(e.method, e.path, e.body) for e in _triage_traffic(deployment) if e.method != "GET"]


def _ops(deployment: Deployment) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for step in deployment.steps:
        if step.kind in KINDS:
            found.setdefault(step.op, set()).add(f"{step.kind}/{step.name}")
    return found


def _edit(program: Path, old: str, new: str) -> None:
    org = program / "org.yaml"
    text = org.read_text(encoding="utf-8")
    assert old in text, old
    org.write_text(text.replace(old, new, 1), encoding="utf-8")


def _settings(engine: StackEngine, kind: str, project: str) -> dict[str, Any]:
    (found,) = [r for r in engine.state.values() if r.kind == kind and r.name == project]
    settings: dict[str, Any] = found.outputs["settings"]
    return settings


def _deployed(tmp_path: Path, fake: FakeSentry) -> tuple[Path, StackEngine, Deployment]:
    program = triage_project(tmp_path / "project")
    engine = StackEngine(program, "production", fake, token=FAKE_TOKEN)
    up = engine.up()
    assert up.ok, up.explain()
    return program, engine, up


def test_the_life_of_ownership_and_filters(tmp_path: Path) -> None:
    with empty_organization() as fake:
        program, engine, up = _deployed(tmp_path, fake)
        # Created: every declared field is in Sentry as the YAML says.
        assert _ops(up)["create"] == {f"{k}/{p}" for k in KINDS
                                      for p in ("spms-backend", "spms-frontend")}
        backend, frontend = fake.org.projects["spms-backend"], fake.org.projects["spms-frontend"]
        assert backend.ownership is not None and frontend.ownership is not None
        assert backend.ownership["raw"] == BACKEND_RAW
        assert (backend.ownership["fallthrough"], backend.ownership["auto_assignment"],
                backend.ownership["suspect_committer_auto_assignment"]) == (False, True, True)
        assert frontend.ownership["raw"] == "path:frontend/** #science-projects"
        assert frontend.ownership["fallthrough"] is True  # not declared: left as it was
        assert {k: backend.options.get(k) for k in (
            "filters:browser-extensions", "filters:localhost", "filters:web-crawlers",
            "filters:filtered-transaction", "sentry:blacklisted_ips")} == {
            "filters:browser-extensions": "1", "filters:localhost": "1",
            # health_checks: true is Sentry's default: adopted, never written.
            "filters:web-crawlers": "1", "filters:filtered-transaction": None,
            "sentry:blacklisted_ips": ["10.0.0.1", "192.168.0.0/16"]}
        assert frontend.options["filters:legacy-browsers"] == ["ie", "safari"]
        assert frontend.options["filters:react-hydration-errors"] == "0"
        assert frontend.options["sentry:error_messages"] == ["ResizeObserver loop limit exceeded"]
        assert frontend.options["sentry:releases"] == ["*-dev"]
        assert not [w for w in _writes(up) if "filtered-transaction" in w[1]]

        # Nothing changed: the engine's Diff says so, and nothing is sent.
        again = engine.up()
        assert again.ok, again.explain()
        assert _ops(again) == {"same": _ops(up)["create"]}
        assert _writes(again) == []

        # A change writes the changed fields only.
        _edit(program, "      localhost: true\n      web_crawlers: true\n",
              "      localhost: false\n      web_crawlers: true\n")
        _edit(program, "      fallthrough: false\n", "      fallthrough: true\n")
        changed = engine.up()
        assert changed.ok, changed.explain()
        assert _ops(changed)["update"] == {"ProjectOwnership/spms-backend",
                                          "ProjectInboundFilters/spms-backend"}
        assert sorted(_writes(changed), key=str) == [  # the engine runs them at once
            ("PUT", "/api/0/projects/dbca/spms-backend/filters/localhost/", {"active": False}),
            ("PUT", "/api/0/projects/dbca/spms-backend/ownership/", {"fallthrough": True})]
        assert backend.options["filters:localhost"] == "0" and backend.ownership["fallthrough"]

        # Edited in Sentry's UI: a refresh reads it, and the next preview would write it back.
        backend.ownership["raw"] = "path:backend/** #science-projects"
        frontend.options["filters:legacy-browsers"] = "0"
        frontend.options["sentry:releases"] = ["*-dev", "*-rc"]
        frontend.options["filters:react-hydration-errors"] = "1"
        refreshed = engine.refresh()
        assert refreshed.ok, refreshed.explain()
        filters = _settings(engine, "ProjectInboundFilters", "spms-frontend")
        assert (filters["filters:releases"], filters["filters:react-hydration-errors"]) == (
            "*-dev\n*-rc", True)
        # The option filters come from the organisation's project list (shared with the other
        # project kinds), not from a GET of each project.
        assert [e.path for e in refreshed.exchanges
                if e.method == "GET" and PROJECT_DETAIL.match(e.path)] == []
        assert _settings(engine, "ProjectOwnership", "spms-backend")["raw"] == (
            "path:backend/** #science-projects")
        assert _settings(engine, "ProjectInboundFilters", "spms-frontend")[
            "legacy-browsers"] is False
        preview = engine.preview()
        assert preview.ok and _writes(preview) == []
        assert _ops(preview)["update"] == {"ProjectOwnership/spms-backend",
                                          "ProjectInboundFilters/spms-frontend"}

        # Removed from the YAML: released. Sentry keeps the rules and the filters.
        (program / "org.yaml").write_text((EXAMPLE / "org.yaml").read_text(encoding="utf-8"),
                                          encoding="utf-8")
        removed = engine.up()
        assert removed.ok, removed.explain()
        assert _ops(removed) == {"release": _ops(up)["create"]}
        assert _writes(removed) == []
        assert backend.ownership["raw"] == "path:backend/** #science-projects"
        assert frontend.options["sentry:releases"] == ["*-dev", "*-rc"]
        assert not {r.kind for r in engine.state.values()} & KINDS


def test_a_first_up_on_a_sentry_that_already_has_them_writes_nothing(tmp_path: Path) -> None:
    """Creating a settings resource adopts what Sentry has: after `sentry-iac import` (or
    settings made in the UI) the first `up` sends no write for them."""
    with empty_organization() as fake:
        program, _, _ = _deployed(tmp_path / "first", fake)
        fresh = StackEngine(program, "production", fake, token=FAKE_TOKEN)  # no state
        adopted = fresh.up()
        assert adopted.ok, adopted.explain()
        assert _ops(adopted)["create"] == {f"{k}/{p}" for k in KINDS
                                           for p in ("spms-backend", "spms-frontend")}
        assert _writes(adopted) == []
        assert {e.method for e in _triage_traffic(adopted)} == {"GET"}


def test_an_owner_sentry_refuses_is_named_at_its_line(tmp_path: Path) -> None:
    """The member exists but never accepted the invitation: Sentry finds no active user behind
    the email and refuses the whole ownership; the error names the rules' line in org.yaml."""
    with empty_organization() as fake:
        fake.org.add_member("maintainer@example.org", role="manager",
                            teams=["science-projects"], pending=True)
        program = triage_project(tmp_path / "project")
        up = StackEngine(program, "production", fake, token=FAKE_TOKEN).up()
        assert not up.ok
        (error,) = [e for e in up.errors if "ProjectOwnership" in e]
        assert "User maintainer@example.org is not a member of this organization." in error
        assert "org.yaml:" in error and "projects[0].ownership.rules" in error
        assert fake.org.projects["spms-backend"].ownership is None


def test_an_older_sentry_names_the_filters_it_does_not_have(tmp_path: Path) -> None:
    """A Sentry from 2022 has no health-check filter (404) and ignores the React hydration
    option: each is reported at its YAML line instead of failing without a word, or drifting
    for ever."""
    with empty_organization() as fake:
        fake.org.older_inbound_filters = True
        program = triage_project(tmp_path / "project")
        _edit(program, "      legacy_browsers: [internet-explorer, safari]\n", "")
        up = StackEngine(program, "production", fake, token=FAKE_TOKEN).up()
        assert not up.ok
        errors = "\n".join(e for e in up.errors if "ProjectInboundFilters" in e)
        assert "no inbound filter 'filtered-transaction'" in errors
        assert "inbound_filters.health_checks" in errors
        assert "does not keep filters:react-hydration-errors" in errors
        assert "inbound_filters.react_hydration_errors" in errors
