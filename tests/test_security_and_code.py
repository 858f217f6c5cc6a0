"""Organisation security settings and the links to the code (GitHub repositories, code
mappings): the program under mocks for both stacks, the Attention callouts, and the rules."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from sentry_iac.config.attention import access_callouts
from sentry_iac.config.models import Organization
from sentry_iac.config.repositories import CodeMapping, roots_problem
from sentry_iac.config.security import Security
from sentry_iac.offline.engine import Plan, run_offline
from sentry_iac.offline.mocks import placeholder_id
from sentry_iac.offline.report import format_plan
from sentry_iac.resources.payloads.settings import security_fields
from tests.helpers import by_name, copy_project

GET_INTEGRATION = ("sentry:index/getSentryOrganizationIntegration:"
                   "getSentryOrganizationIntegration")
RELAY_KEY = "Eo8qSwkWYOaeJBxwT7NWJLYAgim5HIV2z28AtXdOh-U"
OTHER_KEY = "dcnC0mpKDUNLr4fnZavKplKyHdie1capyHLH-bfbvII"
LINK_TYPES = {"OrganizationSecurity", "Repository",
              "SentryOrganizationCodeMapping"}





def parent_name(plan: Plan, short_type: str, name: str) -> str:
    resource = next(r for r in plan.of_type(short_type) if r.name == name)
    return plan.names()[resource.parent or ""]


# -- the example configuration ------------------------------------------------------------------

def test_owner_stack_manages_the_security_settings(production: Plan) -> None:
    (security,) = production.of_type("OrganizationSecurity")
    assert security.type == "pulumi-python:dynamic/sentry-iac:OrganizationSecurity"
    assert security.inputs["organization"] == "dbca"
    assert security.inputs["settings"] == {
        "require2FA": True, "openMembership": True, "allowJoinRequests": False,
        "defaultRole": "member", "eventsMemberAdmin": False, "alertsMemberWrite": False,
        "attachmentsRole": "member", "debugFilesRole": "admin", "allowSharedIssues": False,
        "enhancedPrivacy": True, "hideAiFeatures": False,
    }
    sources = security.inputs["sources"]
    assert set(sources) == set(security.inputs["settings"])
    assert sources["require2FA"].startswith("org.yaml:")
    assert sources["require2FA"].endswith(": security.require_2fa")
    assert parent_name(production, "OrganizationSecurity", "dbca").endswith("Organization::dbca")


def test_owner_stack_adds_the_repository_through_the_named_integration(
    production: Plan,
) -> None:
    # The repository provider finds the integration by name at deploy time (and adopts a
    # repository that is already linked); the code mappings take its id from the lookup.
    assert by_name(production, "Repository") == {"dbca-wa/science-projects": {
        "organization": "dbca", "identifier": "dbca-wa/science-projects",
        "integration": "dbca-wa"}}
    integration_lookups = [x for x in production.lookups if x["token"] == GET_INTEGRATION]
    assert [x["args"] for x in integration_lookups] == [
        {"organization": "dbca", "providerKey": "github", "name": "dbca-wa"}]


def test_owner_stack_maps_backend_and_frontend_to_their_folders(production: Plan) -> None:
    integration_id = placeholder_id("integration", "github:dbca-wa")
    repository_id = ("dbca-wa/science-projects-"
                     + placeholder_id("Repository", "dbca-wa/science-projects"))
    common = {"organization": "dbca", "integrationId": integration_id,
              "repositoryId": repository_id, "defaultBranch": "main"}
    assert by_name(production, "SentryOrganizationCodeMapping") == {
        "spms-backend:/usr/src/app/backend/": {
            **common, "projectId": placeholder_id("SentryProject", "spms-backend"),
            "stackRoot": "/usr/src/app/backend/", "sourceRoot": "backend/"},
        "spms-frontend:./src/": {
            **common, "projectId": placeholder_id("SentryProject", "spms-frontend"),
            "stackRoot": "./src/", "sourceRoot": "frontend/src/"},
    }
    # Each mapping sits under its project's component.
    assert parent_name(production, "SentryOrganizationCodeMapping",
                       "spms-frontend:./src/").endswith("Project::spms-frontend")


def test_other_stacks_create_none_of_it(staging: Plan) -> None:
    assert not {r.type.rsplit(":", 1)[-1] for r in staging.resources} & LINK_TYPES
    assert not [x for x in staging.lookups if x["token"] == GET_INTEGRATION]
    assert staging.attention == []
    assert "Attention" not in format_plan(staging)


def test_plan_calls_out_what_can_lock_people_out(production: Plan) -> None:
    assert [line.split(": ", 2)[1] for line in production.attention] == [
        "security.require_2fa", "security.events_member_admin", "security.alerts_member_write"]
    assert all(line.startswith("org.yaml:") for line in production.attention)
    text = format_plan(production)
    assert "Attention: changes to who may do what, deletions opted into, renames:" in text
    assert f"  ! {production.attention[0]}" in text
    assert production.as_json()["attention"] == production.attention


# -- variations --------------------------------------------------------------------------------

def edited(tmp_path: Path, old: str, new: str) -> Path:
    project = copy_project(tmp_path / "p")
    org = project / "org.yaml"
    text = org.read_text()
    assert old in text
    org.write_text(text.replace(old, new))
    return project


def test_a_repository_can_name_its_own_integration(tmp_path: Path) -> None:
    project = edited(tmp_path, "  - dbca-wa/science-projects       # backend/ (Django) and "
                               "frontend/ (React)\n",
                     "  - dbca-wa/science-projects\n"
                     "  - {name: parks-wa/spms-docs, integration: parks-wa}\n")
    plan = run_offline(project, "production")
    repositories = by_name(plan, "Repository")
    assert set(repositories) == {"dbca-wa/science-projects", "parks-wa/spms-docs"}
    assert repositories["parks-wa/spms-docs"]["integration"] == "parks-wa"
    names = [x["args"]["name"] for x in plan.lookups if x["token"] == GET_INTEGRATION]
    assert sorted(names) == ["dbca-wa", "parks-wa"]  # each integration looked up once


def test_without_security_or_repositories_nothing_is_declared(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p", alerts=False)
    (project / "org.yaml").write_text("version: 1\norganization: dbca\nteams: [{slug: a}]\n"
                                      "projects: [{slug: web, teams: [a]}]\n")
    plan = run_offline(project, "production")
    assert not {r.type.rsplit(":", 1)[-1] for r in plan.resources} & LINK_TYPES
    assert not [x for x in plan.lookups if x["token"] == GET_INTEGRATION]
    assert plan.attention == []


# -- the rules ---------------------------------------------------------------------------------

def security(**settings: Any) -> Security:
    return Security.model_validate(settings)


def test_callouts_are_a_pure_function_of_the_settings() -> None:
    assert access_callouts(None) == []
    # Sentry's defaults, or more open settings, take nobody's access away.
    assert access_callouts(security(
        require_2fa=False, open_membership=True, default_role="member",
        events_member_admin=True, alerts_member_write=True, attachments_role="member",
        debug_files_role="admin", allow_join_requests=False, enhanced_privacy=True)) == []
    strict = security(require_2fa=True, default_role="owner", open_membership=False,
                      events_member_admin=False, alerts_member_write=False,
                      attachments_role="admin", debug_files_role="owner")
    callouts = {c.path[1]: c.message for c in access_callouts(strict)}
    assert list(callouts) == ["require_2fa", "default_role", "open_membership",
                              "events_member_admin", "alerts_member_write",
                              "attachments_role", "debug_files_role"]
    assert callouts["default_role"].startswith("everyone who joins becomes owner")
    assert callouts["debug_files_role"] == (
        "only owner and above can download debug files and source maps (Sentry's default: admin)")
    # debug files are admin-only by default: declaring that is no change.
    assert access_callouts(security(debug_files_role="admin")) == []


def test_security_settings_map_to_sentrys_fields() -> None:
    declared = security(hide_ai_features=True, trusted_relays=[
        {"name": " edge ", "public_key": RELAY_KEY},
        {"name": "dmz", "public_key": OTHER_KEY, "description": "DMZ"}])
    assert security_fields(declared) == {"hideAiFeatures": True, "trustedRelays": [
        {"name": "edge", "publicKey": RELAY_KEY},
        {"name": "dmz", "publicKey": OTHER_KEY, "description": "DMZ"}]}


def test_a_relay_key_must_be_a_relay_public_key() -> None:
    with pytest.raises(ValidationError, match="is not a Relay public key"):
        security(trusted_relays=[{"name": "edge", "public_key": "not-a-key"}])


def mapping(**fields: str) -> CodeMapping:
    return CodeMapping.model_validate({"repository": "dbca-wa/science-projects", **fields})


def test_branch_names_follow_sentrys_rule() -> None:
    assert mapping(stack_root="", source_root="", branch="release/2.1").branch == "release/2.1"
    for bad in ("main/", "/main", "feature branch"):
        with pytest.raises(ValidationError, match="not a branch name Sentry accepts"):
            mapping(stack_root="", source_root="", branch=bad)


@pytest.mark.parametrize(("stack_root", "source_root", "garbled"), [
    ("backend/", "src", "srcviews.py"),
    ("backend", "src/", "src//views.py"),
    ("", "backend", "backendviews.py"),
    ("app", "", "/views.py"),
])
def test_roots_that_garble_paths_are_explained(
    stack_root: str, source_root: str, garbled: str
) -> None:
    problem = roots_problem(stack_root, source_root)
    assert problem is not None and f"would become '{garbled}'" in problem


@pytest.mark.parametrize(("stack_root", "source_root"), [
    ("", ""), ("", "backend/"), ("app/", ""), ("app/", "backend/"), ("app", "backend"),
    ("/usr/src/app/backend/", "backend/"), ("../../src/", "frontend/src/"),
])
def test_roots_that_fit(stack_root: str, source_root: str) -> None:
    assert roots_problem(stack_root, source_root) is None
    assert mapping(stack_root=stack_root, source_root=source_root).source_root == source_root


def test_repositories_accept_a_bare_name() -> None:
    org = Organization.model_validate({
        "version": 1, "organization": "dbca", "integrations": {"github": "dbca-wa"},
        "repositories": ["dbca-wa/science-projects", {"name": "dbca-wa/other",
                                                       "integration": "x"}]})
    assert [(r.name, r.integration) for r in org.repositories] == [
        ("dbca-wa/science-projects", None), ("dbca-wa/other", "x")]
