"""Every policy passes on the example config and fails on a resource that breaks it, through
both entry points: the offline checks and the CrossGuard pack."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from pulumi_policy import (
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    StackValidationArgs,
)

from sentry_iac.cli.app import main
from sentry_iac.config.loader import load_spec
from sentry_iac.offline.engine import Plan, run_offline
from sentry_iac.policies.checks import CHECKS, Resource, Settings, run_checks
from sentry_iac.policies.crossguard import policies_for
from sentry_iac.policies.offline import resources_from, settings_from
from tests.helpers import EXAMPLE, copy_project


@pytest.fixture(scope="module")
def settings() -> Settings:
    return settings_from(load_spec(EXAMPLE))


def _change(resources: list[Resource], kind: str, edit: Callable[[Resource], Resource],
            name: str | None = None) -> list[Resource]:
    """A copy of ``resources`` in which the first ``kind`` (named ``name``) is edited."""
    out, done = [], False
    for r in resources:
        if not done and r.type == kind and (name is None or r.name == name):
            r, done = edit(copy.deepcopy(r)), True
        out.append(r)
    assert done, f"no {kind} {name or ''}"
    return out


def _props(**changes: object) -> Callable[[Resource], Resource]:
    return lambda r: replace(r, props={**r.props, **changes})


def _no_paging(resource: Resource) -> Resource:
    workflow = copy.deepcopy(resource.props["workflow"])
    for f in workflow["actionFilters"]:
        f["actions"] = [a for a in f["actions"] if a["kind"] != "pagerduty"]
    return replace(resource, props={**resource.props, "workflow": workflow})


def _no_actions(resource: Resource) -> Resource:
    workflow = copy.deepcopy(resource.props["workflow"])
    for f in workflow["actionFilters"]:
        f["actions"] = []
    return replace(resource, props={**resource.props, "workflow": workflow})


def _no_resolution(resource: Resource) -> Resource:
    detector = copy.deepcopy(resource.props["detector"])
    group = detector["conditionGroup"]
    group["conditions"] = [c for c in group["conditions"] if c["conditionResult"] != 0]
    return replace(resource, props={**resource.props, "detector": detector})


BREAKS: dict[str, Callable[[list[Resource]], list[Resource]]] = {
    "project-has-owning-team": lambda rs: _change(rs, "SentryProject", _props(teams=[])),
    "production-pages-on-critical": lambda rs: _change(
        _change(rs, "Alert", _no_paging, "critical-errors/spms-backend"),
        "Alert", _no_paging, "high-error-rate/spms-backend"),
    "rule-reaches-a-channel": lambda rs: _change(rs, "Alert", _no_actions),
    "metric-alerts-resolve": lambda rs: _change(rs, "Monitor", _no_resolution),
    "dsn-outputs-secret": lambda rs: _change(
        rs, "SentryKey", lambda r: replace(r, secret_outputs=frozenset())),
    "no-unlisted-owners": lambda rs: _change(rs, "SentryOrganizationMember",
                                             _props(role="owner")),
}


def test_every_check_has_a_breaking_case() -> None:
    assert set(BREAKS) == {c.name for c in CHECKS}


def test_the_example_config_passes_every_policy(production: Plan, settings: Settings) -> None:
    assert run_checks(resources_from(production), settings) == []
    assert run_checks(resources_from(run_offline(EXAMPLE, "staging")), settings) == []


@pytest.mark.parametrize("check", sorted(BREAKS))
def test_each_policy_fails_on_what_breaks_it(
    check: str, production: Plan, settings: Settings
) -> None:
    violations = run_checks(BREAKS[check](resources_from(production)), settings)
    assert violations and {v.check for v in violations} == {check}


def test_an_owner_listed_in_the_policy_is_allowed(production: Plan) -> None:
    resources = BREAKS["no-unlisted-owners"](resources_from(production))
    allowed = Settings(allowed_owners=frozenset({"maintainer@example.org"}))
    assert [v for v in run_checks(resources, allowed) if v.check == "no-unlisted-owners"] == []


def _policy_resource(resource: Resource) -> PolicyResource:
    options = PolicyResourceOptions(False, [], None, [], PolicyCustomTimeouts(0, 0, 0),
                                    sorted(resource.secret_outputs))
    type_token = f"sentry:index/x:{resource.type}"
    return PolicyResource(type_token, dict(resource.props), f"urn:{resource.name}", resource.name,
                          options, None, None, [], {})


@pytest.mark.parametrize("check", sorted(BREAKS))
def test_the_crossguard_pack_runs_the_same_checks(check: str, production: Plan) -> None:
    policy = next(p for p in policies_for(EXAMPLE) if p.name == check)
    good = [_policy_resource(r) for r in resources_from(production)]
    bad = [_policy_resource(r) for r in BREAKS[check](resources_from(production))]
    for resources, expect_violation in ((good, False), (bad, True)):
        reported: list[str] = []

        def report(message: str, _urn: str | None, into: list[str] = reported) -> None:
            into.append(message)

        policy.validate(StackValidationArgs(resources), report)
        assert bool(reported) is expect_violation, (check, reported)


def test_validate_reports_violations_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = copy_project(tmp_path / "p")
    org = project / "org.yaml"
    org.write_text(org.read_text().replace("role: manager", "role: owner"))
    assert main(["validate", "--dir", str(project)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "stack 'production': policy no-unlisted-owners: maintainer@example.org: "
        "maintainer@example.org is an owner but not listed in policies.allowed_owners in "
        "org.yaml"]
