"""Sentry API calls per deployment phase, counted by endpoint on the fake Sentry.

The fake (tests/fake_sentry) records every request with the route template it matched. The
phases are deployments of the owner stack run by the engine model of tests/engine: the stack's
program registers its resources, and every step of a dynamic resource goes through Pulumi's
own provider host (``python -m pulumi.dynamic``, driven over gRPC as the engine drives it, one
host per deployment, steps many at a time):

* first deploy: ``Check`` + ``Create`` for every dynamic resource;
* no-op deploy: ``Check`` + ``Diff`` against the state the first deploy left, as ``pulumi up``
  does for an unchanged resource (no call may reach Sentry);
* one rule changed: a threshold of one single-project rule is edited in the YAML; ``Update``
  runs for the resources whose diff has changes;
* refresh: ``Read`` for every resource, as ``pulumi refresh`` does.

pulumiverse_sentry's resources (teams, members, projects, keys) are made in the fake by the
engine model's stand-in for their Terraform provider: their calls are not sentry-iac's.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tests.engine.engine import DYNAMIC, Deployment, StackEngine
from tests.engine.lifecycle import seed_integrations
from tests.fake_sentry import FakeSentry

TOKEN = "bench-token"
PHASES = ("first deploy", "no-op deploy", "one rule changed", "refresh")
TOKEN_CHECK = "GET (index: the token check)"  # once per `up`, before anything is written


@dataclass
class Phase:
    """What one phase sent to Sentry."""

    name: str
    resources: int  # dynamic resources the phase went through
    changed: int = 0  # resources whose diff reported changes
    calls: Counter[str] = field(default_factory=Counter)  # "METHOD route" -> count
    seconds: float = 0.0  # wall time: the program, the provider host and the fake

    @property
    def total(self) -> int:
        return sum(self.calls.values())

    @property
    def for_resources(self) -> int:
        """Calls made for the resources: all but the deploy's one token check."""
        return self.total - self.calls[TOKEN_CHECK]

    @property
    def writes(self) -> int:
        return sum(n for call, n in self.calls.items() if not call.startswith("GET "))


def short_route(route: str | None) -> str:
    """``/api/0/organizations/{organization_id_or_slug}/workflows/`` -> ``org/workflows/``."""
    if route is None:
        return "(no route)"
    if route == "/api/0/":
        return "(index: the token check)"
    text = route.removeprefix("/api/0/")
    text = text.replace("organizations/{organization_id_or_slug}", "org")
    text = text.replace("projects/{organization_id_or_slug}/{project_id_or_slug}", "project")
    return re.sub(r"\{(\w+?)(_id_or_slug|_id)?\}", r"{\1}", text)


def _phase(name: str, deployment: Deployment) -> Phase:
    if not deployment.ok:
        raise RuntimeError(f"{name} failed:\n{deployment.explain()}")
    dynamic = [s for s in deployment.steps if s.type.startswith(DYNAMIC)]
    phase = Phase(name, len(dynamic), seconds=deployment.seconds,
                  changed=sum(s.op in ("update", "replace") for s in dynamic))
    phase.calls.update(f"{e.method} {short_route(e.route)}" for e in deployment.exchanges)
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


def count_api_calls(project: Path) -> list[Phase]:
    """Run the four phases for the owner stack of ``project``. Edits one rule in ``project``."""
    organization = str(yaml.safe_load((project / "org.yaml").read_text(encoding="utf-8"))
                       ["organization"])
    with FakeSentry(token=TOKEN, org_slug=organization) as fake:
        seed_integrations(fake, project, "production")
        engine = StackEngine(project, "production", fake, token=TOKEN)
        phases = [_phase("first deploy", engine.up()), _phase("no-op deploy", engine.up())]
        change_one_rule(project)
        phases.append(_phase("one rule changed", engine.up()))
        phases.append(_phase("refresh", engine.refresh()))
        if fake.internal_errors:
            raise RuntimeError("the fake Sentry failed:\n" + "\n".join(fake.internal_errors))
    return phases
