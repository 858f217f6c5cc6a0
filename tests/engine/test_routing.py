"""The routing fixture (tests/fixtures/routing) deployed through Pulumi's provider host on the
fake Sentry, then its alerts played by the workflow engine's rules from Sentry's source
(tests/fake_sentry/firing.py): a warning reaches the warning level's channels only, the
escalation to critical the critical ones as well, and the resolution both, so PagerDuty
resolves the incident it opened; the owning team's on-call is paged for its project, the
organisation's for the other; a rule limited to production is not in staging."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.engine.engine import StackEngine
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.firing import HIGH, MEDIUM, Firing, Notice
from tests.fake_sentry.fixtures import FAKE_TOKEN

ROUTING = Path(__file__).resolve().parent.parent / "fixtures" / "routing"
STACKS = ("production", "staging")  # the owner first: it makes the projects


@pytest.fixture(scope="module")
def deployed() -> Iterator[tuple[FakeSentry, dict[str, StackEngine]]]:
    """Both stacks of the fixture deployed on an organisation with the integrations its
    channels name."""
    with FakeSentry(token=FAKE_TOKEN, org_slug="shop") as fake:
        fake.org.add_integration("pagerduty", name="Shop PagerDuty",
                                 services=["Shop", "Payments"])
        fake.org.add_integration("slack", name="shop")
        fake.org.add_integration("msteams", name="Shop")
        engines = {s: StackEngine(ROUTING, s, fake, token=FAKE_TOKEN) for s in STACKS}
        for engine in engines.values():
            up = engine.up()
            assert up.ok, up.explain()
        yield fake, engines
    assert not fake.internal_errors, "\n".join(fake.internal_errors)


def monitor(fake: FakeSentry, name: str, project: str) -> str:
    project_id = fake.org.projects[project].id
    (found,) = [d.id for d in fake.org.detectors.values()
                if d.name == name and str(d.project_id) == str(project_id)]
    return found


def told(notices: list[Notice]) -> list[str]:
    return sorted(n.action for n in notices)


def paged(fake: FakeSentry, detector_id: str) -> dict[int, list[str]]:
    """Level -> the PagerDuty services the action filter of that level pages, in the alert
    connected to the monitor."""
    (workflow_id,) = fake.org.workflow_ids_of(detector_id)
    (pagerduty,) = [i for i in fake.org.integrations.values() if i.provider == "pagerduty"]
    services = {str(row["id"]): row["service"] for row in pagerduty.config_data["service_table"]}
    out = {}
    for group in fake.org.workflows[workflow_id].action_filters:
        (level,) = {int(c["comparison"]) for c in group["conditions"]}
        out[level] = sorted(services[str(a["config"]["target_identifier"])]
                            for a in group["actions"] if a["type"] == "pagerduty")
    return out


def test_a_warning_then_critical_then_resolution_each_reach_their_channels(
    deployed: tuple[FakeSentry, dict[str, StackEngine]]
) -> None:
    fake, _ = deployed
    firing = Firing(fake.org)
    api = monitor(fake, "Error rate [production]", "checkout-api")
    assert told(firing.occurrence(api, "g1", minute=0, priority=MEDIUM,
                                  environment="production")) == ["slack"]
    assert told(firing.occurrence(api, "g1", minute=2, priority=HIGH,
                                  environment="production")) == ["pagerduty", "slack"]
    assert told(firing.resolution(api, "g1", minute=4)) == ["pagerduty", "slack"]
    # An issue that stays a warning resolves without paging anyone.
    firing.occurrence(api, "g2", minute=10, priority=MEDIUM, environment="production")
    assert told(firing.resolution(api, "g2", minute=12)) == ["slack"]
    # Opened straight at critical: both levels hear it.
    assert told(firing.occurrence(api, "g3", minute=20, priority=HIGH,
                                  environment="production")) == ["pagerduty", "slack"]


def test_each_project_pages_its_owning_teams_on_call(
    deployed: tuple[FakeSentry, dict[str, StackEngine]]
) -> None:
    fake, _ = deployed
    api = monitor(fake, "Error rate [production]", "checkout-api")
    front = monitor(fake, "Error rate [production]", "storefront")
    assert paged(fake, api) == {MEDIUM: [], HIGH: ["Payments"]}
    assert paged(fake, front) == {MEDIUM: [], HIGH: ["Shop"]}
    firing = Firing(fake.org)
    assert told(firing.occurrence(front, "f1", minute=0, priority=MEDIUM,
                                  environment="production")) == ["msteams"]
    # Staging: no team routes it, so both levels tell the organisation's maintainers.
    staged = monitor(fake, "Error rate [staging]", "checkout-api")
    assert told(firing.occurrence(staged, "s1", minute=0, priority=MEDIUM,
                                  environment="staging")) == ["email"]


def test_a_rule_only_in_production_is_not_in_staging_and_up_again_writes_nothing(
    deployed: tuple[FakeSentry, dict[str, StackEngine]]
) -> None:
    fake, engines = deployed
    names = sorted(w.name for w in fake.org.workflows.values()
                   if w.name.startswith(("Slow requests", "Error rate")))
    assert names == ["Error rate [production]", "Error rate [production]",
                     "Error rate [staging]", "Error rate [staging]",
                     "Slow requests [production]"]
    for stack in STACKS:
        again = engines[stack].up()
        assert again.ok and again.writes == [], again.explain()
