"""The GitHub workflows are valid, pass zizmor's security audit, pin every action by commit and
do what the README says: tests, annotations, one diff comment per stack, previews, and deploys
to staging then production behind a reviewed environment."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import PROJECT_ROOT

BIN = Path(sys.executable).parent
WORKFLOWS = sorted((PROJECT_ROOT / ".github" / "workflows").glob("*.yml"))
PINNED = re.compile(r"^[\w.-]+/[\w.-]+@[0-9a-f]{40}$")


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((PROJECT_ROOT / ".github/workflows" / name).read_text())
    return data


def triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # PyYAML reads the key `on` as the boolean True (YAML 1.1).
    value: dict[str, Any] | None = workflow.get("on", workflow.get(True))
    assert value is not None, "the workflow has no triggers"
    return value


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / tool), *args], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=300, check=False)


def test_there_are_two_workflows() -> None:
    assert [p.name for p in WORKFLOWS] == ["deploy.yml", "pull-request.yml"]


def test_workflows_match_githubs_schema() -> None:
    result = run("check-jsonschema", "--builtin-schema", "vendor.github-workflows",
                 *map(str, WORKFLOWS))
    assert result.returncode == 0, result.stdout + result.stderr


def test_zizmor_finds_nothing_of_medium_or_high_severity() -> None:
    result = run("zizmor", "--offline", "--min-severity", "medium", "--format", "plain",
                 *map(str, WORKFLOWS))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_every_action_is_pinned_and_credentials_are_not_kept(path: Path) -> None:
    workflow = load(path.name)
    assert workflow["permissions"] == {}
    for step in steps(workflow):
        if "uses" in step:
            assert PINNED.match(step["uses"]), step["uses"]
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False
        # Expressions reach shell scripts only through env (no template injection).
        assert "${{" not in step.get("run", "")


def test_pull_requests_test_validate_comment_and_preview() -> None:
    workflow = load("pull-request.yml")
    assert list(triggers(workflow)) == ["pull_request"]
    jobs = workflow["jobs"]
    runs = [s.get("run", "") for s in jobs["test"]["steps"]]
    assert "uv run --locked pytest" in runs
    assert "uv run --locked sentry-iac validate --format github" in runs
    assert jobs["diff"]["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert jobs["diff"]["strategy"]["matrix"]["stack"] == ["staging", "production"]
    comment = "\n".join(s.get("run", "") for s in jobs["diff"]["steps"])
    assert 'marker="<!-- sentry-iac-diff:${STACK} -->"' in comment
    assert "--method PATCH" in comment and "--method POST" in comment
    assert jobs["preview"]["strategy"]["matrix"]["stack"] == ["staging", "production"]
    assert any("sentry-iac preview" in s.get("run", "") for s in jobs["preview"]["steps"])


def test_the_diff_reads_the_base_commit_from_git_only() -> None:
    # A folder named like the base commit must not stand in for it: the base is a revision
    # (never --base-dir), and the checkout has the history git archive reads it from.
    job = load("pull-request.yml")["jobs"]["diff"]
    (step,) = [s for s in job["steps"] if "sentry-iac diff" in s.get("run", "")]
    assert step["run"].startswith('uv run --locked sentry-iac diff "$BASE_SHA" --stack "$STACK"')
    assert "--base-dir" not in step["run"] and "--head-dir" not in step["run"]
    assert step["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0


def test_the_pull_request_preview_is_read_only_and_gets_no_deploy_secret() -> None:
    workflow = load("pull-request.yml")
    job = workflow["jobs"]["preview"]
    assert job["environment"] == "preview"
    (step,) = [s for s in job["steps"] if "sentry-iac preview" in s.get("run", "")]
    assert step["run"] == 'uv run --locked sentry-iac preview --read-only --stack "$STACK"'
    assert step["env"] == {
        "STACK": "${{ matrix.stack }}",
        "PULUMI_CONFIG_PASSPHRASE": "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}",
        "AZURE_STORAGE_KEY": "${{ secrets.AZURE_STORAGE_KEY }}",
        "SENTRY_IAC_READ_ONLY_TOKEN": "${{ secrets.SENTRY_PREVIEW_TOKEN }}"}
    # Nothing runs Pulumi in a pull request except that read-only preview, and no job names a
    # deploy environment or the deploy token.
    assert not any("pulumi/actions@" in s.get("uses", "") for s in steps(workflow))
    assert {j.get("environment") for j in workflow["jobs"].values()} == {None, "preview"}
    text = (PROJECT_ROOT / ".github/workflows/pull-request.yml").read_text(encoding="utf-8")
    assert "SENTRY_AUTH_TOKEN" not in text


def test_main_deploys_staging_then_production_behind_review() -> None:
    workflow = load("deploy.yml")
    assert triggers(workflow) == {"push": {"branches": ["main"]}}
    jobs = workflow["jobs"]
    assert jobs["production"]["needs"] == "staging"
    assert jobs["production"]["environment"] == "production"
    for stack in ("staging", "production"):
        up = next(s for s in jobs[stack]["steps"] if "pulumi/actions@" in s.get("uses", ""))
        assert up["with"] == {"command": "up", "stack-name": stack,
                              "cloud-url": "${{ vars.PULUMI_BACKEND_URL }}"}
        assert set(up["env"]) == {"PULUMI_CONFIG_PASSPHRASE", "AZURE_STORAGE_KEY",
                                  "SENTRY_AUTH_TOKEN"}
