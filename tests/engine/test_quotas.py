"""Team roles, client key rate limits, spike protection and spike notifications through
Pulumi's provider host against the fake Sentry (which enforces Sentry's rules: see
``tests/fake_sentry/team_roles.py`` and ``spike.py``): the first up, a no-op up, a refresh that
finds edits made in Sentry's UI and the up that repairs them, a change of each, the update of a
member that makes Sentry forget its team roles, and removal, which releases every one."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.engine.engine import Deployment, StackEngine
from tests.engine.sentry import empty_organization
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN
from tests.fake_sentry.spike import DISABLED
from tests.fake_sentry.state import FakeMember

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "quotas"
STACKS = ("production", "staging")
ORG = "/api/0/organizations/dbca/"
PROJECT_DETAIL = re.compile(r"^/api/0/projects/dbca/[\w-]+/$")
KINDS = {"TeamRole", "SpikeProtection", "SpikeNotification"}


def edit(program: Path, old: str, new: str) -> None:
    path = program / "org.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def member(fake: FakeSentry, email: str) -> FakeMember:
    return next(m for m in fake.org.members.values() if m.email == email)


def writes(deployment: Deployment) -> list[tuple[str, str]]:
    return [(e.method, e.path) for e in deployment.writes]


@dataclass
class Run:
    fake: FakeSentry
    program: Path
    engines: dict[str, StackEngine]
    phases: dict[str, Deployment] = field(default_factory=dict)
    # What Sentry held after a phase: (member, team) -> stored role; project -> disabled option;
    # action id -> (service, display, projects); (project, stack key) -> (count, window)
    seen: dict[str, dict[object, object]] = field(default_factory=dict)

    def each(self, phase: str, op: str) -> None:
        for stack, engine in self.engines.items():
            self.phases[f"{phase}:{stack}"] = getattr(engine, op)()
        self.look(phase)

    def look(self, phase: str) -> None:
        org = self.fake.org
        snapshot: dict[object, object] = {}
        for m in org.members.values():
            for team, role in m.team_roles.items():
                snapshot[(m.email, team)] = role
        for slug, project in org.projects.items():
            snapshot[slug] = project.options.get(DISABLED)
            for key in project.keys:
                snapshot[(slug, key.name)] = (key.rate_limit_count, key.rate_limit_window)
        for action_id, action in org.notification_actions.items():
            snapshot[action_id] = (action["service_type"], action["target_display"],
                                   tuple(action["projects"]))
        self.seen[phase] = snapshot


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    program = tmp_path_factory.mktemp("quotas") / "project"
    shutil.copytree(FIXTURE, program)
    with empty_organization() as fake:
        fake.org.add_integration("slack", name="dbca")
        engines = {s: StackEngine(program, s, fake, token=FAKE_TOKEN) for s in STACKS}
        life = Run(fake, program, engines)
        for stack, engine in engines.items():  # staging's preview needs production's teams
            life.phases[f"preview:{stack}"] = engine.preview()
            life.phases[f"up:{stack}"] = engine.up()
        life.look("up")
        life.each("no-op", "up")
        life.each("refresh", "refresh")
        # Edits in Sentry's UI: the lead demoted on backend, api's spike protection off, the
        # Slack notification pointed at another channel.
        org = fake.org
        member(fake, "lead@example.org").team_roles["backend"] = None
        org.projects["api"].options[DISABLED] = True
        slack = next(a for a in org.notification_actions.values() if a["service_type"] == "slack")
        slack["target_display"] = "#random"
        life.each("drift-refresh", "refresh")
        life.each("drift-preview", "preview")
        life.each("drift-up", "up")
        # A change of each in the YAML.
        edit(program, "      - {team: backend, role: admin}",
             "      - {team: backend, role: contributor}")
        edit(program, "    rate_limit:\n      count: 1000", "    rate_limit:\n      count: 2000")
        edit(program, "    spike_protection: false", "    spike_protection: true")
        edit(program, "  channels: [ops, on-call]", "  channels: [ops]")
        life.each("changed", "up")
        # The lead joins no new team but becomes team admin again with another team listed:
        # the member's update makes Sentry forget its team roles, which are written again.
        edit(program, "      - {team: backend, role: contributor}\n      - frontend",
             "      - {team: backend, role: admin}\n      - frontend\n      - {team: ops-team}")
        edit(program, "  - slug: frontend\n", "  - slug: frontend\n  - slug: ops-team\n")
        life.each("member-updated", "up")
        # Removal: every one of them leaves the YAML.
        edit(program, "      - {team: backend, role: admin}", "      - backend")
        edit(program, "      - {team: frontend, role: admin}", "      - frontend")
        edit(program, "    spike_protection: true\n    rate_limit:\n      count: 2000\n"
                      "      per: 1m\n      environments:\n"
                      "        staging: {count: 100, per: 1m}\n", "")
        edit(program, "    spike_protection: true\n\n", "\n")
        edit(program, "spike_notifications:\n  channels: [ops]\n  owners_and_managers: true\n",
             "")
        life.each("removed", "up")
        yield life


def test_every_phase_succeeds(run: Run) -> None:
    failed = {name: d.explain() for name, d in run.phases.items() if not d.ok}
    assert not failed, "\n\n".join(f"{name}:\n{text}" for name, text in failed.items())


def test_the_first_up_applies_each_as_sentry_holds_it(run: Run) -> None:
    up = run.phases["up:production"]
    assert {s.kind for s in up.ops("create")} >= KINDS
    seen = run.seen["up"]
    assert seen[("lead@example.org", "backend")] == "admin"
    assert seen[("lead@example.org", "frontend")] is None  # no role written: not touched
    # A manager is team admin anyway: Sentry would store null, so nothing is written at all.
    assert seen[("boss@example.org", "frontend")] is None
    team_puts = [p for m, p in writes(up) if m == "PUT" and "/teams/" in p]
    lead = member(run.fake, "lead@example.org").id
    assert team_puts == [f"{ORG}members/{lead}/teams/backend/"]
    assert seen["api"] is False and seen["web"] is True
    assert seen[("api", "production")] == (1000, 60) and seen[("api", "staging")] == (100, 60)
    assert seen[("web", "production")] == (None, None)
    org = run.fake.org
    ids = tuple(sorted(int(org.projects[s].id) for s in ("api", "web")))
    services = sorted((service, display) for service, display, projects in
                      (v for k, v in seen.items() if isinstance(v, tuple) and len(v) == 3
                       and isinstance(v[2], tuple)) if tuple(sorted(map(int, projects))) == ids)
    assert services == [("pagerduty", "SPMS"), ("sentry_notification", "default"),
                        ("slack", "#ops")]


def test_a_preview_sends_nothing(run: Run) -> None:
    for stack in STACKS:
        assert run.phases[f"preview:{stack}"].exchanges == []


@pytest.mark.parametrize("stack", STACKS)
def test_an_unchanged_stack_writes_nothing(run: Run, stack: str) -> None:
    deployment = run.phases[f"no-op:{stack}"]
    assert [(e.method, e.path) for e in deployment.exchanges] == [("GET", "/api/0/")]
    assert {s.op for s in deployment.steps} == {"same"}


def test_a_refresh_right_after_up_finds_nothing_to_do(run: Run) -> None:
    refresh = run.phases["refresh:production"]
    assert {s.kind for s in refresh.ops("read")} >= KINDS and refresh.writes == []


@pytest.mark.parametrize("phase", ["refresh:production", "drift-refresh:production"])
def test_a_refresh_reads_spike_protection_from_the_project_list(run: Run, phase: str) -> None:
    """The switch is one of the options the organisation's project list carries (raw, as the
    detail answers it), so no project is read on its own for it; the drift test above shows
    an edit made in Sentry is still seen."""
    refresh = run.phases[phase]
    gets = [e.path for e in refresh.exchanges if e.method == "GET"]
    assert ORG + "projects/" in gets
    assert [p for p in gets if PROJECT_DETAIL.match(p)] == []


def test_edits_in_sentry_are_seen_by_refresh_and_written_back_by_up(run: Run) -> None:
    assert run.phases["drift-refresh:production"].writes == []
    preview = run.phases["drift-preview:production"]
    assert preview.kinds("update") == KINDS, preview.steps
    assert any("the next up writes the YAML's values back" in line
               for line in preview.host_stderr)
    up = run.phases["drift-up:production"]
    assert up.kinds("update") == KINDS
    seen = run.seen["drift-up"]
    assert seen[("lead@example.org", "backend")] == "admin" and seen["api"] is False
    assert "#ops" in {v[1] for v in seen.values() if isinstance(v, tuple) and len(v) == 3}
    assert any("was changed in Sentry since the last up" in line for line in up.host_stderr)


def test_a_change_in_the_yaml_is_applied(run: Run) -> None:
    seen = run.seen["changed"]
    assert seen[("lead@example.org", "backend")] is None  # contributor: Sentry stores null
    assert seen[("api", "production")] == (2000, 60) and seen[("api", "staging")] == (100, 60)
    assert seen["web"] is False
    up = run.phases["changed:production"]
    # on-call no longer listed: released, the action stays in Sentry.
    assert [s.name for s in up.ops("release")] == ["on-call"]
    assert ("pagerduty", "SPMS") in {v[:2] for v in seen.values()
                                     if isinstance(v, tuple) and len(v) == 3}


def test_a_member_update_forgets_team_roles_and_the_role_is_written_again(run: Run) -> None:
    up = run.phases["member-updated:production"]
    assert "SentryOrganizationMember" in {s.kind for s in up.ops("update", dynamic_only=False)}
    assert [s.name for s in up.ops("update") if s.kind == "TeamRole"] == [
        "lead@example.org/backend"]
    assert run.seen["member-updated"][("lead@example.org", "backend")] == "admin"


def test_removal_releases_and_sentry_keeps_every_value(run: Run) -> None:
    up = run.phases["removed:production"]
    assert {s.kind for s in up.ops("release")} == KINDS
    assert not up.ops("delete") and not up.ops("update")
    assert not [w for w in writes(up) if "/teams/" in w[1] or "spike" in w[1]
                or "notifications" in w[1]]
    before, after = run.seen["member-updated"], run.seen["removed"]
    for key in (("lead@example.org", "backend"), "api", "web", ("api", "production"),
                ("api", "staging")):
        assert after[key] == before[key], key
    assert {k for k in after if isinstance(k, str) and k.isdigit()} == \
        {k for k in before if isinstance(k, str) and k.isdigit()}


def test_what_sentry_does_not_apply_fails_the_up_with_why(tmp_path: Path) -> None:
    """An organisation without team roles answers 200 and changes nothing; a self-hosted Sentry
    has no spike-protections endpoint. Neither passes silently."""
    program = tmp_path / "project"
    shutil.copytree(FIXTURE, program)
    edit(program, "plan: business\n", "")  # the plan is not declared, so validate cannot know
    with empty_organization() as fake:
        fake.org.add_integration("slack", name="dbca")
        fake.org.features.discard("team-roles")
        fake.fail("POST", ORG + "spike-protections/", status=404, times=5)
        up = StackEngine(program, "production", fake, token=FAKE_TOKEN).up()
    assert not up.ok
    text = "\n".join(up.errors)
    assert ("Sentry answered that lead@example.org is contributor on team 'backend', not admin: "
            "it applies team roles only where the organisation has 'organizations:team-roles'"
            ) in text, text
    assert "Sentry has no spike-protections endpoint" in text
    assert "projects[0].spike_protection: Sentry has no spike-protections endpoint" in text, text
