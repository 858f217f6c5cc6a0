"""``sentry-iac diff``: a semantic diff of the spec per stack, over changes applied to copies of
the example project, between folders and between git revisions."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from sentry_iac.cli.app import main
from sentry_iac.config.loader import load_spec
from sentry_iac.review.diff import diff_stack
from sentry_iac.review.snapshot import empty, snapshot
from tests.golden import assert_golden
from tests.helpers import EXAMPLE, copy_project


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` (which must be there once) with ``new``: the scenario fails loudly if
    the example project no longer reads as it assumes."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name}: expected one {old!r}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def raise_threshold(head: Path) -> None:
    edit(head / "alerts/errors.yaml", "critical: above 10 ", "critical: above 20 ")


def add_rule(head: Path) -> None:
    with (head / "alerts/errors.yaml").open("a", encoding="utf-8") as out:
        out.write("\n  - id: reappeared-errors\n    name: Archived errors reappeared\n"
                  "    projects: [spms-backend]\n    when: [reappeared]\n"
                  "    filters:\n      - level: {at_least: error}\n    priority: medium\n")


def remove_rule(head: Path) -> None:
    edit(head / "alerts/errors.yaml", "  - id: new-error-types\n    name: New error types\n"
         "    projects: [spms-backend, spms-frontend]\n    when: [first-seen]\n"
         "    priority: high\n\n", "")


def reroute_channel(head: Path) -> None:
    edit(head / "org.yaml", "    production: [team-chat, tracker]\n",
         "    production: [on-call, tracker]\n")


def remove_project(head: Path) -> None:
    org = head / "org.yaml"
    text = org.read_text(encoding="utf-8")
    start = text.index("  - slug: spms-frontend\n")
    end = text.index("\n# Organisation-wide data scrubbing")
    org.write_text(text[:start] + text[end + 1:], encoding="utf-8")
    for name in ("errors", "release-health"):
        alerts = head / f"alerts/{name}.yaml"
        alerts.write_text(alerts.read_text(encoding="utf-8")
                          .replace("[spms-backend, spms-frontend]", "[spms-backend]"),
                          encoding="utf-8")
    (head / "alerts/release-health.yaml").unlink()


def change_project_slug(head: Path) -> None:
    edit(head / "org.yaml", "  - slug: spms-frontend\n", "  - slug: spms-web\n")
    for alerts in (head / "alerts").glob("*.yaml"):
        alerts.write_text(alerts.read_text(encoding="utf-8").replace("spms-frontend]",
                                                                     "spms-web]"))


def change_access_and_privacy(head: Path) -> None:
    edit(head / "org.yaml", "    role: manager\n", "    role: admin\n")
    edit(head / "org.yaml", "  scrub_ip_addresses: true\n  sensitive_fields",
         "  scrub_ip_addresses: false\n  sensitive_fields")
    edit(head / "org.yaml", "    name: Science Projects\n",
         "    name: Science Projects\n  - slug: platform\n")
    edit(head / "org.yaml", "    teams: [science-projects]\n    resolve_age: 720\n"
         "    digests: {min_delay: 300, max_delay: 1800}\n    environments:",
         "    teams: [science-projects, platform]\n    resolve_age: 720\n"
         "    digests: {min_delay: 300, max_delay: 1800}\n    environments:")


SCENARIOS: dict[str, Callable[[Path], None]] = {
    "threshold-raised": raise_threshold,
    "rule-added": add_rule,
    "rule-removed": remove_rule,
    "channel-rerouted": reroute_channel,
    "project-removed": remove_project,
    "project-slug-changed": change_project_slug,
    "access-and-privacy": change_access_and_privacy,
}


@pytest.fixture
def sides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """``base`` and ``head`` copies of the example project; the working folder is their parent
    so the sides are labelled 'base' and 'head' in the output."""
    monkeypatch.chdir(tmp_path)
    return copy_project(tmp_path / "base"), copy_project(tmp_path / "head")


# The two sides as folders: only ever named with --base-dir and --head-dir.
FOLDERS = ("--base-dir", "base", "--head-dir", "head")


def run_diff(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["diff", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_diff_markdown_matches_golden(scenario: str, sides: tuple[Path, Path],
                                      capsys: pytest.CaptureFixture[str]) -> None:
    SCENARIOS[scenario](sides[1])
    code, out, err = run_diff(capsys, *FOLDERS)
    assert code == 0, out + err
    assert_golden(f"diff-{scenario}.md", out)


@pytest.mark.parametrize("scenario", ["project-removed", "threshold-raised"])
def test_diff_json_matches_golden(scenario: str, sides: tuple[Path, Path],
                                  capsys: pytest.CaptureFixture[str]) -> None:
    SCENARIOS[scenario](sides[1])
    code, out, _ = run_diff(capsys, *FOLDERS, "--format", "json")
    assert code == 0
    assert json.loads(out)["changed"] is True
    assert_golden(f"diff-{scenario}.json", out)


def test_raising_one_threshold_shows_that_rule_old_and_new_and_nothing_else(
        sides: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    raise_threshold(sides[1])
    _, out, _ = run_diff(capsys, *FOLDERS, "--stack", "production")
    assert out.splitlines() == [
        "<!-- sentry-iac-diff:production -->",
        "## sentry-iac diff: `production`",
        "",
        "`base` → `head`",
        "",
        "### Alert rules",
        "",
        "**Changed**",
        "",
        "- **High error rate** `high-error-rate` on `spms-backend`, `spms-frontend`",
        "  - critical: above 10 → above 20",
    ]
    # Staging overrides the threshold, so nothing changes there.
    _, staging, _ = run_diff(capsys, *FOLDERS, "--stack", "staging")
    assert "No changes" in staging and "high-error-rate" not in staging


def test_each_stack_carries_its_own_marker(sides: tuple[Path, Path],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run_diff(capsys, *FOLDERS)
    markers = [line for line in out.splitlines() if line.startswith("<!-- ")]
    assert markers == ["<!-- sentry-iac-diff:production -->", "<!-- sentry-iac-diff:staging -->"]


def test_destructive_changes_come_first(sides: tuple[Path, Path],
                                        capsys: pytest.CaptureFixture[str]) -> None:
    remove_project(sides[1])
    _, out, _ = run_diff(capsys, *FOLDERS, "--stack", "staging")
    body = out.split("`base` → `head`\n\n", 1)[1]
    assert body.startswith("> [!WARNING]\n> **Deletes, replaces or renames in Sentry**")
    assert "project `spms-frontend` is removed from org.yaml" in body.split("###")[0]


def test_declared_rename_is_in_place(sides: tuple[Path, Path],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    change_project_slug(sides[1])
    edit(sides[1] / "org.yaml", "  - slug: spms-web\n",
         "  - slug: spms-web\n    previous_slugs: [spms-frontend]\n")
    _, out, _ = run_diff(capsys, *FOLDERS, "--stack", "production", "--format", "json")
    (stack,) = json.loads(out)["stacks"]
    assert [c["kind"] for c in stack["deletes_or_replaces"]] == ["project-renamed"]
    assert stack["rules"] == {"added": [], "removed": [], "changed": []}


def test_an_invalid_side_exits_1_naming_it(sides: tuple[Path, Path],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    edit(sides[1] / "org.yaml", "    role: manager\n", "    role: boss\n")
    code, out, err = run_diff(capsys, *FOLDERS)
    assert code == 1
    assert out.startswith("head (head): org.yaml:")
    assert "members[0].role" in out
    assert "head is not valid" in err


def test_an_unknown_revision_is_a_usage_error(sides: tuple[Path, Path],
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_diff(capsys, "no-such-thing", "--head-dir", "head", "--dir", "head")
    assert code == 2
    assert "'no-such-thing' is not a git revision (commit, branch or tag)" in err


def git(repo: Path, *args: str) -> str:
    result = subprocess.run(["git", "-C", str(repo), "-c", "user.name=t",
                             "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false",
                             *args], capture_output=True, text=True, check=True, timeout=60)
    return result.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_diff_between_git_revisions_and_the_working_tree(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The project sits in a subfolder of the repository, as it may in a monorepo.
    repo = tmp_path / "repo"
    project = copy_project(repo / "sentry")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    raise_threshold(project)
    git(repo, "commit", "-q", "-am", "raise the threshold")
    reroute_channel(project)  # uncommitted: only in the working tree

    code, committed, err = run_diff(capsys, "main~1", "main", "--dir", str(project),
                                    "--stack", "production", "--format", "json")
    assert code == 0, err
    (stack,) = json.loads(committed)["stacks"]
    assert stack["rules"]["changed"][0]["changes"] == [
        {"label": "critical", "old": "above 10", "new": "above 20"}]
    assert stack["routing"] == []

    code, working, _ = run_diff(capsys, "main", "--dir", str(project), "--stack", "production",
                                "--format", "json")
    assert code == 0
    (stack,) = json.loads(working)["stacks"]
    assert json.loads(working)["head"] == "working tree"
    assert stack["routing"] == [{"label": "priority high", "old": "team-chat, tracker",
                                 "new": "on-call, tracker"}]
    # Nothing of the export is left behind in the repository.
    assert git(repo, "status", "--porcelain").splitlines() == [" M sentry/org.yaml"]


def test_switching_the_alerts_backend_is_called_out(
        sides: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    edit(sides[1] / "Pulumi.staging.yaml", "config: {}",
         "config:\n  sentry-iac:alertsBackend: legacy")
    code, out, err = run_diff(capsys, *FOLDERS, "--format", "json")
    assert code == 0, out + err
    production, staging = json.loads(out)["stacks"]
    assert production["changed"] is False
    assert [c["kind"] for c in staging["deletes_or_replaces"]] == ["backend-changed"]


def test_a_removed_stack_is_one_callout() -> None:
    diff = diff_stack("staging", snapshot(load_spec(EXAMPLE), "staging"), empty("staging"))
    assert [c.kind for c in diff.callouts] == ["stack-removed"]
    assert {g.rule_id for g in diff.rules_removed} == {"critical-errors", "high-error-rate",
                                                       "new-error-types"}
