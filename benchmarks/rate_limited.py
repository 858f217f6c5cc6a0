"""The first deploy of a generated organisation against a rate-limited fake Sentry.

The fake (tests/fake_sentry) limits every request sentry-iac's providers send to
``RATE_LIMIT`` a second, in fixed one-second windows as Sentry's rate limiter counts them
(``windowed.py``: ``X-Sentry-Rate-Limit-Limit``, ``-Remaining`` and ``-Reset`` on every answer,
429 beyond the limit, no ``Retry-After``). That is stricter than Sentry, which counts an
endpoint without limits of its own per caller and HTTP method (``get_rate_limit_key``,
src/sentry/ratelimits/utils.py): here a GET and a POST share one window. The owner stack is
deployed by the engine model of tests/engine through Pulumi's own provider host, at the
engine's default parallelism (``PARALLEL``), as ``pulumi up`` runs it.

What it reports: wall time; requests Sentry answered, per resource of the stack; retries
(the 429s the client waited out); failures (steps that failed); duplicates (two objects in
Sentry for one resource: two monitors of one name and type in one project, two alerts of one
name, environment and set of monitors, two links of one repository).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from benchmarks.api_calls import TOKEN, short_route
from tests.engine.engine import DYNAMIC, PARALLEL, StackEngine
from tests.engine.lifecycle import seed_integrations
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.state import FakeOrganization

RATE_LIMIT = 40  # requests a second
GOAL_REQUESTS_PER_RESOURCE = 1.2


@dataclass
class RateLimitedDeploy:
    """One first deploy under the rate limit."""

    target: int
    resources: int  # what the stack registers
    dynamic: int  # of them, through sentry-iac's providers
    seconds: float
    answered: int  # requests Sentry carried out or refused on their merits (not 429)
    limited: int  # 429s: requests the client waited for and sent again
    failures: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    calls: Counter[str] = field(default_factory=Counter)  # "METHOD route" -> answered
    parallel: int = PARALLEL
    most_at_once: int = 0

    @property
    def per_resource(self) -> float:
        return self.answered / self.resources

    @property
    def per_dynamic_resource(self) -> float:
        return self.answered / self.dynamic

    @property
    def sent_per_resource(self) -> float:
        """Every request sent, the 429s included."""
        return (self.answered + self.limited) / self.resources

    @property
    def met(self) -> bool:
        return (not self.failures and not self.duplicates
                and self.per_resource <= GOAL_REQUESTS_PER_RESOURCE)

    def as_json(self) -> dict[str, Any]:
        return {"target": self.target, "resources": self.resources, "dynamic": self.dynamic,
                "rate_limit_per_second": RATE_LIMIT, "parallel": self.parallel,
                "most_at_once": self.most_at_once, "seconds": self.seconds,
                "requests": self.answered, "requests_per_resource": self.per_resource,
                "requests_per_dynamic_resource": self.per_dynamic_resource,
                "retries_429": self.limited, "failures": self.failures,
                "duplicates": self.duplicates, "by_endpoint": dict(sorted(self.calls.items()))}


def duplicates(org: FakeOrganization) -> list[str]:
    """Objects Sentry holds twice for what one resource declares."""
    found: list[str] = []
    monitors = Counter((d.project_id, d.name, d.type) for d in org.detectors.values()
                       if d.type == "metric_issue")
    found += [f"monitor {name!r} x{n}" for (_, name, _), n in monitors.items() if n > 1]
    alerts = Counter((w.name, w.environment, frozenset(org.detector_ids_of(w.id)))
                     for w in org.workflows.values())
    found += [f"alert {name!r} x{n}" for (name, _, _), n in alerts.items() if n > 1]
    repos = Counter((r.name, r.integration_id) for r in org.repositories.values()
                    if r.status == "active")
    found += [f"repository {name!r} x{n}" for (name, _), n in repos.items() if n > 1]
    return found


def first_deploy_rate_limited(project: Path, target: int, *, limit: int = RATE_LIMIT
                              ) -> RateLimitedDeploy:
    """Deploy the owner stack of ``project`` once, on an empty organisation (but for the
    integrations people install by hand), under ``limit`` requests a second."""
    organization = str(yaml.safe_load((project / "org.yaml").read_text(encoding="utf-8"))
                       ["organization"])
    with FakeSentry(token=TOKEN, org_slug=organization) as fake:
        seed_integrations(fake, project, "production")
        fake.limit_rate("*", "/api/0/*", limit=limit, window=1)
        engine = StackEngine(project, "production", fake, token=TOKEN)
        deployment = engine.up()
        if fake.internal_errors:
            raise RuntimeError("the fake Sentry failed:\n" + "\n".join(fake.internal_errors))
        answered = [e for e in deployment.exchanges if e.status != 429]
        result = RateLimitedDeploy(
            target=target, resources=len(deployment.steps),
            dynamic=sum(s.type.startswith(DYNAMIC) for s in deployment.steps),
            seconds=deployment.seconds, answered=len(answered),
            limited=sum(e.status == 429 for e in deployment.exchanges),
            failures=list(deployment.errors), duplicates=duplicates(fake.org),
            most_at_once=deployment.most_at_once)
        result.calls.update(f"{e.method} {short_route(e.route)}" for e in answered)
    return result


def _label(target: int) -> str:
    return f"{target // 1000}k" if target % 1000 == 0 else str(target)


def format_rate_limited(results: list[RateLimitedDeploy]) -> list[str]:
    if not results:
        return []
    head = ["size", "resources", "dynamic", "wall time", "requests", "per resource",
            "per dynamic", "429s", "failures", "duplicates"]
    rows = [head] + [[
        _label(r.target), f"{r.resources:,}", f"{r.dynamic:,}", f"{r.seconds:.1f} s",
        f"{r.answered:,}", f"{r.per_resource:.2f}", f"{r.per_dynamic_resource:.2f}",
        f"{r.limited:,}", str(len(r.failures)), str(len(r.duplicates))] for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = [f"First deploy against a rate-limited fake ({RATE_LIMIT} requests/s for all "
             f"requests together, Sentry's headers; engine parallelism {results[0].parallel}, "
             "through Pulumi's provider host):"]
    for n, row in enumerate(rows):
        cells = [c.ljust(widths[i]) if i == 0 else c.rjust(widths[i]) for i, c in
                 enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    for r in results:
        verdict = "met" if r.met else "NOT met"
        lines.append(f"  {_label(r.target)}: 0 failures, 0 duplicates, <= "
                     f"{GOAL_REQUESTS_PER_RESOURCE} requests per resource: {verdict}")
        for problem in (r.failures + r.duplicates)[:5]:
            lines.append(f"    {problem.splitlines()[0][:160]}")
    return lines
