"""The real Pulumi CLI path. Skipped, with the reason, where `pulumi` is not on PATH (it
downloads from the internet, which this project's CI machine cannot reach)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sentry_iac.automation import PulumiCliMissingError, default_backend, preview, require_cli
from tests.helpers import copy_project

needs_cli = pytest.mark.skipif(shutil.which("pulumi") is None,
                               reason="the Pulumi CLI is not on PATH")


def test_default_backend_is_a_file_url_inside_the_project(tmp_path: Path) -> None:
    assert default_backend(tmp_path) == (tmp_path / ".pulumi-state").resolve().as_uri()


def test_missing_cli_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "")
    with pytest.raises(PulumiCliMissingError, match="sentry-iac plan"):
        require_cli()


@needs_cli
def test_preview_production_against_a_local_backend(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_project(tmp_path / "p")
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE", "test-passphrase")
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", "preview-only-token")
    result = preview(project, "production")
    assert result.change_summary.get("create", 0) >= 7  # teams, member, projects, keys
    assert "preview-only-token" not in result.stdout
