"""The real program under Pulumi's mock engine: exact inputs, options and the owner split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sentry_iac.offline.engine import Plan, run_offline
from tests.helpers import EXAMPLE, by_name, copy_project

SECRET_OUTPUTS = ["dsnCsp", "dsnPublic", "dsnSecret", "public", "secret"]





def test_owner_stack_creates_teams_members_projects(production: Plan, staging: Plan) -> None:
    assert by_name(production, "SentryTeam") == {
        "science-projects": {"organization": "dbca", "slug": "science-projects",
                             "name": "Science Projects"},
    }
    assert by_name(production, "SentryOrganizationMember") == {
        "maintainer@example.org": {"organization": "dbca", "email": "maintainer@example.org",
                                   "role": "manager", "teams": ["science-projects"]},
    }
    assert by_name(production, "SentryProject") == {
        "spms-backend": {"organization": "dbca", "slug": "spms-backend", "name": "SPMS Backend",
                         "teams": ["science-projects"], "digestsMinDelay": 300,
                         "digestsMaxDelay": 1800},
        "spms-frontend": {"organization": "dbca", "slug": "spms-frontend",
                          "name": "SPMS Frontend", "teams": ["science-projects"],
                          "digestsMinDelay": 300, "digestsMaxDelay": 1800},
    }
    # Not through the Terraform provider, which sends no resolveAge of 0 and looks platforms
    # up on docs.sentry.io during a preview.
    details = {name: inputs["settings"] for name, inputs in
               by_name(production, "ProjectDetails").items()}
    assert details == {"spms-backend": {"platform": "python-django", "resolveAge": 720},
                       "spms-frontend": {"platform": "javascript-react", "resolveAge": 720}}
    assert set(by_name(production, "ProjectDefaults")) == {"spms-backend", "spms-frontend"}
    assert not by_name(staging, "ProjectDefaults") and not by_name(staging, "ProjectDetails")


def test_projects_teams_and_keys_are_never_deleted_by_default(
    production: Plan, staging: Plan
) -> None:
    held = (production.of_type("SentryProject") + production.of_type("SentryTeam")
            + production.of_type("SentryKey") + staging.of_type("SentryKey"))
    assert len(held) == 7
    assert all(r.options.get("retain_on_delete") is True for r in held)


def test_every_stack_has_one_key_per_project_named_after_its_environment(
    production: Plan, staging: Plan
) -> None:
    assert by_name(production, "SentryKey") == {
        "spms-backend": {"organization": "dbca", "project": "spms-backend", "name": "production"},
        "spms-frontend": {"organization": "dbca", "project": "spms-frontend",
                          "name": "production"},
    }
    # The front end calls its staging environment "test" in Sentry.
    assert by_name(staging, "SentryKey") == {
        "spms-backend": {"organization": "dbca", "project": "spms-backend", "name": "staging"},
        "spms-frontend": {"organization": "dbca", "project": "spms-frontend", "name": "test"},
    }
    for plan in (production, staging):
        for key in plan.of_type("SentryKey"):
            assert key.options["additional_secret_outputs"] == SECRET_OUTPUTS
            assert key.parent is not None and key.parent.endswith(f"::{key.name}")


def test_non_owner_stack_creates_no_org_wide_resource(staging: Plan) -> None:
    created = {r.type.rsplit(":", 1)[-1] for r in staging.resources if r.custom}
    # keys, alerts, cron alerts and dashboards scoped to staging, and the provider only
    assert created == {"SentryKey", "Monitor", "Alert", "sentry", "CronAlert", "Dashboard"}
    assert staging.lookups == [{"token": "sentry:index/getSentryTeam:getSentryTeam",
                                "args": {"organization": "dbca", "slug": "science-projects"}}]
    assert staging.outputs["owner"] is False


def test_team_ids_are_exported_from_resources_or_lookups(production: Plan, staging: Plan) -> None:
    assert production.outputs["team_ids"] == staging.outputs["team_ids"]
    assert set(production.outputs["team_ids"]) == {"science-projects"}


def test_dsn_output_is_secret(production: Plan, staging: Plan) -> None:
    assert production.outputs["dsn"] == "[secret]"
    assert staging.outputs["dsn"] == "[secret]"
    assert staging.outputs["environments"] == {"spms-backend": "staging",
                                               "spms-frontend": "test"}


def test_provider_gets_base_url_from_stack_config(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    (project / "Pulumi.staging.yaml").write_text(
        "config:\n  sentry:baseUrl: https://sentry.example.org\n")
    plan = run_offline(project, "staging")
    provider = next(r for r in plan.resources if r.type == "pulumi:providers:sentry")
    assert provider.inputs == {"baseUrl": "https://sentry.example.org/api/"}


def test_token_from_environment_is_masked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sentinel = "sntrys_SENTINEL_TOKEN_0123456789"
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", sentinel)
    plan = run_offline(EXAMPLE, "staging")
    provider = next(r for r in plan.resources if r.type == "pulumi:providers:sentry")
    assert provider.inputs == {"token": "[secret]"}
    assert sentinel not in repr(plan.as_json())


def test_renaming_a_display_name_keeps_logical_names(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    org = project / "org.yaml"
    org.write_text(org.read_text().replace("name: SPMS Backend", "name: Science Projects API"))
    plan = run_offline(project, "production")
    backend = next(r for r in plan.of_type("SentryProject") if r.name == "spms-backend")
    assert backend.inputs["name"] == "Science Projects API"


def test_owner_stack_is_configurable(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    org = project / "org.yaml"
    org.write_text(org.read_text().replace("owner_stack: production", "owner_stack: staging"))
    assert run_offline(project, "staging").of_type("SentryProject")
    assert not run_offline(project, "production").of_type("SentryProject")


SETTINGS_TYPES = {"OrganizationPrivacy", "ProjectPrivacy", "ProjectFingerprinting",
                  "ProjectPerformanceIssues", "EnvironmentVisibility"}


def test_owner_stack_manages_privacy_grouping_and_thresholds(production: Plan) -> None:
    (org_privacy,) = production.of_type("OrganizationPrivacy")
    assert org_privacy.type == "pulumi-python:dynamic/sentry-iac:OrganizationPrivacy"
    assert org_privacy.inputs["organization"] == "dbca"
    assert org_privacy.inputs["settings"] == {
        "dataScrubber": True, "dataScrubberDefaults": True, "scrubIPAddresses": True,
        "sensitiveFields": ["password", "token", "email", "api_key", "apikey", "session",
                            "sessionid", "csrftoken", "authorization"],
        "storeCrashReports": 0,
    }
    assert org_privacy.inputs["sources"]["sensitiveFields"].startswith(
        "org.yaml:") and org_privacy.inputs["sources"]["sensitiveFields"].endswith(
        ": privacy.sensitive_fields")
    assert "__provider" not in org_privacy.inputs

    (fingerprinting,) = production.of_type("ProjectFingerprinting")
    assert fingerprinting.inputs["project"] == "spms-backend"
    rules = fingerprinting.inputs["settings"]["fingerprintingRules"].splitlines()
    assert rules[0] == ('error.type:"OperationalError" -> "database-connection-error" '
                        'title="Database connection error"')
    assert len(rules) == 4

    (performance,) = production.of_type("ProjectPerformanceIssues")
    assert performance.inputs["settings"] == {
        "slow_db_query_duration_threshold": 1000,
        "slow_db_queries_detection_enabled": True,
        "n_plus_one_db_queries_detection_enabled": True,
    }
    hidden = {r.name: r.inputs["settings"] for r in production.of_type("EnvironmentVisibility")}
    assert hidden == {"spms-backend/development": {"isHidden": True},
                      "spms-frontend/development": {"isHidden": True}}
    privacy = {r.name: r.inputs["settings"] for r in production.of_type("ProjectPrivacy")}
    assert privacy["spms-frontend"] == {"scrubIPAddresses": True}
    assert json.loads(privacy["spms-backend"]["relayPiiConfig"])["rules"]["sentry-iac-1"] == {
        "type": "email", "redaction": {"method": "mask"}}


def test_settings_belong_to_the_owner_stack_only(staging: Plan) -> None:
    assert not {r.type.rsplit(":", 1)[-1] for r in staging.resources} & SETTINGS_TYPES
    assert "retention" not in staging.outputs


def test_retention_is_exported_not_set(production: Plan) -> None:
    assert production.outputs["retention"] == {
        "plan": "business", "errors_days": 90, "performance_days": 30,
        "enforced_by": "the sentry.io business plan (not settable through the API)"}


def test_resolve_age_0_reaches_sentry(tmp_path: Path) -> None:
    """The Terraform provider sent resolveAge only when it was not 0 (GetOk), so 'never
    auto-resolve' was silently not applied; ProjectDetails sends it."""
    from sentry_iac.providers.kinds import PROJECT_DETAILS
    from sentry_iac.providers.settings import SettingsProvider
    from tests.providers.scaffold import configured, delivered, example_fake

    project = copy_project(tmp_path / "p")
    org = project / "org.yaml"
    org.write_text(org.read_text().replace("resolve_age: 720               #",
                                           "resolve_age: 0                 #", 1))
    plan = run_offline(project, "production")
    inputs = by_name(plan, "ProjectDetails")["spms-backend"]
    assert inputs["settings"]["resolveAge"] == 0
    assert "resolveAge" not in by_name(plan, "SentryProject")["spms-backend"]
    with example_fake() as fake:
        fake.org.projects["spms-backend"].settings["resolveAge"] = 720
        configured(SettingsProvider(PROJECT_DETAILS), fake).create(delivered(inputs))
        assert fake.org.projects["spms-backend"].settings["resolveAge"] == 0
