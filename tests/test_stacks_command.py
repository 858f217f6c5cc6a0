"""``sentry-iac stacks``: the stacks come from the ``Pulumi.<stack>.yaml`` files, the owner stack
(``owner_stack``) first, so the workflows deploy a new stack without being edited; a broken
configuration lists no stacks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sentry_iac.cli.app import main
from tests.helpers import EXAMPLE, copy_project

# The example's priorities route staging to the maintainers (critical, high, medium).
STAGING_ROUTE = "    staging: [maintainers]\n"


def stacks_json(project: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code = main(["stacks", "--json", "--dir", str(project)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert len(out.splitlines()) == 1  # one line: the workflows write it to $GITHUB_OUTPUT
    listed: dict[str, Any] = json.loads(out)
    return listed


def add_stack(project: Path, stack: str) -> None:
    """A stack file for ``stack``, and the priorities' routes its alerts need."""
    (project / f"Pulumi.{stack}.yaml").write_text("config: {}\n", encoding="utf-8")
    org = project / "org.yaml"
    text = org.read_text(encoding="utf-8")
    assert STAGING_ROUTE in text
    org.write_text(text.replace(STAGING_ROUTE, f"{STAGING_ROUTE}    {stack}: [maintainers]\n"),
                   encoding="utf-8")


def test_the_example_deploys_production_then_staging(capsys: pytest.CaptureFixture[str]
                                                     ) -> None:
    assert stacks_json(EXAMPLE, capsys) == {
        "owner": "production", "others": ["staging"], "order": ["production", "staging"]}


def test_a_third_stack_file_is_listed_after_the_owner(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "project")
    add_stack(project, "test")
    listed = stacks_json(project, capsys)
    assert listed["owner"] == "production"
    assert listed["order"][0] == "production"
    assert sorted(listed["order"]) == ["production", "staging", "test"]
    assert listed["others"] == listed["order"][1:]


def test_the_owner_goes_first_whatever_its_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "alpha" sorts before every other stack: only owner_stack puts it first, or last.
    project = copy_project(tmp_path / "project")
    add_stack(project, "alpha")
    org = project / "org.yaml"
    text = org.read_text(encoding="utf-8")
    # (after a hand-over: previous_owner_stack is gone again)
    org.write_text(text.replace("owner_stack: production", "owner_stack: staging"),
                   encoding="utf-8")
    assert stacks_json(project, capsys)["order"] == ["staging", "alpha", "production"]
    assert main(["stacks", "--dir", str(project)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in lines] == ["staging", "alpha", "production"]
    assert "owner" in lines[0] and "owner" not in " ".join(lines[1:])


def test_a_stack_file_no_priority_routes_lists_nothing_and_says_what_to_add(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "project")
    (project / "Pulumi.test.yaml").write_text("config: {}\n", encoding="utf-8")
    assert main(["stacks", "--json", "--dir", str(project)]) == 1
    captured = capsys.readouterr()
    (problem,) = captured.out.splitlines()
    assert problem.endswith("[route/unrouted-stack]")
    assert "no priority routes stack 'test' (Pulumi.test.yaml)" in problem
    assert "add 'test: [<channels>]' to the priorities they use" in problem
    assert "1 problem found; no stacks listed" in captured.err


def test_during_a_hand_over_the_previous_owner_deploys_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "project")
    org = project / "org.yaml"
    text = org.read_text(encoding="utf-8")
    assert "owner_stack: production" in text
    org.write_text(text.replace("owner_stack: production",
                                "owner_stack: staging\nprevious_owner_stack: production"),
                   encoding="utf-8")
    assert stacks_json(project, capsys) == {
        "owner": "production", "others": ["staging"], "order": ["production", "staging"]}
    assert main(["stacks", "--dir", str(project)]) == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "production (previous owner: releases what it owned; deploys first)")
