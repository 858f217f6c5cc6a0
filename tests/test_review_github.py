"""``validate --format github``: every problem as a GitHub Actions ``::error`` annotation on
the file and line it names, relative to the checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

from sentry_iac.cli.app import main
from sentry_iac.config.errors import SpecError
from sentry_iac.review.github import annotation
from tests.helpers import BAD_DIR, copy_project


def test_each_problem_is_an_error_annotation_on_its_line(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    project = copy_project(tmp_path / "infra" / "sentry", alerts=False)
    (project / "org.yaml").write_text(
        (BAD_DIR / "ref-unknown-team--several-problems-at-once.yaml").read_text(encoding="utf-8"))
    monkeypatch.setenv("GITHUB_WORKSPACE", str(tmp_path))
    code = main(["validate", "--dir", str(project), "--format", "github"])
    captured = capsys.readouterr()
    assert code == 1
    # Paths are from the top of the checkout, so GitHub places them on the PR's changed lines.
    assert captured.out.splitlines() == [
        "::error file=infra/sentry/org.yaml,line=7,col=5,title=schema/choice::members[0].role: "
        "the text 'boss' is not allowed; use one of: member, admin, manager, owner, billing "
        "[schema/choice]",
        "::error file=infra/sentry/org.yaml,line=10,col=5,title=schema/unknown-name::"
        "projects[0].platform: unknown platform 'django'; Sentry accepts its platform ids such "
        "as python-django, javascript-react, node, other [schema/unknown-name]",
        "::error file=infra/sentry/org.yaml,line=11,col=13,title=ref/unknown-team::"
        "projects[0].teams[0]: unknown team 'science' (known: science-projects) "
        "[ref/unknown-team]",
    ]
    assert "3 problems found" in captured.err


def test_text_stays_the_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = copy_project(tmp_path / "p", alerts=False)
    (project / "org.yaml").write_text(
        (BAD_DIR / "ref-unknown-team--in-project.yaml").read_text(encoding="utf-8"))
    assert main(["validate", "--dir", str(project)]) == 1
    assert capsys.readouterr().out.startswith("org.yaml:13:9: projects[1].teams[0]:")


def test_values_are_escaped_as_github_requires(tmp_path: Path) -> None:
    error = SpecError("a,b:c.yaml", 3, 4, "x", "100% wrong\nsecond line", "schema/invalid")
    assert annotation(error, tmp_path, tmp_path) == (
        "::error file=a%2Cb%3Ac.yaml,line=3,col=4,title=schema/invalid::x: 100%25 wrong%0A"
        "second line [schema/invalid]")


def test_a_whole_file_problem_names_no_line(tmp_path: Path) -> None:
    error = SpecError("Pulumi.uat.yaml", 0, 0, "", "no such stack", "ref/unknown-stack")
    assert annotation(error, tmp_path, tmp_path) == (
        "::error file=Pulumi.uat.yaml,title=ref/unknown-stack::no such stack [ref/unknown-stack]")
