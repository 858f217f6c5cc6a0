"""The checks as a Pulumi CrossGuard policy pack: ``policies/__main__.py`` builds the pack from
these, so ``pulumi preview --policy-pack policies`` enforces exactly what ``validate`` does."""

from __future__ import annotations

from pathlib import Path

from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)

from sentry_iac.config.loader import load_spec
from sentry_iac.policies.checks import CHECKS, Check, Resource, Settings
from sentry_iac.policies.offline import settings_from


def to_resource(resource: PolicyResource) -> Resource:
    secret = frozenset(resource.opts.additional_secret_outputs or ())
    return Resource(resource.resource_type.rsplit(":", 1)[-1], resource.name,
                    dict(resource.props), secret)


def stack_policy(check: Check, settings: Settings) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        resources = [to_resource(r) for r in args.resources]
        for name, message in check.run(resources, settings):
            report_violation(f"{name}: {message}", None)

    return StackValidationPolicy(name=check.name, description=check.description,
                                 validate=validate,
                                 enforcement_level=EnforcementLevel.MANDATORY)


def policies_for(project_root: Path) -> list[StackValidationPolicy]:
    """One policy per check, with the settings from the project's ``org.yaml``."""
    settings = settings_from(load_spec(project_root))
    return [stack_policy(check, settings) for check in CHECKS]
