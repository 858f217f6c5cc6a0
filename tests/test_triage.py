"""Issue owners and inbound filters offline: the YAML's models, the payloads they make, the
words `plan`, `render` and `diff` say, and the rule text read back by Sentry's grammar as the
fake plays it (an independent reading of the same text)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from sentry_iac.cli.app import main
from sentry_iac.config.filters import InboundFilters
from sentry_iac.config.loader import load_spec
from sentry_iac.config.ownership import Ownership
from sentry_iac.offline.engine import run_offline
from sentry_iac.offline.plan_view import format_summary
from sentry_iac.providers.inbound_filters import INBOUND_FILTERS
from sentry_iac.providers.ownership import PROJECT_OWNERSHIP
from sentry_iac.resources.payloads.triage import filter_fields, ownership_fields
from sentry_iac.review.diff import diff_stack
from sentry_iac.review.snapshot import snapshot
from sentry_iac.sentry.ownership import MAX_RAW_LENGTH, parse_line, rule_line
from tests.fake_sentry import ownership as fake_ownership
from tests.fake_sentry.validation import Invalid
from tests.helpers import EXAMPLE
from tests.triage import triage_project


def _ownership(**data: Any) -> Ownership:
    return Ownership.model_validate(data)


def test_the_rule_text_is_one_rule_a_line_in_order() -> None:
    declared = _ownership(rules=[
        {"path": "backend/**", "owners": [{"team": "science-projects"}, "jane@example.org"]},
        {"url": "*/checkout/*", "owners": [{"member": "Jane@Example.org"}]},
        {"module": "spms.api.*", "owners": [{"team": "api"}]},
        {"tag": {"transaction": "/orders/*"}, "owners": [{"team": "api"}]},
        {"path": 'My Documents/"quoted"\\x.py', "owners": [{"team": "api"}]},
    ], fallthrough=False, auto_assign="off", sync_code_owners=False)
    raw = ("path:backend/** #science-projects jane@example.org\n"
           "url:*/checkout/* Jane@Example.org\n"
           "module:spms.api.* #api\n"
           "tags.transaction:/orders/* #api\n"
           'path:"My Documents/\\"quoted\\"\\\\x.py" #api')
    assert ownership_fields(declared) == {"raw": raw, "fallthrough": False,
                                          "autoAssignment": "Turn off Auto-Assignment",
                                          "codeownersAutoSync": False}
    # Sentry's grammar (as the fake plays it) reads back exactly the rules declared.
    assert fake_ownership.parse(raw) == [
        ("path", "backend/**", ["#science-projects", "jane@example.org"]),
        ("url", "*/checkout/*", ["Jane@Example.org"]),
        ("module", "spms.api.*", ["#api"]),
        ("tags.transaction", "/orders/*", ["#api"]),
        ("path", 'My Documents/"quoted"\\x.py', ["#api"])]
    assert [parse_line(line) for line in raw.splitlines()] == [
        (kind, pattern, tuple(owners)) for kind, pattern, owners in fake_ownership.parse(raw)]


@pytest.mark.parametrize("pattern", ["a b", '"', '"start', "back\\slash", "ü/é.py", "x:y#z"])
def test_any_pattern_reads_back_as_written(pattern: str) -> None:
    line = rule_line("url", pattern, ["#team"])
    assert fake_ownership.parse(line) == [("url", pattern, ["#team"])]
    assert parse_line(line) == ("url", pattern, ("#team",))


def test_only_declared_fields_are_sent() -> None:
    assert ownership_fields(_ownership(auto_assign="suspect-commits")) == {
        "autoAssignment": "Auto Assign to Suspect Commits"}
    assert ownership_fields(_ownership(rules=[])) == {"raw": ""}  # every rule removed
    assert ownership_fields(_ownership()) == {}
    assert filter_fields(InboundFilters.model_validate({"localhost": False})) == {
        "localhost": False}
    assert filter_fields(InboundFilters.model_validate({
        "legacy_browsers": ["safari", "internet-explorer", "opera-mini"],
        "health_checks": True, "chunk_load_errors": False, "ip_addresses": ["10.0.0.1", "::1"],
        "error_messages": []})) == {
        "filtered-transaction": True, "legacy-browsers": ["ie", "opera_mini", "safari"],
        "filters:chunk-load-error": False, "filters:error_messages": "",
        "filters:blacklisted_ips": "10.0.0.1\n::1"}


@pytest.mark.parametrize(("data", "message"), [
    ({"rules": [{"path": "a", "owners": ["science-projects"]}]},
     "neither {team: <slug>} nor a member's email; write {team: science-projects}"),
    ({"rules": [{"path": "a", "owners": [{"team": "a", "member": "b@c.de"}]}]},
     "set exactly one of team or member"),
    ({"rules": [{"path": "a\tb", "owners": [{"team": "a"}]}]}, "on one line"),
    ({"rules": [{"tag": {"a": "1", "b": "2"}, "owners": [{"team": "a"}]}]}, "exactly one tag"),
    ({"rules": [{"tag": {"a:b": "1"}, "owners": [{"team": "a"}]}]}, "is not a tag name"),
    ({"rules": [{"owners": [{"team": "a"}]}]}, "set exactly one of path, module, url or tag"),
    ({"auto_assign": "always"}, "'issue-owners', 'suspect-commits' or 'off'"),
])
def test_ownership_that_sentry_would_refuse_is_refused(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("{", r"\{").replace("(", r"\(")):
        Ownership.model_validate(data)


def test_rules_longer_than_sentry_takes_are_refused() -> None:
    owners = [{"team": "science-projects"}]
    rule = {"path": "p" * 200, "owners": owners}
    line = len(rule_line("path", "p" * 200, ["#science-projects"])) + 1  # and its newline
    count = (MAX_RAW_LENGTH + 1) // line
    assert len(_ownership(rules=[rule] * count).rules_text() or "") <= MAX_RAW_LENGTH
    with pytest.raises(ValidationError, match="Sentry takes at most 100,000"):
        _ownership(rules=[rule] * (count + 1))


@pytest.mark.parametrize(("data", "message"), [
    ({"releases": ["App@1.0"]}, "Sentry stores it in lower case, as 'app@1.0'"),
    ({"ip_addresses": ["10.0.0.256"]}, "is not an IP address or a network"),
    ({"ip_addresses": ["2001:DB8::1"]}, "lower case"),
    ({"error_messages": [" padded"]}, "Sentry strips spaces"),
    ({"error_messages": ["two\nlines"]}, "one line"),
    ({"error_messages": ["same", "same"]}, "listed twice"),
    ({"legacy_browsers": []}, "write false to drop none"),
    ({"legacy_browsers": ["netscape"]}, "'internet-explorer'"),
    ({"localhost": "yes"}, "valid boolean"),
])
def test_filters_that_would_read_back_different_are_refused(data: dict[str, Any],
                                                            message: str) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(")):
        InboundFilters.model_validate(data)


def test_the_providers_check_what_reaches_them() -> None:
    """A resource's inputs are checked again in the provider (a state or program edited by
    hand): Sentry's own choices and limits."""
    assert PROJECT_OWNERSHIP.validate({"autoAssignment": "Always"}, {"autoAssignment": "x:1"}) \
        == ["x:1: autoAssignment must be one of Auto Assign to Issue Owner, Auto Assign to "
            "Suspect Commits, Turn off Auto-Assignment, not 'Always'"]
    assert PROJECT_OWNERSHIP.validate({"raw": "x" * (MAX_RAW_LENGTH + 1)}, {})
    assert PROJECT_OWNERSHIP.validate({"raw": "path:a #b", "fallthrough": True}, {}) == []
    assert INBOUND_FILTERS.validate({"legacy-browsers": ["ie", "netscape"]}, {})
    assert INBOUND_FILTERS.validate({"legacy-browsers": []}, {})
    assert INBOUND_FILTERS.validate({"localhost": "1"}, {}) == ["localhost must be true or "
                                                                "false, not '1'"]
    assert INBOUND_FILTERS.validate({"legacy-browsers": ["ie"], "filters:releases": "a\nb",
                                     "legacy-browsers-x": True}, {}) != []
    assert INBOUND_FILTERS.validate({"legacy-browsers": ["ie"], "filters:releases": "a\nb"},
                                    {}) == []


def test_the_fake_refuses_owners_as_sentry_does() -> None:
    """An independent check of the offline rules: what the fake (Sentry's resolve_actors)
    refuses for the fixture's project."""
    from tests.fake_sentry.state import FakeOrganization

    org = FakeOrganization(slug="dbca", name="dbca")
    org.add_team("science-projects")
    org.add_team("web")
    project = org.add_project("spms-backend", teams=["science-projects"])
    org.add_member("in@example.org", teams=["science-projects"])
    org.add_member("out@example.org", teams=["web"])
    org.add_member("invited@example.org", teams=["science-projects"], pending=True)
    with pytest.raises(Invalid) as refused:
        fake_ownership.update(org, project, {"raw": (
            "path:a #web out@example.org\nurl:b invited@example.org IN@example.org")},
            frozenset({"project:write", "team:admin"}))
    assert refused.value.errors == {"raw": [
        "Invalid rule owners: Team #web does not have access to project 'spms-backend'. "
        "User invited@example.org is not a member of this organization. "
        "User out@example.org does not have access to project 'spms-backend'."]}
    saved = fake_ownership.update(org, project, {"raw": "path:a #science-projects in@example.org"},
                                  frozenset({"project:write", "team:admin"}))
    assert saved["raw"] == "path:a #science-projects in@example.org"


def test_plan_render_and_diff_say_each_in_words(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    program = triage_project(tmp_path / "project")
    plan = run_offline(program, "production")
    summary = format_summary(plan, load_spec(program))
    flat = " ".join(summary.split())
    assert ("settings ownership files backend/** → team science-projects; URLs */admin/* → "
            "maintainer@example.org; unmatched issues have no owner; assigns new issues to the "
            "suspect commit's author, else the owners; syncs CODEOWNERS on each release "
            "[kept if removed]") in flat
    assert ("settings inbound filters drops errors from browser extensions, events from "
            "localhost, events from web crawlers, health-check transactions, events from "
            "'10.0.0.1', '192.168.0.0/16' [kept if removed]") in flat
    assert ("drops errors from old browsers (Internet Explorer, Safari), errors whose message "
            "matches 'ResizeObserver loop limit exceeded', events of releases '*-dev'; keeps "
            "React hydration errors") in flat

    assert main(["render", "--dir", str(program), "--stack", "production"]) == 0
    rendered = capsys.readouterr().out.splitlines()
    assert rendered.count("Issue owners: files frontend/** → team science-projects.") == 1
    assert ("Inbound filters: drops errors from old browsers (Internet Explorer, Safari), errors "
            "whose message matches 'ResizeObserver loop limit exceeded', events of releases "
            "'*-dev'; keeps React hydration errors.") in rendered

    before, after = snapshot(load_spec(EXAMPLE), "production"), snapshot(load_spec(program),
                                                                         "production")
    changes = {c.label: (c.old, c.new) for c in diff_stack("production", before, after).projects}
    assert changes["spms-backend: ownership.rules"] == (
        None, "files backend/** → team science-projects; URLs */admin/* → maintainer@example.org")
    assert changes["spms-backend: inbound_filters.localhost"] == (None,
                                                                  "drops events from localhost")
    assert changes["spms-frontend: inbound_filters.react_hydration_errors"] == (
        None, "keeps React hydration errors")
    # And back: each is said removed (Sentry keeps it: settings are released).
    removed = {c.label: c.new for c in diff_stack("production", after, before).projects}
    assert removed["spms-backend: ownership.fallthrough"] is None


def test_the_fixture_and_the_reference_config_differ_only_where_declared() -> None:
    """The fixture organisation has neither (its golden files stay as they are); the reference
    org.yaml declares both for each project, as the monitoring plan asks."""
    assert all(p.ownership is None and p.inbound_filters is None
               for p in load_spec(EXAMPLE).org.projects)
    reference = {p.slug: p for p in load_spec(Path(__file__).parents[1]).org.projects}
    backend, frontend = reference["spms-backend"], reference["spms-frontend"]
    assert backend.ownership is not None and frontend.ownership is not None
    assert backend.ownership.rules_text() == "path:*/backend/** #science-projects"
    assert frontend.ownership.rules_text() == "path:*/src/** #science-projects"
    assert backend.inbound_filters == InboundFilters(browser_extensions=True, localhost=True,
                                                     web_crawlers=True, health_checks=True)
    assert frontend.inbound_filters is not None
    assert frontend.inbound_filters.legacy_browsers
