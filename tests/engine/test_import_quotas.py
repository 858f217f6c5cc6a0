"""`sentry-iac import` of an organisation that has team roles, client key rate limits, spike
protection and spike notifications (seeded through the fake's own API where Sentry has one):
the written YAML declares each as Sentry holds it, plans to the same payloads, and the first
`up` of each stack through Pulumi's provider host takes them over without a single write to
their endpoints."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sentry_iac.config.loader import load_spec
from sentry_iac.importer.convert.stacks import EnvMap
from sentry_iac.importer.read.progress import Progress
from sentry_iac.importer.run import run_import
from sentry_iac.offline.engine import run_offline
from sentry_iac.providers import SentryClient, api_path
from tests.engine.engine import Deployment, StackEngine
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN
from tests.fake_sentry.spike import DISABLED

STACKS = ("production", "staging")
KINDS = {"TeamRole", "SpikeProtection", "SpikeNotification"}
# The endpoints of what this import adopts: none may be written by the first up.
THEIRS = ("/teams/", "/spike-protections/", "/notifications/actions/", "/keys/")


@dataclass
class Imported:
    fake: FakeSentry
    out: Path
    org: dict[str, Any]
    ups: dict[str, Deployment]
    action_ids: set[str]


def _seed(fake: FakeSentry) -> set[str]:
    org = fake.org
    org.add_team("backend")
    org.add_team("frontend")
    lead = org.add_member("lead@example.org", teams=["backend", "frontend"])
    boss = org.add_member("boss@example.org", role="manager", teams=["frontend"])
    slack = org.add_integration("slack", name="dbca")
    api = org.add_project("api", platform="python-django", teams=["backend"],
                          environments=["production", "staging"])
    web = org.add_project("web", platform="javascript-react", teams=["frontend"],
                          environments=["production", "staging"])
    for project in (api, web):
        for name in STACKS:
            org.add_key(project, name)
    api.keys[0].rate_limit_count, api.keys[0].rate_limit_window = 1000, 60
    api.keys[1].rate_limit_count, api.keys[1].rate_limit_window = 100, 60
    with SentryClient(FAKE_TOKEN, fake.url) as client:
        base = ("organizations", org.slug)
        client.put(api_path(*base, "members", lead.id, "teams", "backend"),
                   {"teamRole": "admin"})
        client.put(api_path(*base, "members", boss.id, "teams", "frontend"),
                   {"teamRole": "admin"})  # a manager: Sentry stores null
        client.post(api_path(*base, "spike-protections"), {"projects": ["api"]})
        client.delete(api_path(*base, "spike-protections"), json={"projects": ["web"]})
        ids = set()
        for body in ({"serviceType": "slack", "integrationId": int(slack.id),
                      "targetDisplay": "#ops"},
                     {"serviceType": "sentry_notification", "targetIdentifier": "default",
                      "targetDisplay": "default"}):
            made = client.create(api_path(*base, "notifications", "actions"),
                                 {"triggerType": "spike-protection", "targetType": "specific",
                                  "projects": ["api", "web"], **body})
            ids.add(str(made["id"]))
    return ids


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Imported]:
    out = tmp_path_factory.mktemp("imported") / "sentry"
    with FakeSentry(token=FAKE_TOKEN) as fake:
        action_ids = _seed(fake)
        with SentryClient(FAKE_TOKEN, fake.url) as client:
            result = run_import(client, "dbca", out, EnvMap(STACKS), base_url=fake.url,
                                progress=Progress(tty=False))
        ups = {}
        for stack in STACKS:
            ups[stack] = StackEngine(out, stack, fake, token=FAKE_TOKEN).up()
        yield Imported(fake, out, result.config.org, ups, action_ids)
        assert not fake.internal_errors, fake.internal_errors


def _project(imported: Imported, slug: str) -> dict[str, Any]:
    return next(p for p in imported.org["projects"] if p["slug"] == slug)


def test_the_yaml_declares_each_as_sentry_holds_it(imported: Imported) -> None:
    members = {m["email"]: m for m in imported.org["members"]}
    assert members["lead@example.org"]["teams"] == [{"team": "backend", "role": "admin"},
                                                     "frontend"]
    assert members["boss@example.org"]["teams"] == ["frontend"]  # Sentry stored nothing
    api, web = _project(imported, "api"), _project(imported, "web")
    assert api["spike_protection"] is True and web["spike_protection"] is False
    assert api["rate_limit"] == {"environments": {"production": {"count": 1000, "per": "1m"},
                                                  "staging": {"count": 100, "per": "1m"}}}
    assert "rate_limit" not in web
    notices = imported.org["spike_notifications"]
    assert notices["owners_and_managers"] is True and "projects" not in notices
    (channel,) = notices["channels"]
    assert imported.org["channels"][channel] == {"slack": {"workspace": "dbca",
                                                           "channel": "#ops"}}


def test_it_plans_to_the_same_payloads(imported: Imported) -> None:
    load_spec(imported.out)  # the written project is valid
    plan = run_offline(imported.out, "production")
    roles = {r.name: r.inputs["role"] for r in plan.of_type("TeamRole")}
    assert roles == {"lead@example.org/backend": "admin"}
    assert {r.inputs["project"]: r.inputs["enabled"] for r in plan.of_type("SpikeProtection")} \
        == {"api": True, "web": False}
    kinds = sorted(r.inputs["destination"]["kind"] for r in plan.of_type("SpikeNotification"))
    assert kinds == ["sentry_notification", "slack"]
    assert all(r.inputs["projects"] == ["api", "web"] for r in plan.of_type("SpikeNotification"))
    limits = {(r.inputs["project"], r.inputs["name"]): (r.inputs.get("rateLimitCount"),
                                                        r.inputs.get("rateLimitWindow"))
              for r in plan.of_type("SentryKey")}
    assert limits == {("api", "production"): (1000, 60), ("web", "production"): (None, None)}
    staging = {(r.inputs["project"], r.inputs["name"]): r.inputs.get("rateLimitCount")
               for r in run_offline(imported.out, "staging").of_type("SentryKey")}
    assert staging == {("api", "staging"): 100, ("web", "staging"): None}


def test_the_import_files_name_them(imported: Imported) -> None:
    adopt = (imported.out / "import" / "production.adopt.json").read_text()
    for action_id in imported.action_ids:
        assert f'"id": "{action_id}"' in adopt
    assert "sentry-iac:TeamRole" in adopt and "sentry-iac:SpikeProtection" in adopt


def test_the_first_up_takes_each_over_without_a_write(imported: Imported) -> None:
    for stack, up in imported.ups.items():
        assert up.ok, up.explain()
        written = [(e.method, e.path) for e in up.writes if any(p in e.path for p in THEIRS)]
        assert written == [], (stack, written)
    created = imported.ups["production"].ops("create")
    assert {s.kind for s in created} >= KINDS
    org = imported.fake.org
    assert set(org.notification_actions) == imported.action_ids
    assert org.projects["api"].options[DISABLED] is False
    lead = next(m for m in org.members.values() if m.email == "lead@example.org")
    assert lead.team_roles == {"backend": "admin", "frontend": None}
