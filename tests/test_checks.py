"""The check registry: every id is well formed, known in one place, and listed by
``sentry-iac checks``; each registered check lives in its family's module and stays small."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from sentry_iac.cli.app import main
from sentry_iac.config.checks.context import CheckContext, Finding
from sentry_iac.config.checks.registry import all_checks, check, registered
from sentry_iac.config.errors import CHECK_ID, SpecError
from tests.helpers import PROJECT_ROOT

CHECKS_DIR = PROJECT_ROOT / "sentry_iac" / "config" / "checks"
FAMILY_MODULES = {"ref": "references", "dup": "duplicates", "route": "routes",
                  "rename": "renames", "code": "code_links", "legacy": "legacy", "plan": "plans",
                  "owner": "ownership",
                  "rule": "rules",
                  "uptime": "uptime",
                  "role": "roles", "spike": "spike"}
MAX_BRANCHES = 12


def test_ids_are_family_slash_name_with_a_one_line_description() -> None:
    for check_id, description in all_checks().items():
        assert CHECK_ID.match(check_id), check_id
        assert description and "\n" not in description and len(description) <= 100, check_id


def test_each_registered_check_lives_in_its_family_module() -> None:
    for found in registered():
        family = found.id.split("/")[0]
        assert found.run.__module__ == f"sentry_iac.config.checks.{FAMILY_MODULES[family]}", (
            found.id)


def test_the_unknown_team_check_is_in_references() -> None:
    (found,) = [c for c in registered() if c.id == "ref/unknown-team"]
    source = (CHECKS_DIR / "references.py").read_text(encoding="utf-8")
    assert found.run.__module__.endswith(".references")
    assert '@check("ref/unknown-team"' in source


def _nothing(context: CheckContext) -> list[Finding]:
    return []


@pytest.mark.parametrize("check_id", ["ref/unknown-team", "schema/type", "Ref/Team", "ref",
                                      "ref/unknown_team"])
def test_an_id_cannot_be_registered_twice_or_malformed(check_id: str) -> None:
    registered()  # the family modules are imported, so their ids are taken
    with pytest.raises(ValueError, match="check id"):
        check(check_id, "again")(_nothing)


def test_a_problem_needs_a_well_formed_check_id() -> None:
    with pytest.raises(ValueError, match="not a check id"):
        SpecError("org.yaml", 1, 1, "", "wrong", "unknown team")
    error = SpecError("org.yaml", 2, 3, "teams[0]", "wrong", "dup/team")
    assert str(error) == "org.yaml:2:3: teams[0]: wrong [dup/team]"


def _branches(function: ast.AST) -> int:
    count = 0
    for node in ast.walk(function):
        if isinstance(node, ast.If | ast.For | ast.While | ast.IfExp | ast.ExceptHandler
                      | ast.match_case):
            count += 1
        elif isinstance(node, ast.BoolOp):
            count += len(node.values) - 1
        elif isinstance(node, ast.comprehension):
            count += 1 + len(node.ifs)
    return count


def test_no_function_in_the_checks_has_many_branches() -> None:
    large = []
    for path in sorted(CHECKS_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and _branches(node) > MAX_BRANCHES:
                large.append(f"{path.name}:{node.name} ({_branches(node)})")
    assert large == []


def _literal_ids(path: Path) -> set[str]:
    """The check ids the source names: every text that looks like ``family/name`` of a known
    family."""
    families = {check_id.split("/")[0] for check_id in all_checks()}
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and CHECK_ID.match(node.value) and node.value.split("/")[0] in families:
            found.add(node.value)
    return found


def test_every_id_the_code_names_is_a_known_check() -> None:
    named = set().union(*(_literal_ids(p) for p in (PROJECT_ROOT / "sentry_iac").rglob("*.py")))
    assert "ref/unknown-stack" in named  # the scan sees the ids given at construction sites
    assert sorted(named - set(all_checks())) == []


def test_checks_command_lists_every_id_sorted(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["checks"]) == 0
    lines = capsys.readouterr().out.splitlines()
    ids = [line.split()[0] for line in lines]
    assert ids == sorted(all_checks()) and len(ids) == len(set(ids))
    assert re.fullmatch(r"ref/unknown-team +a member, project, email channel, cron, uptime "
                        r"check or alert rule names an undeclared team",
                        lines[ids.index("ref/unknown-team")])
