"""``sentry-iac plan``'s default view (``offline/plan_view.py``): one line per resource, in plain
words, sorted, within 100 columns, with what removing each object would do."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from sentry_iac.config.loader import load_spec
from sentry_iac.offline.engine import Plan, run_offline
from sentry_iac.offline.plan_view import WIDTH, format_summary
from tests.helpers import EXAMPLE, copy_project

ORG = """\
version: 1
organization: acme
owner_stack: production
teams:
  - slug: web
    name: Web
members:
  - email: dev@example.org
    role: member
    teams:
      - team: web
        role: contributor
projects:
  - slug: shop
    name: Shop
    platform: python
    teams: [web]
    hidden_environments: [development]
policies:
  paging_environments: []
channels:
  on-call:
    pagerduty: {service: Shop, severity: critical}
  devs:
    email: {team: web}
priorities:
  critical:
    production: [on-call, devs]
    staging: [devs]
  high:
    production: [devs]
    staging: [devs]
"""
RULES = """\
version: 1
alerts:
  - id: error-rate
    name: Error rate
    projects: [shop]
    measure: error-count
    window: 5m
    critical: above 10
    warning: above 5
    priority: critical
  - id: new-issues
    name: New issues
    projects: [shop]
    when: [first-seen]
    priority: high
"""
HEADER = [
    "If removed from the YAML: [kept if removed] Sentry keeps it, data and all;",
    "[DELETED from Sentry if removed: opted in] by delete_when_removed; unmarked: deleted (it "
    "holds no", "data).", "",
]


def small_project(dest: Path, org: str = ORG) -> Path:
    """One team, one member, one project with two rules: a metric rule and an issue rule."""
    project = copy_project(dest, alerts=False)
    (project / "org.yaml").write_text(org)
    (project / "alerts" / "shop.yaml").write_text(RULES)
    return project


def summary(project: Path, stack: str) -> str:
    return format_summary(run_offline(project, stack), load_spec(project))


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_project(tmp_path_factory.mktemp("small"))


def test_owner_stack_one_line_per_resource_in_plain_words(small: Path) -> None:
    lines = summary(small, "production").splitlines()
    assert lines[:2] == ["Stack 'production' of sentry-iac: organization 'acme'; this stack "
                         "owns the organisation-wide", "resources."]
    assert lines[2:6] == HEADER
    assert lines[6:21] == [
        "Organisation acme",
        "  provider     sentry           its token is a secret, never shown",
        "  team         web              \"Web\"  [kept if removed]",
        "  member       dev@example.org  member; teams: web  [kept if removed]",
        # `role: contributor` is written out, so it is applied (and kept if removed).
        "  team role    dev@example.org  contributor on web  [kept if removed]",
        "",
        "Project shop (environment production)",
        "  project      shop         \"Shop\"; teams: web  [kept if removed]",
        "  key          production   (DSN exported as a secret)  [kept if removed]",
        "  settings     defaults     takes Sentry's default key and alert off  [kept if removed]",
        "  settings     details      platform  [kept if removed]",
        "  environment  development  hidden  [kept if removed]",
        "  alert        error-rate   Error count above 10 per 5 minutes → critical: on-call, devs",
        "  monitor      error-rate   warning above 5, resolves below 5",
        "  alert        new-issues   New issue → high: devs",
    ]
    tail = lines[21:]
    assert tail[:3] == ["", "Outputs:", "  dsn: [secret]"]
    assert "Looked up" not in "\n".join(tail)  # the owner stack looks no team up
    assert tail[-2:] == ["16 resources: 12 above and 4 components grouping them. Every input: "
                         "--details; all of it as JSON:", "--json."]


def test_other_stack_shows_its_keys_alerts_and_lookups(small: Path) -> None:
    text = summary(small, "staging")
    assert text.splitlines()[:2] == [
        "Stack 'staging' of sentry-iac: organization 'acme'; this stack refers to the "
        "organisation-wide", "resources of stack 'production' by slug."]
    assert ("Organisation acme\n"
            "  provider  sentry  its token is a secret, never shown\n"
            "\n"
            "Project shop (environment staging)\n"
            "  key       staging     (DSN exported as a secret)  [kept if removed]\n"
            "  alert     error-rate  Error count above 10 per 5 minutes → critical: devs\n"
            "  monitor   error-rate  warning above 5, resolves below 5\n"
            "  alert     new-issues  New issue → high: devs\n"
            "\n"
            "Looked up at deploy time (read only):\n"
            "  team  organization=acme  slug=web\n") in text


def test_deletion_opt_in_and_project_rename_are_shown(tmp_path: Path) -> None:
    org = ORG.replace("  - slug: shop\n", "  - slug: store\n    previous_slugs: [shop]\n"
                      "    delete_when_removed: true\n")
    project = small_project(tmp_path / "p", org)
    rules = project / "alerts" / "shop.yaml"
    rules.write_text(rules.read_text().replace("[shop]", "[store]"))
    text = summary(project, "production")
    lines = text.splitlines()
    # The rename is said once, on the project; its objects keep their identity with it.
    assert ("Project store (environment production)  [renamed from shop: so is everything in "
            "it]") in lines
    assert text.count("[renamed from") == 1
    assert ("  project      store        \"Shop\"; teams: web  [DELETED from Sentry if removed: "
            "opted in]") in lines
    assert ("  key          production   (DSN exported as a secret)  [DELETED from Sentry if "
            "removed: opted in]") in lines
    assert "  ! org.yaml:16:5: projects[0].delete_when_removed: removing project 'store'" in text


def test_a_rule_renamed_in_a_renamed_project_keeps_its_own_rename(tmp_path: Path) -> None:
    org = ORG.replace("  - slug: shop\n", "  - slug: store\n    previous_slugs: [shop]\n")
    project = small_project(tmp_path / "p", org)
    rules = project / "alerts" / "shop.yaml"
    rules.write_text(rules.read_text().replace("[shop]", "[store]").replace(
        "  - id: new-issues\n", "  - id: first-seen\n    previous_ids: [new-issues]\n"))
    lines = summary(project, "staging").splitlines()
    # Its old name in the new project: the name in the old project goes with the project's.
    assert ("  alert     first-seen  New issue → high: devs  [renamed from new-issues/store]"
            in lines)


def test_order_does_not_depend_on_registration_order(small: Path) -> None:
    plan = run_offline(small, "production")
    spec = load_spec(small)
    shuffled = list(plan.resources)
    random.Random(7).shuffle(shuffled)
    assert shuffled != plan.resources
    other = replace(plan, resources=shuffled, lookups=list(reversed(plan.lookups)))
    assert format_summary(other, spec) == format_summary(plan, spec)
    # --json lists resources by URN whatever the order they were registered in.
    assert json.dumps(other.as_json()) == json.dumps(plan.as_json())
    names = [f"{r['type']}::{r['name']}" for r in plan.as_json()["resources"]]
    by_urn = {r.urn: f"{r.type}::{r.name}" for r in plan.resources}
    assert names == [by_urn[urn] for urn in sorted(by_urn)]


@pytest.mark.parametrize(("stack", "most_lines"), [("staging", 100), ("production", 120)])
def test_the_example_fits_on_screens_of_100_columns(stack: str, most_lines: int) -> None:
    plan: Plan = run_offline(EXAMPLE, stack)
    lines = format_summary(plan, load_spec(EXAMPLE)).splitlines()
    assert len(lines) <= most_lines
    assert max(len(line) for line in lines) <= WIDTH
    # Every resource but the components that group them has its line.
    assert f"{len(plan.resources)} resources: " in "\n".join(lines)


def test_the_view_imports_no_pulumi() -> None:
    code = ("import sys, sentry_iac.offline.plan_view\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('pulumi', 'pulumiverse_sentry')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, timeout=60)
    assert result.stdout.strip() == "[]"
