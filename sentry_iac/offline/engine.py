"""Run the program for one stack under Pulumi's mock engine and collect what it registered.

The program is called directly (``resources.program.build``) with the spec already loaded, the
way ``__main__.py`` calls ``run`` under the Pulumi CLI; ``tests/test_main_program.py`` checks
that both register the same resources.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sentry_iac.config.attention import (
    access_callouts,
    lifecycle_callouts,
    team_role_callouts,
)
from sentry_iac.config.loader import Spec, load_spec
from sentry_iac.offline.mocks import SpecMocks
from sentry_iac.offline.monitor import RegisteredResource
from sentry_iac.offline.runner import ProgramRun, run_under_mocks, stack_config_values
from sentry_iac.resources.program import build, load_or_fail

__all__ = ["Plan", "ProgramRun", "plan_declared", "run_offline", "run_program",
           "run_under_mocks",
           "stack_config_values"]


@dataclass
class Plan:
    """What one stack declares: its resources in registration order, lookups and outputs."""

    project: str
    stack: str
    organization: str
    owner_stack: str
    resources: list[RegisteredResource]
    lookups: list[dict[str, Any]]
    outputs: dict[str, Any] = field(default_factory=dict)
    # Declared settings that can lock people out, each as "org.yaml:L:C: path: what it does".
    attention: list[str] = field(default_factory=list)

    def names(self) -> dict[str, str]:
        """URN -> "type::name" for parents."""
        return {r.urn: f"{r.type}::{r.name}" for r in self.resources}

    def as_json(self) -> dict[str, Any]:
        names = self.names()
        return {
            "project": self.project,
            "stack": self.stack,
            "organization": self.organization,
            "owner_stack": self.owner_stack,
            # Sorted: the SDK schedules registrations, so their order varies between runs.
            "resources": [r.as_json(names) for r in sorted(self.resources, key=lambda r: r.urn)],
            "lookups": sorted(self.lookups, key=lambda lookup: json.dumps(lookup,
                                                                          sort_keys=True)),
            "outputs": self.outputs,
            "attention": self.attention,
        }

    def of_type(self, short_type: str) -> list[RegisteredResource]:
        return [r for r in self.resources if r.type.rsplit(":", 1)[-1] == short_type]


def run_program(root: Path, stack: str, project: str, spec: Spec | None, *,
                young_collections: bool = False) -> ProgramRun:
    """sentry-iac's program for ``stack`` under mocks (see ``run_under_mocks``).

    ``spec`` is the spec loaded from ``root``, so the files are loaded and checked once, not
    twice (a second load was a tenth of a 12,000-resource plan); ``None`` loads it inside the
    run, where a broken configuration fails as the program's ``InvalidConfigError``.
    """
    def program() -> None:
        build(spec if spec is not None else load_or_fail(root), stack, offline=True)

    return run_under_mocks(root, stack, project, SpecMocks(spec), program,
                           young_collections=young_collections)


def run_offline(root: Path, stack: str, spec: Spec | None = None, *,
                young_collections: bool = False) -> Plan:
    """The plan of ``stack`` as Pulumi's mock engine receives it: raises ``SpecErrors`` when
    the configuration is invalid. ``young_collections``: the collector on for what the run
    allocates (``runner``), which costs time and saves memory."""
    root = root.resolve()
    spec = spec or load_spec(root)
    spec.stack(stack)
    run = run_program(root, stack, spec.project, spec, young_collections=young_collections)
    return _plan(spec, stack, run.monitor.registered, run.mocks.lookups, run.outputs)


def plan_declared(root: Path, stack: str, spec: Spec | None = None) -> Plan:
    """The plan of ``stack`` from its declarations (``offline.declarations``): the same as
    ``run_offline``'s, held to it resource by resource by the tests, in a tenth of the time."""
    from sentry_iac.offline.declarations import declare_spec

    root = root.resolve()
    spec = spec or load_spec(root)
    spec.stack(stack)
    declared = declare_spec(root, stack, spec)
    return _plan(spec, stack, declared.registered, declared.lookups, declared.outputs)


def _plan(spec: Spec, stack: str, resources: list[RegisteredResource],
          lookups: list[dict[str, Any]], outputs: dict[str, Any]) -> Plan:
    # Only the owner stack applies organisation settings, so only its plan calls them out.
    owner = spec.is_owner(stack)
    callouts = ([*access_callouts(spec.org.security), *team_role_callouts(spec.org)]
                if owner else [])
    attention = [f"{spec.where(c.path)}: {c.message}" for c in callouts]
    renames = [(file, ("alerts", i, "previous_ids"), rule.id, rule.previous_ids)
               for file, alerts in spec.alert_files() for i, rule in enumerate(alerts.alerts)
               if rule.previous_ids]
    attention += [f"{spec.where(c.path)}: {c.message}"
                  for c in lifecycle_callouts(spec.org, owner, [])]
    previous_owner = spec.org.previous_owner_stack
    if previous_owner is not None and stack in (previous_owner, spec.org.owner_stack):
        message = (f"takes the organisation over from stack '{previous_owner}': adopt what "
                   "Sentry already has into this stack's state before its first up (README: "
                   "\"Handing over ownership\")" if owner else
                   f"hands the organisation over to stack '{spec.org.owner_stack}': its next up "
                   "releases teams, members, projects and their settings; Sentry keeps them")
        attention.append(f"{spec.where(('previous_owner_stack',))}: {message}")
    for file, path, rule_id, previous in renames:
        (callout,) = lifecycle_callouts(spec.org, False, [(path, rule_id, previous)])
        attention.append(f"{spec.where(callout.path, file)}: {callout.message}")
    return Plan(project=spec.project, stack=stack, organization=spec.org.organization,
                owner_stack=spec.org.owner_stack, resources=resources, lookups=lookups,
                outputs=outputs, attention=attention)
