"""Nothing destroys Sentry data silently: removing, renaming and deleting a project, under the
mock engine, with what is registered and what the plan prints."""

from __future__ import annotations

import re
from pathlib import Path

from sentry_iac.offline.engine import Plan, run_offline
from sentry_iac.offline.monitor import RegisteredResource
from sentry_iac.offline.report import format_plan
from tests.helpers import copy_project


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, count))


def _frontend_only(project: Path) -> None:
    """Remove spms-backend from org.yaml and from the alert rules."""
    org = project / "org.yaml"
    text = org.read_text()
    start = text.index("  - slug: spms-backend")
    end = text.index("  - slug: spms-frontend")
    org.write_text(text[:start] + text[end:])
    for rules in (project / "alerts").glob("*.yaml"):
        rules.write_text(rules.read_text().replace("[spms-backend, spms-frontend]",
                                                   "[spms-frontend]"))
    for name in ("performance.yaml",):
        (project / "alerts" / name).unlink()
    _edit(project / "alerts" / "errors.yaml", "  - id: critical-errors",
          "  - id: critical-errors-frontend")
    _edit(project / "alerts" / "errors.yaml", "    projects: [spms-backend]\n",
          "    projects: [spms-frontend]\n")


def resource(plan: Plan, kind: str, name: str) -> RegisteredResource:
    return next(r for r in plan.of_type(kind) if r.name == name)


def test_removing_a_project_releases_it(tmp_path: Path) -> None:
    before = run_offline(copy_project(tmp_path / "before"), "production")
    backend = resource(before, "SentryProject", "spms-backend")
    # Every object holding data is retained: when it leaves the program, Pulumi forgets it and
    # Sentry keeps it with all its events.
    assert backend.options["retain_on_delete"] is True
    assert "+ SentryProject spms-backend" in format_plan(before)
    project = copy_project(tmp_path / "after")
    _frontend_only(project)
    after = run_offline(project, "production")
    assert [r.name for r in after.of_type("SentryProject")] == ["spms-frontend"]
    text = format_plan(after)
    assert "spms-backend" not in text
    assert re.search(r"\+ SentryProject spms-frontend .*\[kept in Sentry if removed\]", text)


def test_renaming_a_project_is_an_alias_not_a_new_project(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    _edit(project / "org.yaml", "  - slug: spms-backend\n",
          "  - slug: spms-api\n    previous_slugs: [spms-backend]\n")
    for rules in (project / "alerts").glob("*.yaml"):
        rules.write_text(rules.read_text().replace("spms-backend", "spms-api"))
    plan = run_offline(project, "production")
    renamed = {r.name: r.options.get("aliases") for r in plan.resources
               if "spms-api" in r.name}
    assert renamed["spms-api"] is not None
    for name, aliases in renamed.items():
        assert aliases, f"{name} has no alias"
        assert any(a.get("name") == name.replace("spms-api", "spms-backend", 1)
                   for a in aliases), (name, aliases)
    sentry_project = resource(plan, "SentryProject", "spms-api")
    assert sentry_project.inputs["slug"] == "spms-api"
    text = format_plan(plan)
    assert "+ Project spms-api  [renamed from spms-backend]" in text
    assert ("projects[0].previous_slugs: project renamed from spms-backend to 'spms-api': "
            "updated in place, nothing re-created") in text


def test_renaming_a_rule_id_is_an_alias(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    _edit(project / "alerts" / "errors.yaml", "  - id: high-error-rate\n",
          "  - id: error-rate\n    previous_ids: [high-error-rate]\n")
    plan = run_offline(project, "staging")
    monitor = resource(plan, "Monitor", "error-rate/spms-frontend")
    assert monitor.options["aliases"] == [{"name": "high-error-rate/spms-frontend"}]
    assert "rule renamed from high-error-rate to 'error-rate'" in format_plan(plan)


def test_deleting_needs_the_reviewed_opt_in(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    _edit(project / "org.yaml", "    platform: python-django\n",
          "    platform: python-django\n    delete_when_removed: true\n")
    plan = run_offline(project, "production")
    backend = resource(plan, "SentryProject", "spms-backend")
    frontend = resource(plan, "SentryProject", "spms-frontend")
    assert "retain_on_delete" not in backend.options
    assert "retain_on_delete" not in resource(plan, "SentryKey", "spms-backend").options
    assert frontend.options["retain_on_delete"] is True
    text = format_plan(plan)
    assert re.search(r"\+ SentryProject spms-backend .*\[DELETED from Sentry if removed: "
                     r"opted in\]", text)
    assert ("removing project 'spms-backend' from the YAML will DELETE it and every event it "
            "holds") in text
