"""The spec: YAML locations, model rules, and the loader over a whole project."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from sentry_iac.config.errors import SpecError, SpecErrors
from sentry_iac.config.loader import load_spec
from sentry_iac.config.models import Digests, Member, Organization, Priority, Project
from sentry_iac.config.yaml.source import Location, format_path, parse_yaml
from tests.helpers import EXAMPLE, copy_project


def test_locations_of_keys_and_items() -> None:
    loaded = parse_yaml("a:\n  b:\n    - x\n    - y: 1\n", "f.yaml")
    assert loaded.data == {"a": {"b": ["x", {"y": 1}]}}
    assert loaded.source.locate(("a", "b")) == Location("f.yaml", 2, 3)
    assert loaded.source.locate(("a", "b", 1)) == Location("f.yaml", 4, 7)
    assert loaded.source.locate(("a", "b", 1, "y")) == Location("f.yaml", 4, 7)
    # An unknown path falls back to its nearest ancestor.
    assert loaded.source.locate(("a", "b", 1, "nope")) == Location("f.yaml", 4, 7)


def test_merge_keys_and_anchors_are_resolved() -> None:
    loaded = parse_yaml("base: &b {x: 1}\nother:\n  <<: *b\n  y: 2\n", "f.yaml")
    assert loaded.data["other"] == {"x": 1, "y": 2}


def test_several_documents_are_rejected() -> None:
    with pytest.raises(SpecErrors) as raised:
        parse_yaml("a: 1\n---\nb: 2\n", "f.yaml")
    assert str(raised.value) == ("f.yaml:3:1: expected one YAML document, found several ('---') "
                                 "[yaml/several-documents]")


def test_format_path() -> None:
    assert format_path(("projects", 1, "teams", 0)) == "projects[1].teams[0]"
    assert format_path(()) == ""


def test_error_text_without_a_line() -> None:
    error = SpecError("org.yaml", 0, 0, "", "file not found", "file/unreadable")
    assert str(error) == "org.yaml: file not found [file/unreadable]"


def test_models_are_immutable() -> None:
    team = Organization.model_validate({"version": 1, "organization": "dbca",
                                        "teams": [{"slug": "a"}]}).teams[0]
    with pytest.raises(ValidationError):
        team.slug = "b"


def test_member_team_shorthand_defaults_to_contributor() -> None:
    member = Member.model_validate({"email": "a@b.org", "teams": ["x", {"team": "y",
                                                                        "role": "admin"}]})
    assert [(t.team, t.role) for t in member.teams] == [("x", "contributor"), ("y", "admin")]
    assert member.role == "member"


@pytest.mark.parametrize(("low", "high", "ok"), [(60, 60, True), (60, 3600, True),
                                                 (61, 60, False), (59, 60, False),
                                                 (60, 3601, False)])
def test_digest_delay_bounds(low: int, high: int, ok: bool) -> None:
    if ok:
        assert Digests(min_delay=low, max_delay=high).min_delay == low
    else:
        with pytest.raises(ValidationError):
            Digests(min_delay=low, max_delay=high)


def test_numbers_given_as_text_are_errors() -> None:
    with pytest.raises(ValidationError):
        Project.model_validate({"slug": "a", "teams": ["t"], "resolve_age": "12"})


def test_project_environment_defaults_to_stack_name() -> None:
    project = Project.model_validate({"slug": "a", "teams": ["t"],
                                      "environments": {"staging": "test"}})
    assert project.environment_for("staging") == "test"
    assert project.environment_for("production") == "production"


def test_priority_routes_are_the_stack_keys() -> None:
    priority = Priority.model_validate({"respond": "now", "production": ["a", "b"]})
    assert priority.routes == {"production": ("a", "b")}
    assert priority.respond == "now"


def test_example_project_loads() -> None:
    spec = load_spec(EXAMPLE)
    assert spec.org.organization == "dbca"
    assert sorted(spec.stacks) == ["production", "staging"]
    assert spec.is_owner("production") and not spec.is_owner("staging")
    assert [p.slug for p in spec.org.projects] == ["spms-backend", "spms-frontend"]
    assert spec.org.priorities["critical"].routes["production"] == ("on-call", "team-chat")


def test_missing_org_file_is_reported(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    (project / "org.yaml").unlink()
    with pytest.raises(SpecErrors) as raised:
        load_spec(project)
    assert [str(e) for e in raised.value.errors] == ["org.yaml: file not found [file/unreadable]"]


def test_a_project_without_stacks_is_reported(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    for stack_file in project.glob("Pulumi.*.yaml"):
        stack_file.unlink()
    with pytest.raises(SpecErrors) as raised:
        load_spec(project)
    messages = [str(e) for e in raised.value.errors]
    assert ("Pulumi.yaml: no stacks: add a Pulumi.<stack>.yaml for each environment "
            "[file/no-stacks]") in messages


def test_problems_in_several_files_are_reported_together(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    (project / "Pulumi.staging.yaml").write_text("config:\n  sentry:token: plain\n")
    (project / "alerts" / "errors.yaml").write_text("version: 3\n")
    with pytest.raises(SpecErrors) as raised:
        load_spec(project)
    assert [e.file for e in raised.value.errors] == ["Pulumi.staging.yaml", "alerts/errors.yaml"]


def test_unknown_stack_is_reported(tmp_path: Path) -> None:
    spec = load_spec(EXAMPLE)
    with pytest.raises(SpecErrors) as raised:
        spec.stack("uat")
    assert str(raised.value) == ("Pulumi.uat.yaml: no such stack 'uat' "
                                 "(known: production, staging) [ref/unknown-stack]")
