"""Every file in tests/bad/ is rejected with exactly its paired message, and the program
registers no resource at all for it. The cases start from the example project without its alert
rules, so each case shows only the problems it is about. Each case's name begins with the id
of the check it proves, and every check id has a case."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentry_iac.cli.app import main
from sentry_iac.config.checks.registry import all_checks
from sentry_iac.offline.engine import run_program
from sentry_iac.resources.program import InvalidConfigError
from tests.helpers import BadCase, bad_cases, copy_project

CASES = bad_cases()


def test_corpus_is_large_and_paired() -> None:
    assert len(CASES) >= 25
    unpaired = [c.name for c in CASES if not c.expected]
    assert not unpaired, f"cases without a .expected file: {unpaired}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_proves_the_check_it_names(case: BadCase) -> None:
    assert "--" in case.name, f"{case.name}: name it <family>-<check>--<what>"
    assert case.check in all_checks(), f"{case.name}: '{case.check}' is not a check id"
    assert any(line.endswith(f" [{case.check}]") for line in case.expected), (
        f"{case.name}: no expected problem is found by {case.check}")


def test_every_check_has_a_case() -> None:
    proved = {case.check for case in CASES}
    assert sorted(set(all_checks()) - proved) == []


def test_every_expected_line_names_a_known_check() -> None:
    named = {line.rsplit(" [", 1)[-1].rstrip("]") for case in CASES for line in case.expected}
    assert sorted(named - set(all_checks())) == []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_validate_prints_exact_messages(
    case: BadCase, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "project", alerts=False)
    case.install(project)
    code = main(["validate", "--dir", str(project)])
    out = capsys.readouterr().out.splitlines()
    assert code == 1
    assert out == case.expected


@pytest.mark.parametrize("stack", ["production", "staging"])
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_program_registers_nothing(case: BadCase, stack: str, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", alerts=False)
    case.install(project)
    with pytest.raises(InvalidConfigError) as raised:
        run_program(project, stack, "sentry-iac", spec=None)
    assert case.expected[0] in str(raised.value)
    assert raised.value.program_run.monitor.registered == []  # type: ignore[attr-defined]
