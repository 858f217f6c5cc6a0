"""The GitHub workflows are valid, pass zizmor's security audit, pin every action by commit and
do what the README says: tests, annotations, one diff comment per stack, previews, and deploys
of the owner stack behind a reviewed environment, then of the others. The stacks come from
``sentry-iac stacks --json``; no workflow names one."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import PROJECT_ROOT, copy_project

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
    assert "uv run --locked sentry-iac test" in runs
    assert jobs["diff"]["permissions"] == {"contents": "read", "pull-requests": "write"}
    comment = "\n".join(s.get("run", "") for s in jobs["diff"]["steps"])
    assert 'marker="<!-- sentry-iac-diff:${STACK} -->"' in comment
    assert "--method PATCH" in comment and "--method POST" in comment
    assert any("sentry-iac preview" in s.get("run", "") for s in jobs["preview"]["steps"])


def _needs(job: dict[str, Any]) -> list[str]:
    needs = job.get("needs", [])
    return [needs] if isinstance(needs, str) else list(needs)


def _writes_output(job: dict[str, Any], output: str) -> str:
    """The script of the step that writes ``output`` from ``sentry-iac stacks --json``, checking
    that the job's output of that name is the step's."""
    (step,) = [s for s in job["steps"] if "sentry-iac stacks --json" in s.get("run", "")]
    assert job["outputs"][output] == f"${{{{ steps.{step['id']}.outputs.{output} }}}}"
    script: str = step["run"]
    assert f'echo "{output}=$(jq ' in script and '>> "$GITHUB_OUTPUT"' in script
    return script


def test_pull_request_matrices_come_from_the_stacks_command() -> None:
    jobs = load("pull-request.yml")["jobs"]
    _writes_output(jobs["stacks"], "order")
    assert jobs["stacks"]["permissions"] == {"contents": "read"}
    for name in ("diff", "preview"):
        assert "stacks" in _needs(jobs[name]), name
        assert jobs[name]["strategy"]["matrix"] == {
            "stack": "${{ fromJSON(needs.stacks.outputs.order) }}"}, name
    assert "test" in _needs(jobs["preview"])  # no preview of a change whose tests fail
    assert "staging" not in json.dumps(jobs) and "production" not in json.dumps(jobs)


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


def _pulumi_up(job: dict[str, Any]) -> dict[str, Any]:
    (up,) = [s for s in job["steps"] if "pulumi/actions@" in s.get("uses", "")]
    assert set(up["env"]) == {"PULUMI_CONFIG_PASSPHRASE", "AZURE_STORAGE_KEY",
                              "SENTRY_AUTH_TOKEN"}
    assert up["with"]["command"] == "up"
    assert up["with"]["cloud-url"] == "${{ vars.PULUMI_BACKEND_URL }}"
    stack: str = up["with"]["stack-name"]
    return {"stack": stack, **up["with"]}


def test_main_deploys_the_owner_stack_first_behind_review_then_the_others() -> None:
    workflow = load("deploy.yml")
    assert triggers(workflow) == {"push": {"branches": ["main"]}}
    jobs = workflow["jobs"]
    assert list(jobs) == ["stacks", "owner", "others"]
    stacks = jobs["stacks"]
    runs = [s.get("run", "") for s in stacks["steps"]]
    assert runs.index("uv run --locked sentry-iac validate") < next(
        i for i, r in enumerate(runs) if "sentry-iac stacks --json" in r)
    assert "pulumi/actions@" not in str(stacks["steps"]) and "environment" not in stacks
    for output in ("owner", "others"):
        _writes_output(stacks, output)
    # The owner stack, whatever its name, behind the reviewed environment.
    owner = jobs["owner"]
    assert _needs(owner) == ["stacks"]
    assert owner["environment"] == "production"
    assert _pulumi_up(owner)["stack"] == "${{ needs.stacks.outputs.owner }}"
    # Then every other stack, each in its own environment, only once the owner is up.
    others = jobs["others"]
    assert sorted(_needs(others)) == ["owner", "stacks"]
    assert others["environment"] == "${{ matrix.stack }}"
    assert others["strategy"]["matrix"] == {
        "stack": "${{ fromJSON(needs.stacks.outputs.others) }}"}
    assert others["if"] == "needs.stacks.outputs.others != '[]'"
    assert _pulumi_up(others)["stack"] == "${{ matrix.stack }}"
    # No job names a stack: "production" is the owner job's environment only.
    assert "staging" not in json.dumps(jobs) and json.dumps(jobs).count("production") == 1
    for job in jobs.values():
        assert job["permissions"] == {"contents": "read"}
        for step in job["steps"]:
            if step.get("uses", "").startswith("astral-sh/setup-uv@"):
                assert step["with"]["enable-cache"] is False


def _fake_uv(bin_dir: Path) -> None:
    """``uv run --locked sentry-iac ...`` as this test environment's own ``sentry-iac``."""
    bin_dir.mkdir()
    uv = bin_dir / "uv"
    uv.write_text(f'#!/bin/sh\n[ "$1 $2 $3" = "run --locked sentry-iac" ] || exit 99\n'
                  f'shift 3\nexec "{BIN / "sentry-iac"}" "$@"\n', encoding="utf-8")
    uv.chmod(0o755)


@pytest.mark.parametrize(("workflow", "outputs"), [("deploy.yml", ("owner", "others")),
                                                   ("pull-request.yml", ("order",))])
def test_the_stacks_step_gives_a_third_stack_to_the_jobs_owner_first(
    workflow: str, outputs: tuple[str, ...], tmp_path: Path
) -> None:
    # The step's own script, run in a project with a third stack file, writes outputs that
    # fromJSON turns into the matrices: no workflow edit for a new stack.
    if shutil.which("jq") is None or shutil.which("bash") is None:
        pytest.skip("needs bash and jq, as GitHub's ubuntu runners have")
    project = copy_project(tmp_path / "project")
    (project / "Pulumi.test.yaml").write_text("config: {}\n", encoding="utf-8")
    org = project / "org.yaml"
    org.write_text(org.read_text(encoding="utf-8").replace(
        "    staging: [maintainers]\n", "    staging: [maintainers]\n    test: [maintainers]\n"),
        encoding="utf-8")
    _fake_uv(tmp_path / "bin")
    (tmp_path / "runner").mkdir()
    github_output = tmp_path / "github_output"
    script = _writes_output(load(workflow)["jobs"]["stacks"], outputs[0])
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}",
           "RUNNER_TEMP": str(tmp_path / "runner"), "GITHUB_OUTPUT": str(github_output)}
    result = subprocess.run(["bash", "-e", "-c", script], cwd=project, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    written = dict(line.split("=", 1) for line in github_output.read_text().splitlines())
    assert sorted(written) == sorted(outputs)
    if workflow == "deploy.yml":
        assert written["owner"] == "production"
        assert json.loads(written["others"]) == ["staging", "test"]
    else:
        assert json.loads(written["order"]) == ["production", "staging", "test"]
