"""Ownership of the organisation moves in two reviewed steps: `sentry-iac diff` refuses a
change of owner_stack that does not name the old owner, and says first what each stack does."""

from __future__ import annotations

from pathlib import Path

from sentry_iac.cli.app import main
from sentry_iac.config.loader import load_spec
from sentry_iac.review.diff import diff_stack
from sentry_iac.review.snapshot import snapshot
from tests.helpers import EXAMPLE, copy_project

OWNER = "owner_stack: production "


def moved(tmp_path: Path, handover: bool) -> Path:
    project = copy_project(tmp_path / "moved")
    org = project / "org.yaml"
    new = "owner_stack: staging\nprevious_owner_stack: production " if handover else \
        "owner_stack: staging "
    org.write_text(org.read_text().replace(OWNER, new), encoding="utf-8")
    return project


def test_an_owner_change_without_a_handover_is_refused(tmp_path: Path) -> None:
    head = moved(tmp_path, handover=False)
    base, changed = load_spec(EXAMPLE), load_spec(head)
    for stack in ("production", "staging"):
        diff = diff_stack(stack, snapshot(base, stack), snapshot(changed, stack))
        assert diff.refused and diff.changed
        assert diff.callouts[0].message.startswith("REFUSED: owner_stack changes")
    code = main(["diff", "--base-dir", str(EXAMPLE), "--head-dir", str(head),
                 "--dir", str(head)])
    assert code == 1


def test_a_handover_says_what_each_stack_does_first(tmp_path: Path) -> None:
    head = moved(tmp_path, handover=True)
    base, changed = load_spec(EXAMPLE), load_spec(head)
    released = diff_stack("production", snapshot(base, "production"),
                          snapshot(changed, "production"))
    adopts = diff_stack("staging", snapshot(base, "staging"), snapshot(changed, "staging"))
    assert not released.refused and not adopts.refused
    assert "releases teams, members, projects" in released.callouts[0].message
    assert "nothing is deleted or reset" in released.callouts[0].message
    assert "takes the organisation over from `production`" in adopts.callouts[0].message


def test_the_previous_owner_must_be_another_known_stack(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    org = project / "org.yaml"
    org.write_text(org.read_text().replace(OWNER, "previous_owner_stack: qa\n" + OWNER))
    assert main(["validate", "--dir", str(project)]) == 1
