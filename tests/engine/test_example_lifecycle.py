"""Every dynamic kind of both example stacks through Pulumi's own provider host, phase by phase
(see ``tests.engine.lifecycle``): Configure, Check, Diff, Create, Read, Diff without change,
Update, Read after deletion in Sentry, Delete."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.engine.engine import DYNAMIC
from tests.engine.lifecycle import STACKS, Lifecycle, run_lifecycle
from tests.engine.sentry import ALL_KINDS, MANAGING_KINDS, OBJECT_KINDS, empty_organization
from tests.fake_sentry import FakeSentry
from tests.helpers import EXAMPLE, copy_project

# Each edit must match exactly once: (file, old text, new text).
CONFIG_CHANGES = (
    ("alerts/errors.yaml", "name: High error rate\n", "name: High error rate v2\n"),
    ("alerts/errors.yaml", "name: New error types\n", "name: New error types v2\n"),
    ("alerts/performance.yaml", "name: Slow database queries\n",
     "name: Slow database queries v2\n"),
    ("org.yaml", "name: Nightly data import\n", "name: Nightly data import v2\n"),
    ("org.yaml", "checkin_margin: 15m ", "checkin_margin: 20m "),
    ("org.yaml", "title: Weekly report\n", "title: Weekly summary\n"),
    ("org.yaml", "  scrub_ip_addresses: true\n  sensitive_fields",
     "  scrub_ip_addresses: false\n  sensitive_fields"),
    ("org.yaml", "      scrub_ip_addresses: true\n", "      scrub_ip_addresses: false\n"),
    ("org.yaml", "title: Database connection error", "title: Database connection lost"),
    ("org.yaml", "slow_db_query_ms: 1000 ", "slow_db_query_ms: 1500 "),
    ("org.yaml", "open_membership: true ", "open_membership: false "),
)
# Kinds whose config the edits above change; the others keep their inputs.
CHANGED_KINDS = ("Monitor", "Alert", "CronMonitor", "CronAlert", "Dashboard",
                 "OrganizationPrivacy", "ProjectPrivacy", "ProjectFingerprinting",
                 "ProjectPerformanceIssues", "OrganizationSecurity")


def changed_project(dest: Path) -> Path:
    project = copy_project(dest)
    for file, old, new in CONFIG_CHANGES:
        text = (project / file).read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{file}: {old!r} must occur once"
        (project / file).write_text(text.replace(old, new), encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def fake() -> Iterator[FakeSentry]:
    with empty_organization() as server:
        yield server


@pytest.fixture(scope="module")
def life(fake: FakeSentry, tmp_path_factory: pytest.TempPathFactory) -> Lifecycle:
    return run_lifecycle(fake, EXAMPLE, changed_project(tmp_path_factory.mktemp("changed")))


def _kinds(life: Lifecycle, phase: str, op: str) -> set[str]:
    return {s.kind for stack in STACKS for s in life.phase(f"{phase}:{stack}").ops(op)}


def test_every_phase_succeeds(life: Lifecycle) -> None:
    failed = {name: d.explain() for name, d in life.phases.items() if not d.ok}
    assert not failed, "\n\n".join(f"{name}:\n{text}" for name, text in failed.items())


def test_both_stacks_between_them_use_every_dynamic_kind(life: Lifecycle) -> None:
    assert _kinds(life, "up", "create") == set(ALL_KINDS)


@pytest.mark.parametrize("stack", STACKS)
def test_preview_checks_everything_and_sends_nothing_to_sentry(
    life: Lifecycle, stack: str
) -> None:
    preview, up = life.phase(f"preview:{stack}"), life.phase(f"up:{stack}")
    assert preview.exchanges == []
    assert {s.urn for s in preview.ops("create")} == {s.urn for s in up.ops("create")}


@pytest.mark.parametrize("stack", STACKS)
def test_the_first_up_creates_every_resource_once(life: Lifecycle, stack: str) -> None:
    up = life.phase(f"up:{stack}")
    created = [s.urn for s in up.ops("create")]
    assert len(created) == len(set(created)) > 0
    assert not up.ops("update") and not up.ops("replace")


def test_what_the_first_up_made_is_in_sentry(life: Lifecycle, fake: FakeSentry) -> None:
    up = [s for stack in STACKS for s in life.phase(f"up:{stack}").ops("create")]
    counts = {kind: sum(s.kind == kind for s in up) for kind in OBJECT_KINDS}
    # made again after the deletion phase, so count what the re-creation left
    recreated = {kind: sum(s.kind == kind for stack in STACKS
                           for s in life.phase(f"recreate:{stack}").ops("create"))
                 for kind in OBJECT_KINDS}
    assert recreated == counts
    assert counts["Monitor"] == 8 and counts["Alert"] == 16 and counts["CronMonitor"] == 2


@pytest.mark.parametrize("stack", STACKS)
def test_a_refresh_right_after_up_reads_every_resource_and_finds_no_drift(
    life: Lifecycle, stack: str
) -> None:
    refresh = life.phase(f"refresh:{stack}")
    assert {s.urn for s in refresh.ops("read")} == {s.urn for s in
                                                    life.phase(f"up:{stack}").ops("create")}
    assert refresh.writes == []
    assert not life.phase(f"no-op:{stack}").ops("update")  # nothing drifted


@pytest.mark.parametrize("phase", ["no-op", "repickled", "changed-again"])
@pytest.mark.parametrize("stack", STACKS)
def test_an_unchanged_stack_makes_no_request_but_the_token_check(
    life: Lifecycle, stack: str, phase: str
) -> None:
    deployment = life.phase(f"{phase}:{stack}")
    assert [(e.method, e.path) for e in deployment.exchanges] == [("GET", "/api/0/")]
    ops = {s.op for s in deployment.steps if s.type.startswith(DYNAMIC)}
    assert ops == {"same"}


def test_a_get_with_inputs_only_reads_every_resource(life: Lifecycle) -> None:
    assert life.gets and set(life.gets.values()) == {"ok"}, life.gets


def test_a_config_change_updates_in_place(life: Lifecycle) -> None:
    assert _kinds(life, "changed", "update") == set(CHANGED_KINDS)
    for stack in STACKS:
        changed = life.phase(f"changed:{stack}")
        assert not changed.ops("create") and not changed.ops("replace")
        assert not changed.ops("delete")


def test_the_change_reached_sentry(fake: FakeSentry, life: Lifecycle) -> None:
    # The state after the whole life is destroyed; the change phase's traffic tells.
    sent = [e for stack in STACKS for e in life.phase(f"changed:{stack}").writes]
    bodies = " ".join(str(e.body) for e in sent)
    for text in ("High error rate v2", "Nightly data import v2", "Weekly summary",
                 "Database connection lost", "'slow_db_query_duration_threshold': 1500",
                 "'checkin_margin': 20"):
        assert text in bodies, text


def test_edits_in_sentry_are_seen_by_refresh_and_repaired_by_up(life: Lifecycle) -> None:
    assert _kinds(life, "drift-preview", "update") == set(MANAGING_KINDS)
    assert _kinds(life, "drift-up", "update") == set(MANAGING_KINDS)
    for stack in STACKS:
        assert life.phase(f"drift-preview:{stack}").exchanges == []


def test_objects_deleted_in_sentry_leave_the_state_on_refresh(life: Lifecycle) -> None:
    assert _kinds(life, "gone-refresh", "refresh-delete") == set(ALL_KINDS)
    assert not _kinds(life, "gone-refresh", "read")


def test_the_next_up_makes_them_again(life: Lifecycle) -> None:
    assert _kinds(life, "recreate", "create") == set(ALL_KINDS)


def test_destroy_deletes_the_alerting_and_releases_the_data(
    life: Lifecycle, fake: FakeSentry
) -> None:
    """Monitors, alerts and dashboards are configuration: destroy deletes them. Settings,
    Sentry's defaults, repositories and cron monitors (check-in history) are released."""
    deleted = {"Monitor", "Alert", "CronAlert", "Dashboard"}
    assert _kinds(life, "destroy", "delete") == deleted
    released = {s.kind for stack in STACKS
                for s in life.phase(f"destroy:{stack}").ops("release")}
    assert released == set(ALL_KINDS) - deleted
    org = fake.org
    assert not [d for d in org.detectors.values() if d.type == "metric_issue"]
    assert not org.dashboards
    assert not [w for w in org.workflows.values() if w.name.endswith("]")]  # ours gone
    assert set(org.monitors) == {"nightly-import", "nightly-cleanup"}
    assert org.settings["dataScrubber"] is True  # released as the YAML left it, not reset


def test_a_new_project_keeps_only_what_the_yaml_declares(life: Lifecycle) -> None:
    """Sentry gives a new project a "Default" key and its default alert; the first up takes
    both off (the project has no events yet)."""
    assert life.defaults_after_up == {
        "spms-backend": (["production"], False), "spms-frontend": (["production"], False)}


def test_the_token_is_checked_before_anything_is_written(life: Lifecycle) -> None:
    for stack in STACKS:
        first = life.phase(f"up:{stack}").exchanges[0]
        assert (first.method, first.path) == ("GET", "/api/0/")
    assert all(e.path != "/api/0/" for stack in STACKS
               for e in life.phase(f"preview:{stack}").exchanges)
