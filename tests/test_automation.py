"""The real Pulumi path (`sentry-iac preview|up`). Everything up to the CLI call is tested here;
the calls themselves are skipped, with the reason, where `pulumi` is not on PATH (the CLI and the
Sentry provider plugin download from the internet)."""

from __future__ import annotations

import shutil
import socket
import urllib.error
from pathlib import Path

import pytest
from pulumi.automation import OpType, PulumiCommand

from sentry_iac.automation import (
    DeployError,
    PulumiCliMissingError,
    default_backend,
    deploy_settings,
    preview,
    require_cli,
)
from sentry_iac.cli.app import main
from tests.helpers import BAD_DIR, copy_project

needs_cli = pytest.mark.skipif(shutil.which("pulumi") is None,
                               reason="the Pulumi CLI is not on PATH")


def test_default_backend_is_a_file_url_inside_the_project(tmp_path: Path) -> None:
    assert default_backend(tmp_path) == (tmp_path / ".pulumi-state").resolve().as_uri()


def test_settings_for_the_default_local_backend(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    (project / "policies").mkdir()
    settings = deploy_settings(project, "staging",
                               environ={"PULUMI_CONFIG_PASSPHRASE": "correct horse"})
    assert settings.backend == default_backend(project)
    assert settings.env == {"PULUMI_BACKEND_URL": default_backend(project),
                            "PULUMI_CONFIG_PASSPHRASE": "correct horse"}
    assert settings.policy_packs == [str(project / "policies")]
    assert deploy_settings(project, "staging", policies=False,
                           environ={"PULUMI_CONFIG_PASSPHRASE": "x"}).policy_packs == []


def test_a_self_managed_backend_needs_a_passphrase(tmp_path: Path) -> None:
    with pytest.raises(DeployError, match="set PULUMI_CONFIG_PASSPHRASE"):
        deploy_settings(tmp_path, "production", backend_url="azblob://state", environ={})
    cloud = deploy_settings(tmp_path, "production", backend_url="https://api.pulumi.com",
                            environ={})
    assert cloud.env == {"PULUMI_BACKEND_URL": "https://api.pulumi.com"}
    from_env = deploy_settings(tmp_path, "production", environ={
        "PULUMI_BACKEND_URL": "s3://bucket/sentry", "PULUMI_CONFIG_PASSPHRASE_FILE": "/p"})
    assert from_env.backend == "s3://bucket/sentry"


def test_missing_cli_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(PulumiCliMissingError, match="sentry-iac plan"):
        require_cli()


def test_an_invalid_config_never_reaches_pulumi(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", "")  # would fail loudly if Pulumi were reached
    project = copy_project(tmp_path / "p", alerts=False)
    (project / "org.yaml").write_text((BAD_DIR / "ref-unknown-team--in-project.yaml").read_text())
    assert main(["preview", "--stack", "staging", "--dir", str(project), "--no-install"]) == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("org.yaml:13:9: projects[1].teams[0]: unknown team")
    assert "nothing was sent to Pulumi" in captured.err


@pytest.mark.parametrize("command", ["preview", "up"])
def test_preview_and_up_say_what_is_missing(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = copy_project(tmp_path / "p")
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE", raising=False)
    monkeypatch.delenv("PULUMI_CONFIG_PASSPHRASE_FILE", raising=False)
    monkeypatch.delenv("PULUMI_BACKEND_URL", raising=False)
    assert main([command, "--stack", "staging", "--dir", str(project), "--no-install"]) == 1
    assert "set PULUMI_CONFIG_PASSPHRASE" in capsys.readouterr().err
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "test-passphrase")
    monkeypatch.setenv("PATH", "")
    assert main([command, "--stack", "staging", "--dir", str(project), "--no-install"]) == 1
    assert "the Pulumi CLI is not on PATH" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["preview", "up"])
def test_a_cli_that_cannot_be_installed_is_one_line(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # No CLI on PATH and no network to fetch it from: one line that says what to do, and no
    # traceback. (The install is stood in for: CI may have a network, and must not download.)
    def offline_install(*_args: object, **_kwargs: object) -> None:
        raise urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))

    project = copy_project(tmp_path / "p")
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "test-passphrase")
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(PulumiCommand, "install", offline_install)
    assert main([command, "--stack", "staging", "--dir", str(project)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        "sentry-iac: the Pulumi CLI is not on PATH and could not be installed ([Errno -2] Name "
        "or service not known): install it (https://www.pulumi.com/docs/install/), or use "
        "`sentry-iac plan`, which needs no CLI\n")


@needs_cli
def test_preview_production_against_a_local_backend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_project(tmp_path / "p")
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", "preview-only-token")
    settings = deploy_settings(project, "production", policies=False,
                               environ={"PULUMI_CONFIG_PASSPHRASE": "test-passphrase"})
    lines: list[str] = []
    result = preview(settings, install=False, on_output=lines.append)
    assert result.change_summary.get(OpType.CREATE, 0) >= 7  # teams, member, projects, keys
    assert "preview-only-token" not in "".join(lines)
