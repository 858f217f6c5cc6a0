"""The policies on what a stack declares: ``sentry-iac validate`` runs them on every stack's
declarations (``offline.declarations``), ``plan`` on its offline plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sentry_iac.config.loader import Spec
from sentry_iac.policies.checks import Resource, Settings, Violation, run_checks

if TYPE_CHECKING:  # validate declares without the engine; plan imports it itself
    from sentry_iac.offline.engine import Plan
    from sentry_iac.offline.monitor import RegisteredResource


def settings_from(spec: Spec) -> Settings:
    policies = spec.org.policies
    if policies is None:
        return Settings()
    return Settings(allowed_owners=frozenset(e.lower() for e in policies.allowed_owners),
                    paging_environments=frozenset(policies.paging_environments))


def resources_from(plan: Plan) -> list[Resource]:
    return _resources(plan.resources)


def _resources(registered: list[RegisteredResource]) -> list[Resource]:
    out = []
    for r in registered:
        secret = frozenset(r.options.get("additional_secret_outputs", ()))
        out.append(Resource(r.type.rsplit(":", 1)[-1], r.name, r.inputs, secret))
    return out


def check_declarations(declared: list[RegisteredResource], spec: Spec) -> list[Violation]:
    return run_checks(_resources(declared), settings_from(spec))


def check_plan(plan: Plan, spec: Spec) -> list[Violation]:
    return run_checks(resources_from(plan), settings_from(spec))
