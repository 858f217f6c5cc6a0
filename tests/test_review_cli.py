"""The review commands as a user runs them: the installed ``sentry-iac`` script and the schema
generator module, as subprocesses (and, where one test runs it many times, its ``main`` in
this process)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from sentry_iac.cli.app import main
from tests.golden import GOLDEN_DIR
from tests.helpers import EXAMPLE, PROJECT_ROOT, copy_project

BIN = Path(sys.executable).parent


def run(*args: str, cwd: Path = EXAMPLE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=120,
                          check=False)


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def in_process(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
               *args: str, cwd: Path) -> Ran:
    """``sentry-iac ARGS`` run in ``cwd`` in this process: the same ``main`` the script calls,
    without the two seconds of a new interpreter (for tests that run it many times)."""
    monkeypatch.chdir(cwd)
    capsys.readouterr()
    try:
        code = main(list(args))
    except SystemExit as exc:  # argparse's usage errors
        code = exc.code if isinstance(exc.code, int) else 2
    out, err = capsys.readouterr()
    return Ran(code, out, err)


def test_render_from_the_installed_script() -> None:
    result = run(str(BIN / "sentry-iac"), "render", "--stack", "staging")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (GOLDEN_DIR / "render-staging.md").read_text(encoding="utf-8")


def test_diff_of_identical_folders_says_no_changes(tmp_path: Path) -> None:
    copy_project(tmp_path / "base")
    result = run(str(BIN / "sentry-iac"), "diff", "--base-dir", "base", "--dir", str(EXAMPLE),
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "No changes to alert rules, routing, projects, access or privacy in `production`." \
        in result.stdout
    assert "No changes to alert rules, routing or projects in `staging`." in result.stdout


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), "-c", "user.name=t",
                             "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false",
                             *args], capture_output=True, text=True, check=True, timeout=60)
    return result.stdout


def committed_project(repo: Path) -> str:
    """The fixture organisation committed in ``repo``; its commit's SHA (the PR's base)."""
    copy_project(repo)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    return git(repo, "rev-parse", "HEAD").strip()


def raise_threshold(project: Path) -> None:
    rules = project / "alerts" / "errors.yaml"
    text = rules.read_text(encoding="utf-8")
    assert text.count("critical: above 10 ") == 1
    rules.write_text(text.replace("critical: above 10 ", "critical: above 20 "),
                     encoding="utf-8")


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_folder_named_like_the_base_commit_does_not_fool_diff(tmp_path: Path) -> None:
    # A pull request raises a threshold and adds a folder named like its base commit holding
    # the changed configuration: CI's `sentry-iac diff "$BASE_SHA"` must still read the base
    # from git and show the change.
    repo = tmp_path / "repo"
    base_sha = committed_project(repo)
    raise_threshold(repo)
    copy_project(repo / base_sha)
    raise_threshold(repo / base_sha)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "raise the threshold")
    result = run(str(BIN / "sentry-iac"), "diff", base_sha, "--stack", "production", cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "No changes" not in result.stdout
    assert "above 10 → above 20" in result.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_a_revision_git_does_not_know_is_an_error_even_when_a_folder_has_its_name(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    committed_project(repo)
    unknown = "0123456789abcdef0123456789abcdef01234567"
    copy_project(repo / unknown)
    for args in ([unknown], [unknown, "--stack", "staging"], ["main", unknown]):
        result = in_process(capsys, monkeypatch, "diff", *args, cwd=repo)
        assert result.returncode == 2, (args, result.stdout)
        assert result.stdout == ""
        assert f"'{unknown}' is not a git revision (commit, branch or tag)" in result.stderr
        assert "a folder of that name exists" in result.stderr
        assert f"--{'head' if args[0] == 'main' else 'base'}-dir {unknown}" in result.stderr
    # The folder is compared only when named as one.
    result = in_process(capsys, monkeypatch, "diff", "--base-dir", unknown, cwd=repo)
    assert result.returncode == 0, result.stderr
    assert "No changes to alert rules, routing or projects in `staging`." in result.stdout


def test_diff_needs_a_base_and_each_side_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_project(tmp_path / "base")
    for args in ([], ["main", "--base-dir", "base", "HEAD"], ["main", "HEAD", "--head-dir", "x"],
                 ["--base-dir", "no-such-folder"]):
        result = in_process(capsys, monkeypatch, "diff", *args, "--dir", str(EXAMPLE),
                            cwd=tmp_path)
        assert result.returncode == 2, (args, result.stdout)
        assert "Traceback" not in result.stderr


def test_schema_check_passes_for_the_committed_files() -> None:
    for command in ([str(BIN / "sentry-iac"), "schema", "--check"],
                    [sys.executable, "-m", "sentry_iac.cli.app", "schema", "--check"]):
        result = run(*command, cwd=PROJECT_ROOT)  # the repository's schema/
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout == "ok: schema/ matches the models\n"


def test_review_reads_only_the_spec() -> None:
    # DESIGN.md §2: review depends on config only, never on the resources, Pulumi, the
    # providers or the network. Config validates against Sentry's vocabulary (sentry/, the
    # bottom package, which imports only the standard library: test_sentry_vocabulary.py).
    code = ("import sys, sentry_iac.cli.review, sentry_iac.review.schema, "
            "sentry_iac.review.github\n"
            "allowed = ('sentry_iac.config', 'sentry_iac.review', 'sentry_iac.cli', "
            "'sentry_iac.sentry')\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('pulumi', 'pulumiverse_sentry', 'httpx') or (m.startswith('sentry_iac.') and "
            "not m.startswith(allowed))))\n")
    result = run(sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n"
