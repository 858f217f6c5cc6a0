"""What a config change does to Sentry, decided by the engine's own rules: both example stacks
are deployed through Pulumi's provider host, then each change below is previewed (the engine's
steps with every provider's real ``Check`` and ``Diff``; a preview writes nothing, so every
change starts from the same deployed state).

The rule: nothing that holds Sentry data (projects, teams, keys, members, cron monitors,
settings, repositories, code mappings) is ever deleted or replaced by a change — at most
released — and where an alert, monitor or dashboard is deleted or replaced, `sentry-iac diff`
says so in its first lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from sentry_iac.config.loader import load_spec
from sentry_iac.review.diff import StackDiff, diff_stack
from sentry_iac.review.snapshot import empty, snapshot
from tests.engine.engine import Deployment, StackEngine, Step
from tests.engine.lifecycle import STACKS, deployed_stacks
from tests.engine.sentry import ACCESS_KINDS, SETTINGS_KINDS
from tests.fake_sentry import FakeSentry
from tests.helpers import EXAMPLE, copy_project

DATA_KINDS = frozenset({"SentryProject", "SentryTeam", "SentryKey", "SentryOrganizationMember",
                        "CronMonitor", "Repository", "SentryOrganizationCodeMapping",
                        "ProjectDefaults", *SETTINGS_KINDS, *ACCESS_KINDS})
DESTRUCTIVE = frozenset({"delete", "replace"})
Edit = Callable[[Path], None]


def replace_text(file: str, old: str, new: str, count: int = 1) -> Edit:
    def edit(project: Path) -> None:
        path = project / file
        text = path.read_text(encoding="utf-8")
        assert text.count(old) >= count, f"{file}: {old!r}"
        path.write_text(text.replace(old, new), encoding="utf-8")
    return edit


def rename_project(with_previous: bool) -> Edit:
    def edit(project: Path) -> None:
        for path in [project / "org.yaml", *(project / "alerts").glob("*.yaml")]:
            text = path.read_text(encoding="utf-8").replace("spms-backend", "spms-api")
            if with_previous and path.name == "org.yaml":
                text = text.replace("  - slug: spms-api\n",
                                    "  - slug: spms-api\n    previous_slugs: [spms-backend]\n")
            path.write_text(text, encoding="utf-8")
    return edit


def remove_lines(file: str, first: str, last: str) -> Edit:
    """Remove the lines from the one starting ``first`` up to and including ``last``."""
    def edit(project: Path) -> None:
        path = project / file
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        start = next(i for i, line in enumerate(lines) if line.startswith(first))
        end = next(i for i in range(start, len(lines)) if lines[i].startswith(last))
        path.write_text("".join(lines[:start] + lines[end + 1:]), encoding="utf-8")
    return edit


def write_file(file: str, text: str) -> Edit:
    def edit(project: Path) -> None:
        (project / file).write_text(text, encoding="utf-8")
    return edit


def steps_of(*edits: Edit) -> Edit:
    def edit(project: Path) -> None:
        for one in edits:
            one(project)
    return edit


@dataclass(frozen=True)
class Change:
    name: str
    edit: Edit
    # whether an alert, monitor or dashboard may be deleted or replaced (the diff must say so)
    config_objects_may_go: bool = False
    # Other stacks find the change in Sentry only once the owner has applied it (a renamed
    # team is looked up by its new slug): only the owner's preview comes first.
    owner_only: bool = False


CHANGES = [
    Change("owner moves to staging, handed over",
           replace_text("org.yaml", "owner_stack: production ",
                        "owner_stack: staging\nprevious_owner_stack: production ")),
    Change("project renamed with previous_slugs", rename_project(with_previous=True)),
    Change("project renamed without previous_slugs", rename_project(with_previous=False),
           config_objects_may_go=True),
    Change("project removed", steps_of(
        remove_lines("org.yaml", "  - slug: spms-frontend", "        source_root: frontend/src/"),
        replace_text("alerts/errors.yaml", "[spms-backend, spms-frontend]", "[spms-backend]",
                     count=3),
        write_file("alerts/release-health.yaml", "version: 1\nalerts: []\n")),
           config_objects_may_go=True),
    Change("team renamed with previous_slugs", steps_of(
        replace_text("org.yaml", "science-projects]", "spms-team]", count=2),
        replace_text("org.yaml", "team: science-projects", "team: spms-team", count=2),
        replace_text("org.yaml", "  - slug: science-projects\n",
                     "  - slug: spms-team\n    previous_slugs: [science-projects]\n")),
           owner_only=True),
    Change("rule id renamed with previous_ids",
           replace_text("alerts/errors.yaml", "  - id: high-error-rate\n",
                        "  - id: error-rate\n    previous_ids: [high-error-rate]\n")),
    Change("staging switches to the legacy backend",
           replace_text("Pulumi.staging.yaml", "config: {}",
                        "config:\n  sentry-iac:alertsBackend: legacy"),
           config_objects_may_go=True),
    Change("organisation privacy block removed",
           remove_lines("org.yaml", "privacy:\n", "  store_crash_reports: 0")),
    Change("member removed", remove_lines("org.yaml", "members:", "        role: admin")),
    Change("cron removed", remove_lines("org.yaml", "      - slug: nightly-cleanup",
                                        "          staging: {enabled: false}"),
           config_objects_may_go=True),  # its alerts go; the monitor is released
]


@pytest.fixture(scope="module")
def deployed() -> Iterator[tuple[FakeSentry, dict[str, StackEngine]]]:
    with deployed_stacks() as stacks:
        yield stacks


def _preview(engine: StackEngine, program: Path) -> Deployment:
    engine.program_dir = program
    try:
        return engine.preview()
    finally:
        engine.program_dir = EXAMPLE


def _diff(stack: str, head: Path) -> StackDiff:
    base, changed = load_spec(EXAMPLE), load_spec(head)
    return diff_stack(stack, snapshot(base, stack),
                      snapshot(changed, stack) if stack in changed.stacks else empty(stack))


@pytest.mark.parametrize("change", CHANGES, ids=[c.name for c in CHANGES])
def test_a_change_never_deletes_or_resets_sentry_data(
    change: Change, deployed: tuple[FakeSentry, dict[str, StackEngine]], tmp_path: Path
) -> None:
    _, engines = deployed
    program = copy_project(tmp_path / "changed")
    change.edit(program)
    for stack, engine in engines.items():
        if change.owner_only and stack != STACKS[0]:
            continue
        preview = _preview(engine, program)
        assert preview.ok, preview.explain()
        assert preview.exchanges == []
        destructive: list[Step] = [s for s in preview.steps if s.op in DESTRUCTIVE]
        lost = [f"{s.op} {s.kind} {s.name}" for s in destructive if s.kind in DATA_KINDS]
        assert lost == [], f"{stack}: {change.name} would lose Sentry data"
        if destructive:
            assert change.config_objects_may_go, [f"{s.op} {s.kind} {s.name}"
                                                  for s in destructive]
            assert _diff(stack, program).callouts, f"{stack}: the diff does not say so"


def test_the_example_releases_instead_of_deleting(
    deployed: tuple[FakeSentry, dict[str, StackEngine]], tmp_path: Path
) -> None:
    """The removals above are releases: the engine drops them from the state, Sentry keeps
    them (checked once for a whole project)."""
    _, engines = deployed
    program = copy_project(tmp_path / "changed")
    CHANGES[3].edit(program)
    preview = _preview(engines["production"], program)
    released = {s.kind for s in preview.ops("release", dynamic_only=False)}
    assert {"SentryProject", "SentryKey", "ProjectPrivacy", "ProjectDefaults",
            "EnvironmentVisibility", "SentryOrganizationCodeMapping"} <= released
