"""Every file in tests/bad/ is rejected with exactly its paired message, and the program
registers no resource at all for it. The cases start from the example project without its alert
rules, so each case shows only the problems it is about."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentry_iac.cli.app import main
from sentry_iac.offline.engine import run_program
from sentry_iac.resources.program import InvalidConfigError
from tests.helpers import BadCase, bad_cases, copy_project

CASES = bad_cases()


def test_corpus_is_large_and_paired() -> None:
    assert len(CASES) >= 25
    unpaired = [c.name for c in CASES if not c.expected]
    assert not unpaired, f"cases without a .expected file: {unpaired}"


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
