"""A sentinel token and a sentinel DSN, searched for in everything sentry-iac shows or keeps:
plan (text and JSON), validate, render, diff, logs, error messages and the pickled dynamic
providers. Neither may appear anywhere."""

from __future__ import annotations

import base64
import logging
from pathlib import Path

import pytest

from sentry_iac.cli.app import main
from sentry_iac.config.loader import load_spec
from sentry_iac.offline import mocks
from sentry_iac.offline.engine import run_program
from tests.helpers import BAD_DIR, EXAMPLE, copy_project

TOKEN = "sntrys_SENTINEL_TOKEN_d41d8cd98f00b204"
DSN_KEY = "sentineldsnkey0123456789abcdef"


@pytest.fixture
def sentinels(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", TOKEN)
    monkeypatch.setattr(mocks, "OFFLINE_PUBLIC_KEY", DSN_KEY)


def _clean(text: str) -> None:
    assert TOKEN not in text
    assert DSN_KEY not in text


def test_nothing_secret_in_any_output(
    sentinels: None, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    project = copy_project(tmp_path / "p")
    other = copy_project(tmp_path / "other")
    rules = other / "alerts" / "errors.yaml"
    rules.write_text(rules.read_text().replace("critical: above 10", "critical: above 20"))
    commands = [["validate"], ["validate", "--format", "github"]]
    for stack in ("staging", "production"):
        commands += [["plan", "--stack", stack], ["plan", "--stack", stack, "--details"],
                     ["plan", "--stack", stack, "--json"],
                     ["render", "--stack", stack], ["render", "--stack", stack, "--format",
                                                    "json"]]
    sides = ["--base-dir", str(project), "--head-dir", str(other)]
    commands += [["diff", *sides], ["diff", *sides, "--format", "json"]]
    outputs = []
    for command in commands:
        code = main([*command, "--dir", str(project)])
        captured = capsys.readouterr()
        assert code == 0, (command, captured.err)
        outputs.append(captured.out + captured.err)
    assert any("dsn" in out for out in outputs)  # the DSN output is there, as [secret]
    for out in outputs:
        _clean(out)
    _clean(caplog.text)


def test_nothing_secret_in_error_messages(
    sentinels: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "p", alerts=False)
    several = BAD_DIR / "ref-unknown-team--several-problems-at-once.yaml"
    (project / "org.yaml").write_text(several.read_text())
    assert main(["validate", "--dir", str(project)]) == 1
    assert main(["preview", "--stack", "staging", "--dir", str(project), "--no-install"]) == 1
    captured = capsys.readouterr()
    _clean(captured.out + captured.err)


@pytest.mark.parametrize("stack", ["staging", "production"])
def test_nothing_secret_in_the_pickled_providers(sentinels: None, stack: str) -> None:
    run = run_program(EXAMPLE, stack, "sentry-iac", load_spec(EXAMPLE))
    # The sentinel DSN really flowed through the program (the engine's state holds it), so
    # its absence from every output is the masking at work, not an accident.
    assert any(DSN_KEY in str(r.state) for r in run.monitor.resources.values())
    pickled = [base64.b64decode(p) for p in run.monitor.serialized_providers]
    assert len(pickled) >= 5  # every dynamic resource of the stack
    for blob in pickled:
        assert TOKEN.encode() not in blob
        assert DSN_KEY.encode() not in blob
        assert b"sntrys_" not in blob
