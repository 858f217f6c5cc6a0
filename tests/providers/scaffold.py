"""What the provider tests share: the example organisation in the fake, a provider configured
for it with a fake clock, the inputs of a planned resource, and the faults every provider must
survive."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from google.protobuf import struct_pb2
from pulumi.dynamic import Config, ConfigureRequest
from pulumi.runtime import rpc

from sentry_iac.offline.engine import Plan
from sentry_iac.providers import SentryClient
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN, RecordingSleep

Fault = Callable[[FakeSentry, str], Any]


@contextmanager
def example_fake() -> Iterator[FakeSentry]:
    """A running fake holding what the example config refers to: its team, projects with their
    environments, the integrations its channels name, and the maintainer."""
    with FakeSentry(token=FAKE_TOKEN, org_slug="dbca") as server:
        org = server.org
        org.add_team("science-projects")
        for slug in ("spms-backend", "spms-frontend"):
            org.add_project(slug, teams=["science-projects"],
                            environments=["production", "staging", "test"])
        org.add_integration("pagerduty", name="DBCA PagerDuty", services=["SPMS"])
        org.add_integration("msteams", name="DBCA")
        org.add_integration("github", name="dbca-wa")
        org.add_member("maintainer@example.org", role="manager", teams=["science-projects"])
        yield server
    assert not server.internal_errors, "\n".join(server.internal_errors)


def configured(provider: Any, fake: FakeSentry, sleep: RecordingSleep | None = None) -> Any:
    """``provider`` configured for ``fake`` as the engine would, with short timeouts and a
    clock that records waits instead of sleeping."""
    provider.lost_create_wait, provider.lost_create_poll = 1.5, 0.1
    provider.configure(ConfigureRequest(Config(
        {"sentry:token": FAKE_TOKEN, "sentry:baseUrl": fake.url}, "sentry-iac")))
    provider.client_factory = lambda token, url: SentryClient(
        token, url, timeout=0.5, max_retries=2, sleep=sleep or RecordingSleep(),
        jitter=lambda: 0.5)
    return provider


def delivered(registered: dict[str, Any]) -> dict[str, Any]:
    """Inputs as the program registered them, as Pulumi's provider host hands them to a
    provider: through its own ``deserialize_properties``, so numbers are doubles and nulls
    inside objects are gone (tests/engine drives the host itself)."""
    struct = struct_pb2.Struct()
    struct.update(copy.deepcopy(registered))
    props: dict[str, Any] = rpc.deserialize_properties(struct)
    return props


def inputs(plan: Plan, kind: str, name: str) -> dict[str, Any]:
    """The inputs the plan gives the resource ``kind`` named ``name``, as a provider gets
    them (see ``delivered``)."""
    resource = next(r for r in plan.of_type(kind) if r.name == name)
    return delivered(resource.inputs)


def faults(method: str) -> dict[str, Fault]:
    """The faults to survive on ``method``: a rate limit, a server error, an answer slower
    than the client waits, and a dropped connection."""
    return {
        "429": lambda f, p: f.rate_limit(method, p, reset_in=0.5),
        "500": lambda f, p: f.fail(method, p, status=500),
        "slow": lambda f, p: f.slow(method, p, seconds=1.0),
        "dropped": lambda f, p: f.drop(method, p),
    }
