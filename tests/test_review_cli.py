"""The review commands as a user runs them: the installed ``sentry-iac`` script and the schema
generator module, as subprocesses."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.golden import GOLDEN_DIR
from tests.helpers import PROJECT_ROOT, copy_project

BIN = Path(sys.executable).parent


def run(*args: str, cwd: Path = PROJECT_ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=120,
                          check=False)


def test_render_from_the_installed_script() -> None:
    result = run(str(BIN / "sentry-iac"), "render", "--stack", "staging")
    assert result.returncode == 0, result.stderr
    assert result.stdout == (GOLDEN_DIR / "render-staging.md").read_text(encoding="utf-8")


def test_diff_of_identical_folders_says_no_changes(tmp_path: Path) -> None:
    copy_project(tmp_path / "base")
    result = run(str(BIN / "sentry-iac"), "diff", "base", "--dir", str(PROJECT_ROOT),
                 cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "No changes to alert rules, routing, projects, access or privacy in `production`." \
        in result.stdout
    assert "No changes to alert rules, routing or projects in `staging`." in result.stdout


def test_schema_check_passes_for_the_committed_files() -> None:
    for command in ([str(BIN / "sentry-iac"), "schema", "--check"],
                    [sys.executable, "-m", "sentry_iac.review.schema", "--check"]):
        result = run(*command)
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout == "ok: schema/ matches the models\n"


def test_review_reads_only_the_spec() -> None:
    # DESIGN.md §2: review depends on spec (and the pure build.alert_rules), never on Pulumi,
    # the providers or the network.
    code = ("import sys, sentry_iac.review.commands, sentry_iac.review.schema, "
            "sentry_iac.review.github\n"
            "allowed = ('sentry_iac.spec', 'sentry_iac.review', 'sentry_iac.build.alert_rules')\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('pulumi', 'pulumiverse_sentry', 'httpx') or (m.startswith('sentry_iac.') and "
            "m != 'sentry_iac.build' and not m.startswith(allowed))))\n")
    result = run(sys.executable, "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n"
