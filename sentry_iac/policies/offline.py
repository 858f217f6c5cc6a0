"""The checks on the offline plan: what ``sentry-iac validate`` runs for every stack."""

from __future__ import annotations

from sentry_iac.config.loader import Spec
from sentry_iac.offline.engine import Plan
from sentry_iac.policies.checks import Resource, Settings, Violation, run_checks


def settings_from(spec: Spec) -> Settings:
    policies = spec.org.policies
    if policies is None:
        return Settings()
    return Settings(allowed_owners=frozenset(e.lower() for e in policies.allowed_owners),
                    paging_environments=frozenset(policies.paging_environments))


def resources_from(plan: Plan) -> list[Resource]:
    out = []
    for r in plan.resources:
        secret = frozenset(r.options.get("additional_secret_outputs", ()))
        out.append(Resource(r.type.rsplit(":", 1)[-1], r.name, r.inputs, secret))
    return out


def check_plan(plan: Plan, spec: Spec) -> list[Violation]:
    return run_checks(resources_from(plan), settings_from(spec))
