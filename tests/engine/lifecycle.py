"""The whole life of a stack's resources, deployed as the engine deploys them.

``run_lifecycle`` drives both example stacks (owner first) through Pulumi's provider host:
preview and first ``up``; ``refresh``; a no-op ``up``; an ``up`` after every ``__provider`` in
the state was pickled anew; a ``Read`` with inputs only (a user's ``get``); an ``up`` after a
config change; edits in Sentry's UI seen by ``refresh`` and repaired by ``up``; objects deleted
in Sentry and dropped by ``refresh``, then made again by ``up``; and ``destroy``. Each phase
is kept, so tests can ask what each kind went through.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import dill

from sentry_iac.offline.engine import run_offline
from sentry_iac.providers.project_defaults import DEFAULT_ALERT
from tests.engine.engine import Deployment, Resource, StackEngine, Step
from tests.engine.host import PROVIDER_KEY, HostError, provider_host
from tests.engine.sentry import delete_in_sentry, edit_in_sentry, empty_organization
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN
from tests.helpers import EXAMPLE

STACKS = ("production", "staging")  # the owner stack first: it makes the projects


@dataclass
class Lifecycle:
    phases: dict[str, Deployment] = field(default_factory=dict)  # "phase:stack" -> what it did
    gets: dict[str, str] = field(default_factory=dict)  # urn -> "ok" or what went wrong
    # After the owner's first up: project -> (its client keys' names, Sentry's default alert
    # still connected to it)
    defaults_after_up: dict[str, tuple[list[str], bool]] = field(default_factory=dict)

    def phase(self, name: str) -> Deployment:
        return self.phases[name]

    def steps(self, name: str, kind: str) -> list[Step]:
        return [s for s in self.phases[name].steps if s.kind == kind]


@contextmanager
def deployed_stacks(token: str = FAKE_TOKEN
                    ) -> Iterator[tuple[FakeSentry, dict[str, StackEngine]]]:
    """Both example stacks deployed, the owner first, on an empty organisation."""
    with empty_organization() as fake:
        engines = {s: StackEngine(EXAMPLE, s, fake, token=token) for s in STACKS}
        for engine in engines.values():
            up = engine.up()
            assert up.ok, up.explain()
        yield fake, engines


def repickled(provider_text: str) -> str:
    """The same provider, pickled again with one more attribute: another byte string, as a
    new Pulumi, dill or sentry-iac version would write."""
    provider = dill.loads(base64.b64decode(provider_text))
    provider.__dict__["_repickled"] = True
    return base64.b64encode(dill.dumps(provider, recurse=True)).decode()


def repickle_state(engine: StackEngine) -> None:
    for resource in engine.state.values():
        if resource.dynamic:
            resource.outputs[PROVIDER_KEY] = repickled(resource.outputs[PROVIDER_KEY])


def get_every_resource(engine: StackEngine, deployment: Deployment) -> dict[str, str]:
    """``Read`` with only the inputs, as for ``Resource.get``: the id must come back."""
    results: dict[str, str] = {}
    with provider_host(engine.program_dir, engine.stack_config()) as host:
        for urn, resource in engine.state.items():
            if not resource.dynamic:
                continue
            try:
                id_, _, _ = host.read(resource.id, urn, None, resource.inputs)
            except HostError as exc:
                results[urn] = exc.summary
                continue
            results[urn] = "ok" if id_ == resource.id else f"answered id {id_!r}"
    deployment.steps += [Step("get", urn, engine.state[urn].type) for urn in results]
    return results


def in_sentry(fake: FakeSentry, engines: dict[str, StackEngine],
              change: Callable[[FakeSentry, Resource], None]) -> None:
    for engine in engines.values():
        for resource in engine.state.values():
            if resource.dynamic:
                change(fake, resource)


def seed_integrations(fake: FakeSentry, program_dir: Path, stack: str) -> None:
    """Install in the fake the integrations the stack's channels name (people install those
    in Sentry's UI; nothing in the YAML makes them)."""
    services: set[str] = set()
    named: set[tuple[str, str]] = set()
    for resource in run_offline(program_dir, stack).resources:
        workflow = resource.inputs.get("workflow") or {}
        for group in workflow.get("actionFilters") or []:
            for action in group.get("actions") or []:
                kind = action["kind"]
                if kind == "pagerduty":
                    services.add(action["service"])
                elif kind == "github":
                    named.add(("github", action["repo"].split("/", 1)[0]))
                elif kind in ("msteams", "slack", "discord"):
                    named.add((kind, action.get("team") or action.get("workspace")
                               or action["server"]))
    if services:
        fake.org.add_integration("pagerduty", name="PagerDuty", services=sorted(services))
    for kind, name in sorted(named):
        fake.org.add_integration(kind, name=name)


def sentrys_defaults(fake: FakeSentry) -> dict[str, tuple[list[str], bool]]:
    org = fake.org
    found = {}
    for slug, project in org.projects.items():
        stream = org.default_detector(slug, "issue_stream").id
        default_alert = any(org.workflows[w].name == DEFAULT_ALERT
                            for w in org.workflow_ids_of(stream))
        found[slug] = (sorted(k.name for k in project.keys), default_alert)
    return found


def run_lifecycle(fake: FakeSentry, program_dir: Path, changed_dir: Path) -> Lifecycle:
    """Every phase for both stacks; ``changed_dir`` holds the same program with a changed
    config (see ``tests.engine.test_example_lifecycle``)."""
    engines = {stack: StackEngine(program_dir, stack, fake, token=FAKE_TOKEN)
               for stack in STACKS}
    life = Lifecycle()

    def each(phase: str, operation: Callable[[StackEngine], Deployment]) -> None:
        for stack, engine in engines.items():
            life.phases[f"{phase}:{stack}"] = operation(engine)

    for stack, engine in engines.items():  # staging's preview needs production's projects
        life.phases[f"preview:{stack}"] = engine.preview()
        life.phases[f"up:{stack}"] = engine.up()
        if stack == STACKS[0]:
            life.defaults_after_up = sentrys_defaults(fake)
    each("refresh", StackEngine.refresh)
    each("no-op", StackEngine.up)
    for engine in engines.values():
        repickle_state(engine)
    each("repickled", StackEngine.up)
    for stack, engine in engines.items():
        get = Deployment("get")
        life.gets.update(get_every_resource(engine, get))
        life.phases[f"get:{stack}"] = get
    for engine in engines.values():
        engine.program_dir = changed_dir
    each("changed", StackEngine.up)
    each("changed-again", StackEngine.up)
    in_sentry(fake, engines, edit_in_sentry)
    each("drift-refresh", StackEngine.refresh)
    each("drift-preview", StackEngine.preview)
    each("drift-up", StackEngine.up)
    in_sentry(fake, engines, delete_in_sentry)
    each("gone-refresh", StackEngine.refresh)
    fake.restore()  # the projects come back (their settings resources must be made again)
    each("recreate", StackEngine.up)
    for stack in reversed(STACKS):
        life.phases[f"destroy:{stack}"] = engines[stack].destroy()
    return life

