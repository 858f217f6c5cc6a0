"""Sentry API calls per deployment phase, counted by endpoint on the fake Sentry.

The fake (tests/fake_sentry) records every request with the route template it matched. The
phases drive sentry-iac's dynamic providers the way Pulumi's engine does, with the resources
the offline plan registered:

* first deploy: ``check`` + ``create`` for every dynamic resource (Pulumi's provider host keeps
  one provider per distinct pickled provider, so one per kind here too);
* no-op deploy: ``check`` + ``diff`` against the state the first deploy left, as ``pulumi
  preview`` and ``pulumi up`` do for an unchanged resource (no call may reach Sentry);
* one rule changed: a threshold of one single-project rule is edited in the YAML, the plan is
  made again, and every resource is diffed; ``update`` runs for those whose diff has changes;
* refresh: ``read`` for every resource, as ``pulumi refresh`` does.

pulumiverse_sentry's resources (teams, members, projects, keys) are seeded into the fake
instead: their calls are the Terraform provider's, not sentry-iac's.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pulumi.dynamic import Config, ConfigureRequest

from benchmarks.floor import floor_resources
from sentry_iac.offline.engine import run_offline
from sentry_iac.providers.alerting import AlertProvider, MonitorProvider
from sentry_iac.providers.kinds import KINDS
from sentry_iac.providers.runtime import SentryApiProvider
from sentry_iac.providers.settings import SettingsProvider
from tests.fake_sentry import FakeSentry

TOKEN = "bench-token"
DYNAMIC = "pulumi-python:dynamic/sentry-iac:"
PROVIDER_KEY = "__provider"
ENVIRONMENTS = ("production", "staging", "test", "qa", "development")
PHASES = ("first deploy", "no-op deploy", "one rule changed", "refresh")


@dataclass
class Phase:
    """What one phase sent to Sentry."""

    name: str
    resources: int  # dynamic resources the phase went through
    changed: int = 0  # resources whose diff reported changes
    calls: Counter[str] = field(default_factory=Counter)  # "METHOD route" -> count
    seconds: float = 0.0  # wall time, fake server included

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    @property
    def writes(self) -> int:
        return sum(n for call, n in self.calls.items() if not call.startswith("GET "))


@dataclass
class _Deployed:
    id: str
    inputs: dict[str, Any]
    outs: dict[str, Any]


def short_route(route: str | None) -> str:
    """``/api/0/organizations/{organization_id_or_slug}/workflows/`` -> ``org/workflows/``."""
    if route is None:
        return "(no route)"
    text = route.removeprefix("/api/0/")
    text = text.replace("organizations/{organization_id_or_slug}", "org")
    text = text.replace("projects/{organization_id_or_slug}/{project_id_or_slug}", "project")
    return re.sub(r"\{(\w+?)(_id_or_slug|_id)?\}", r"{\1}", text)


class _Engine:
    """The part of Pulumi's engine that calls dynamic providers."""

    def __init__(self, fake: FakeSentry) -> None:
        self.fake = fake
        self.providers: dict[str, SentryApiProvider] = {}
        self.kinds = {kind.name: kind for kind in KINDS}

    def provider(self, short: str) -> SentryApiProvider:
        if short not in self.providers:
            provider: SentryApiProvider
            if short == "Monitor":
                provider = MonitorProvider()
            elif short == "Alert":
                provider = AlertProvider()
            elif short in self.kinds:
                provider = SettingsProvider(self.kinds[short])
            else:
                raise ValueError(f"the benchmark cannot drive dynamic resources of type {short}")
            provider.configure(ConfigureRequest(Config(
                {"sentry:token": TOKEN, "sentry:baseUrl": self.fake.url}, "sentry-iac")))
            self.providers[short] = provider
        return self.providers[short]

    @contextmanager
    def phase(self, phase: Phase) -> Iterator[Phase]:
        self.fake.clear_exchanges()
        start = time.perf_counter()
        yield phase
        phase.seconds = time.perf_counter() - start
        phase.calls.update(f"{e.method} {short_route(e.route)}" for e in self.fake.exchanges)


def _dynamic(resources: list[dict[str, Any]]) -> list[tuple[str, str, dict[str, Any]]]:
    """(short type, name, inputs) of each dynamic resource, in registration order."""
    return [(r["type"].removeprefix(DYNAMIC), r["name"], {**r["inputs"], PROVIDER_KEY: "bench"})
            for r in resources if r["type"].startswith(DYNAMIC)]


def _actions(resources: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for r in resources:
        if r["type"] == f"{DYNAMIC}Alert":
            for f in r["inputs"]["workflow"].get("actionFilters", []):
                yield from f.get("actions", [])


def seed(fake: FakeSentry, resources: list[dict[str, Any]]) -> None:
    """What pulumiverse_sentry would have created, and the integrations channels name."""
    org = fake.org
    for r in resources:
        short, inputs = r["type"].rsplit(":", 1)[-1], r["inputs"]
        if short == "SentryTeam":
            org.add_team(inputs["slug"])
        elif short == "SentryProject":
            org.add_project(inputs["slug"], teams=inputs.get("teams", []),
                            environments=list(ENVIRONMENTS))
        elif short == "SentryOrganizationMember":
            org.add_member(inputs["email"], role=inputs.get("role", "member"),
                           teams=inputs.get("teams", []))
    services: set[str] = set()
    named: set[tuple[str, str]] = set()
    for action in _actions(resources):
        kind = action["kind"]
        if kind == "pagerduty":
            services.add(action["service"])
        elif kind in ("msteams", "slack", "discord"):
            named.add((kind, action.get("team") or action.get("workspace") or action["server"]))
        elif kind == "github":
            named.add(("github", action["repo"].split("/", 1)[0]))
    if services:
        org.add_integration("pagerduty", name="PagerDuty", services=sorted(services))
    for kind, name in sorted(named):
        org.add_integration(kind, name=name)


def first_deploy(engine: _Engine, resources: list[dict[str, Any]]
                 ) -> tuple[Phase, dict[str, _Deployed]]:
    dynamic = _dynamic(resources)
    deployed: dict[str, _Deployed] = {}
    monitors: dict[str, str] = {}
    with engine.phase(Phase("first deploy", len(dynamic))) as phase:
        for short, name, inputs in dynamic:
            if short == "Alert":
                # The monitor's id, known only once it exists (the plan has a placeholder).
                inputs = {**inputs, "detectors": [monitors[name]] if name in monitors else []}
            provider = engine.provider(short)
            checked = provider.check({}, inputs).inputs
            created = provider.create(checked)
            deployed[f"{short}::{name}"] = _Deployed(created.id, checked, dict(created.outs or {}))
            if short == "Monitor":
                monitors[name] = created.id
    return phase, deployed


def deploy_again(engine: _Engine, name: str, resources: list[dict[str, Any]],
                 deployed: dict[str, _Deployed]) -> Phase:
    """check + diff every resource against its state; update the ones that changed."""
    dynamic = _dynamic(resources)
    with engine.phase(Phase(name, len(dynamic))) as phase:
        for short, logical, inputs in dynamic:
            state = deployed[f"{short}::{logical}"]
            if short == "Alert":
                inputs = {**inputs, "detectors": state.inputs["detectors"]}
            provider = engine.provider(short)
            checked = provider.check(state.inputs, inputs).inputs
            diff = provider.diff(state.id, {**state.outs, PROVIDER_KEY: "bench"}, checked)
            if diff.changes:
                phase.changed += 1
                updated = provider.update(state.id, state.outs, checked)
                state.inputs, state.outs = checked, dict(updated.outs or {})
    return phase


def refresh(engine: _Engine, deployed: dict[str, _Deployed]) -> Phase:
    with engine.phase(Phase("refresh", len(deployed))) as phase:
        for key, state in deployed.items():
            short = key.split("::", 1)[0]
            engine.provider(short).read(state.id, state.outs)
    return phase


_THRESHOLD = re.compile(r"^(above|below) (\d+(?:\.\d+)?)(.*)$")


def change_one_rule(project: Path) -> str:
    """Raise the critical threshold of the first metric rule that watches one project; returns
    its id."""
    for path in sorted((project / "alerts").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for rule in data["alerts"]:
            found = _THRESHOLD.match(str(rule.get("critical", "")))
            if rule.get("measure") and len(rule["projects"]) == 1 and found and "%" not in (
                    found.group(3)) and found.group(1) == "above":
                rule["critical"] = f"above {float(found.group(2)) + 1:g}{found.group(3)}"
                path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
                return str(rule["id"])
    raise ValueError(f"no single-project metric rule to change in {project}")


def count_api_calls(project: Path, resources: list[dict[str, Any]]) -> list[Phase]:
    """Run the four phases for the owner stack of ``project`` (whose plan is ``resources``).
    Edits one rule in ``project``."""
    organization = next(r["inputs"]["organization"] for r in resources
                        if "organization" in r["inputs"])
    with FakeSentry(token=TOKEN, org_slug=organization) as fake:
        seed(fake, resources)
        engine = _Engine(fake)
        first, deployed = first_deploy(engine, resources)
        phases = [first, deploy_again(engine, "no-op deploy", resources, deployed)]
        change_one_rule(project)
        changed = floor_resources(run_offline(project, "production"))
        phases.append(deploy_again(engine, "one rule changed", changed, deployed))
        phases.append(refresh(engine, deployed))
        if fake.internal_errors:
            raise RuntimeError("the fake Sentry failed:\n" + "\n".join(fake.internal_errors))
    return phases
