"""``sentry-iac render``: the example configuration as each stack's reviewer reads it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sentry_iac.cli.app import main
from sentry_iac.config.loader import load_spec
from sentry_iac.review.mermaid import routing_diagram
from sentry_iac.review.render import cell
from sentry_iac.review.snapshot import snapshot
from tests.golden import assert_golden
from tests.helpers import EXAMPLE, copy_project


def render(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(["render", "--dir", str(EXAMPLE), *args])
    captured = capsys.readouterr()
    assert code == 0, captured.out + captured.err
    return captured.out


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_render_markdown_matches_golden(stack: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert_golden(f"render-{stack}.md", render(capsys, "--stack", stack))


@pytest.mark.parametrize("stack", ["production", "staging"])
def test_render_json_matches_golden(stack: str, capsys: pytest.CaptureFixture[str]) -> None:
    output = render(capsys, "--stack", stack, "--format", "json")
    assert json.loads(output)["stack"] == stack
    assert_golden(f"render-{stack}.json", output)


def test_rules_read_as_the_issue_asks() -> None:
    spec = load_spec(EXAMPLE)
    production = {r.key: r.sentence for r in snapshot(spec, "production").rules().values()}
    staging = {r.key: r.sentence for r in snapshot(spec, "staging").rules().values()}
    assert production["high-error-rate/spms-backend"] == (
        "Error count above 10 per 1 minute in production → critical → PagerDuty 'SPMS', "
        "Teams #spms-alerts")
    assert staging["new-error-types/spms-backend"] == (
        "New issue in staging → high → email science-projects")
    # The front end calls its staging environment "test"; its rules say so.
    assert staging["new-error-types/spms-frontend"].startswith("New issue in test →")
    assert production["slow-http-requests/spms-backend"].startswith(
        "p95 duration of incoming HTTP requests above 3 s over 5 minutes in production")
    assert production["crash-free-sessions/spms-frontend"].startswith(
        "Crash-free session rate below 99% over 1 hour")


def test_routing_is_a_mermaid_flowchart(capsys: pytest.CaptureFixture[str]) -> None:
    page = render(capsys, "--stack", "staging")
    diagram = page.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert diagram.startswith("flowchart LR\n")
    assert "  p_critical --> c_maintainers\n" in diagram
    # 'low' reaches nobody in staging, and the page says so instead of leaving it out.
    assert "  p_low -.-> nobody\n" in diagram


def test_mermaid_labels_cannot_break_the_diagram(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    org = project / "org.yaml"
    org.write_text(org.read_text().replace("respond: immediately",
                                           'respond: "now <b>\\"really\\"</b>"'))
    view = snapshot(load_spec(project), "production")
    diagram = routing_diagram(view)
    assert "respond now #lt;b#gt;#quot;really#quot;#lt;/b#gt;" in diagram
    assert "<b>" not in diagram


def test_table_cells_escape_pipes() -> None:
    assert cell("a | b\nc") == "a \\| b c"


def test_render_unknown_stack_fails_with_the_known_ones(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "--dir", str(EXAMPLE), "--stack", "uat"]) == 1
    assert capsys.readouterr().out == (
        "Pulumi.uat.yaml: no such stack 'uat' (known: production, staging) "
        "[ref/unknown-stack]\n")
