"""The ``sentry-iac`` command, run as a user runs it: a subprocess of the installed script."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sentry_iac.automation import DeployError, default_backend, deploy_settings
from sentry_iac.cli.app import main, parser
from sentry_iac.cli.commands import COMMANDS
from sentry_iac.providers.credentials import TOKEN_ENV_VARS
from tests.helpers import BAD_DIR, EXAMPLE, PROJECT_ROOT, copy_project

SCRIPT = Path(sys.executable).parent / "sentry-iac"


def run_cli(*args: str, cwd: Path = EXAMPLE,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY")}
    environment.update(env or {})
    return subprocess.run([str(SCRIPT), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, env=environment, check=False)


def types_in(output: str) -> list[str]:
    return [r["type"].rsplit(":", 1)[-1] for r in json.loads(output)["resources"]]


def test_plan_production_json_lists_org_wide_resources() -> None:
    result = run_cli("plan", "--stack", "production", "--json")
    assert result.returncode == 0, result.stderr
    types = types_in(result.stdout)
    for expected in ("SentryTeam", "SentryProject", "SentryKey", "SentryOrganizationMember"):
        assert expected in types
    resource = json.loads(result.stdout)["resources"][0]
    assert set(resource) == {"type", "name", "parent", "inputs", "options"}


def test_plan_staging_json_lists_keys_and_no_team_or_project() -> None:
    result = run_cli("plan", "--stack", "staging", "--json")
    assert result.returncode == 0, result.stderr
    types = types_in(result.stdout)
    assert types.count("SentryKey") == 2
    assert "SentryTeam" not in types and "SentryProject" not in types


@pytest.mark.parametrize("details", [False, True])
def test_plan_text_shows_what_removal_does_and_no_secret(details: bool) -> None:
    sentinel = "sntrys_SENTINEL_0123456789abcdef"
    result = run_cli("plan", "--stack", "production", *(["--details"] if details else []),
                     env={"SENTRY_AUTH_TOKEN": sentinel})
    assert result.returncode == 0, result.stderr
    if details:  # the tree of every input
        assert "+ SentryProject spms-backend" in result.stdout
        assert re.search(r"\+ SentryKey spms-backend .*\[kept in Sentry if removed\]",
                         result.stdout)
    else:  # one line per resource
        assert re.search(r"\n  project +spms-backend +.*\[kept if removed\]\n", result.stdout)
        assert re.search(r"\n  key +production +\(DSN exported as a secret\) +"
                         r"\[kept if removed\]\n", result.stdout)
    assert "  dsn: [secret]" in result.stdout
    assert sentinel not in result.stdout + result.stderr
    assert "offline-public-key" not in result.stdout


def test_plan_details_and_json_go_together_with_nothing() -> None:
    assert run_cli("plan", "--stack", "staging", "--details", "--json").returncode == 2


def test_validate_ok() -> None:
    result = run_cli("validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: org.yaml, alerts/errors.yaml, alerts/performance.yaml, "
                                    "alerts/release-health.yaml valid;")


def test_validate_bad_file_exits_1_with_located_message(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p", alerts=False)
    (project / "org.yaml").write_text((BAD_DIR / "ref-unknown-team--in-project.yaml").read_text())
    result = run_cli("validate", "--dir", str(project))
    assert result.returncode == 1
    assert result.stdout == ("org.yaml:13:9: projects[1].teams[0]: unknown team 'backend' "
                             "(known: science-projects) [ref/unknown-team]\n")
    assert "1 problem found" in result.stderr
    assert "Traceback" not in result.stderr


def test_plan_of_unknown_stack_fails_clearly() -> None:
    result = run_cli("plan", "--stack", "uat")
    assert result.returncode == 1
    assert result.stdout == ("Pulumi.uat.yaml: no such stack 'uat' (known: production, staging) "
                             "[ref/unknown-stack]\n")


def test_outside_a_project_says_so(tmp_path: Path) -> None:
    result = run_cli("validate", cwd=tmp_path)
    assert result.returncode != 0
    assert "is not a sentry-iac project" in result.stderr


@pytest.mark.parametrize("args", [[], ["plan"], ["frobnicate"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    assert run_cli(*args).returncode == 2


def test_plan_shows_settings_resources_in_the_owner_stack_only() -> None:
    production = run_cli("plan", "--stack", "production", "--details")
    staging = run_cli("plan", "--stack", "staging", "--details")
    for kind in ("OrganizationPrivacy", "ProjectPrivacy", "ProjectFingerprinting",
                 "ProjectPerformanceIssues", "EnvironmentVisibility"):
        assert f"+ {kind} " in production.stdout
        assert kind not in staging.stdout
    assert "settings.slow_db_query_duration_threshold: 1000" in production.stdout
    # The short view names the settings each resource manages, by their keys in org.yaml.
    short = run_cli("plan", "--stack", "production").stdout
    assert re.search(r"\n  settings +performance +detect.n_plus_one_db_queries, "
                     r"detect.slow_db_queries,\n +slow_db_query_ms  \[kept if removed\]\n", short)
    assert "settings" not in run_cli("plan", "--stack", "staging").stdout
    # Where each setting is declared is bookkeeping for error messages, not configuration.
    assert not re.search(r"\bsources[.=]", production.stdout)


READ_ONLY = {"SENTRY_IAC_READ_ONLY_TOKEN": "sntrys_read-only-0123",
             "PULUMI_CONFIG_PASSPHRASE": "p"}


def test_read_only_settings_give_pulumi_the_read_only_token_and_blank_the_deploy_token(
        tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    environ = {**READ_ONLY, "SENTRY_AUTH_TOKEN": "sntrys_deploy", "SENTRY_TOKEN": "sntrys_other"}
    settings = deploy_settings(project, "staging", read_only=True, environ=environ)
    # Pulumi's processes inherit the caller's environment: the blanks override it.
    assert settings.env == {"PULUMI_BACKEND_URL": default_backend(project),
                            "PULUMI_CONFIG_PASSPHRASE": "p",
                            "SENTRY_IAC_READ_ONLY_TOKEN": "sntrys_read-only-0123",
                            "SENTRY_AUTH_TOKEN": "", "SENTRY_TOKEN": ""}
    with pytest.raises(DeployError, match="needs the read-only Sentry token"):
        deploy_settings(project, "staging", read_only=True,
                        environ={"PULUMI_CONFIG_PASSPHRASE": "p", "SENTRY_AUTH_TOKEN": "x"})


def with_stack_token(project: Path, stack: str) -> None:
    (project / f"Pulumi.{stack}.yaml").write_text(
        "config:\n  sentry:token:\n    secure: v1:c2FsdA==:ZW5jcnlwdGVkLWRlcGxveS10b2tlbg==\n",
        encoding="utf-8")


def test_a_read_only_preview_refuses_a_stack_file_holding_the_deploy_token(
        tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    with_stack_token(project, "staging")
    result = run_cli("preview", "--read-only", "--stack", "staging", "--no-install",
                     "--dir", str(project), env=READ_ONLY)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Pulumi.staging.yaml holds sentry:token" in result.stderr
    assert "pulumi config rm sentry:token --stack staging" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_read_only_preview_needs_the_read_only_token(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    result = run_cli("preview", "--read-only", "--stack", "staging", "--no-install",
                     "--dir", str(project),
                     env={"PULUMI_CONFIG_PASSPHRASE": "p", "SENTRY_AUTH_TOKEN": "sntrys_x"})
    assert result.returncode == 1
    assert "--read-only needs the read-only Sentry token in SENTRY_IAC_READ_ONLY_TOKEN" \
        in result.stderr


def test_up_never_runs_where_the_read_only_token_is_set(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    result = run_cli("up", "--stack", "staging", "--no-install", "--dir", str(project),
                     env=READ_ONLY)
    assert result.returncode == 1
    assert "SENTRY_IAC_READ_ONLY_TOKEN is set: this environment only previews" in result.stderr
    assert run_cli("up", "--read-only", "--stack", "staging").returncode == 2  # preview only


# Run in a fresh interpreter: which top-level packages a command imported, by the interpreter's
# own record (sys.modules), after it ran; its output is discarded.
_IMPORTED = """\
import contextlib, io, json, sys
from sentry_iac.cli import app
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    try:
        code = app.main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""


def imported_by(*argv: str, cwd: Path = EXAMPLE) -> tuple[object, set[str]]:
    """The exit code of ``sentry-iac ARGV`` and every module it imported."""
    result = subprocess.run([sys.executable, "-c", _IMPORTED, *argv], cwd=cwd,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    return answer["code"], set(answer["modules"])


def _pulumi(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in ("pulumi", "pulumiverse_sentry",
                                                            "pulumi_policy", "grpc"))


@pytest.mark.parametrize("argv", [
    ("--help",), ("render", "--stack", "staging"), ("diff", "--base-dir", ".", "--head-dir", "."),
    ("schema", "--check", "--dir", str(PROJECT_ROOT)), ("checks",), ("stacks",), ("test",),
], ids=lambda argv: argv[0])
def test_commands_that_need_no_pulumi_do_not_import_it(argv: tuple[str, ...]) -> None:
    """They run in editors and pre-commit hooks: importing Pulumi would cost them a second."""
    code, modules = imported_by(*argv)
    assert code == 0
    assert _pulumi(modules) == []
    assert "sentry_iac.offline.engine" not in modules


def test_help_imports_no_command() -> None:
    """`--help` reads the table of commands, and imports none of them nor what they need."""
    code, modules = imported_by("--help")
    assert code == 0
    ours = sorted(m for m in modules if m.startswith("sentry_iac."))
    assert ours == ["sentry_iac.cli", "sentry_iac.cli.app", "sentry_iac.cli.commands",
                    "sentry_iac.cli.output", "sentry_iac.config", "sentry_iac.config.errors",
                    "sentry_iac.config.yaml", "sentry_iac.config.yaml.gcpause",
                    "sentry_iac.review", "sentry_iac.review.github"]
    assert {"yaml", "pydantic", "httpx"} & modules == set()


def test_a_command_imports_only_its_own_module() -> None:
    code, modules = imported_by("checks")
    assert code == 0
    commands = sorted(m for m in modules if m.startswith("sentry_iac.cli."))
    assert commands == ["sentry_iac.cli.app", "sentry_iac.cli.checks_command",
                        "sentry_iac.cli.commands", "sentry_iac.cli.output"]


def test_validate_of_a_broken_configuration_reports_it_before_importing_pulumi(
        tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    org = project / "org.yaml"
    org.write_text(org.read_text(encoding="utf-8") + "\nnot_a_key: 1\n", encoding="utf-8")
    code, modules = imported_by("validate", "--dir", str(project))
    assert code == 1
    assert _pulumi(modules) == []
    code, modules = imported_by("validate", "--dir", str(copy_project(tmp_path / "q")))
    assert code == 0  # the valid one is planned (by child processes, which import Pulumi)


def test_every_listed_command_is_defined_by_its_module() -> None:
    for name, command in COMMANDS.items():
        top = parser(name)
        assert top.parse_args([name, *_REQUIRED.get(name, [])]).func.__module__ == \
            command.module, name


_REQUIRED = {"plan": ["--stack", "s"], "render": ["--stack", "s"], "preview": ["--stack", "s"],
             "up": ["--stack", "s"], "import": ["--org", "o"], "init": ["d"]}


def test_the_import_command_asks_for_the_providers_token_variables(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in TOKEN_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    assert main(["import", "--org", "dbca"]) == 2
    assert "no token; set SENTRY_AUTH_TOKEN or SENTRY_TOKEN" in capsys.readouterr().err


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    # `sentry-iac checks | head -1`, at its extreme: the reader has gone before the first line.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        writer = subprocess.run([str(SCRIPT), "checks"], cwd=PROJECT_ROOT, stdout=write_end,
                                stderr=subprocess.PIPE, text=True, timeout=120, check=False)
    finally:
        os.close(write_end)
    assert writer.stderr == ""
    assert writer.returncode == 1


def test_a_held_pause_leaves_the_collector_paused() -> None:
    program = ("import gc\n"
               "from sentry_iac.config.yaml import gcpause\n"
               "with gcpause.paused_gc():\n"
               "    inside = gc.isenabled()\n"
               "after = gc.isenabled()\n"
               "gcpause.hold()\n"
               "with gcpause.paused_gc():\n"
               "    pass\n"
               "print(inside, after, gc.isenabled())\n")
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.stdout.split() == ["False", "True", "False"], result.stderr


def test_the_script_exits_with_the_commands_code_and_all_its_output(tmp_path: Path) -> None:
    # The script ends a short command with os._exit: what it printed must still all arrive.
    result = run_cli("plan", "--stack", "production", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["stack"] == "production"
    assert run_cli("plan", "--stack", "nowhere").returncode == 1
    assert run_cli("plan").returncode == 2  # argparse's usage error
    outside = run_cli("validate", "--dir", str(tmp_path))
    assert outside.returncode == 1
    assert "is not a sentry-iac project" in outside.stderr


def test_validate_declares_without_the_http_client_or_the_engine() -> None:
    """validate needs Pulumi's SDK to declare the stacks, never httpx (providers call Sentry
    only where they run) nor the offline engine's recording monitor."""
    code, modules = imported_by("validate")
    assert code == 0
    assert "pulumi" in modules and "sentry_iac.offline.declarations" in modules
    assert {"httpx", "sentry_iac.providers.client", "sentry_iac.offline.engine"} & modules == set()
