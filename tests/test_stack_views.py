"""A rule as one stack sees it is built once, by ``config.stack_views.stack_rule``: the program
and the importer's verification must agree on it, and every priority route comes from
``Organization.routes``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from sentry_iac.config.loader import Spec, load_spec
from sentry_iac.config.models import Organization
from sentry_iac.config.stack_views import stack_rules
from sentry_iac.importer.convert.verify import candidate_rule
from tests.helpers import copy_project

# Rules as the importer writes them: one project each, channels named on the rule, a priority
# that routes nowhere (the importer's priorities only document a response time), no overrides.
IMPORTED_RULES: list[dict[str, Any]] = [
    {"id": "api-errors", "name": "API error rate", "projects": ["spms-backend"],
     "measure": "error-count", "window": "5m", "critical": "above 20", "warning": "above 10",
     "resolve": "below 5", "priority": "standard", "channels": ["team-chat", "on-call"]},
    {"id": "front-end-issues", "name": "New front-end issues", "projects": ["spms-frontend"],
     "when": ["first-seen"], "repeat_every": "2h", "priority": "standard",
     "channels": ["maintainers"]},
]


def _imported_project(root: Path) -> tuple[Spec, dict[str, Any]]:
    """The example project with only ``IMPORTED_RULES``, and its org.yaml's channels as YAML."""
    project = copy_project(root, alerts=False)
    org = yaml.safe_load((project / "org.yaml").read_text())
    org["priorities"]["standard"] = {"respond": "as before the import"}
    (project / "org.yaml").write_text(yaml.safe_dump(org, sort_keys=False))
    (project / "alerts" / "imported.yaml").write_text(
        yaml.safe_dump({"version": 1, "alerts": IMPORTED_RULES}, sort_keys=False))
    channels: dict[str, Any] = org["channels"]
    return load_spec(project), channels


def test_the_importer_verifies_the_rule_the_program_builds(tmp_path: Path) -> None:
    spec, channels = _imported_project(tmp_path / "p")
    compared = 0
    for stack in sorted(spec.stacks):
        for item in stack_rules(spec, stack):
            fields = next(r for r in IMPORTED_RULES if r["id"] == item.rule.id)
            candidate = candidate_rule(fields, item.project, stack, channels)
            assert candidate == item, (stack, item.key)
            compared += 1
    assert compared == len(IMPORTED_RULES) * len(spec.stacks)
    # The views differ where the YAML does: the front end reports staging as "test".
    staging = {i.key: i for i in stack_rules(spec, "staging")}
    assert staging["front-end-issues/spms-frontend"].environment == "test"
    assert staging["front-end-issues/spms-frontend"].repeat_seconds == 7200
    assert staging["api-errors/spms-backend"].resolve is not None


def test_organization_routes_are_each_priority_per_stack() -> None:
    org = Organization.model_validate({
        "version": 1, "organization": "dbca",
        "channels": {"a": {"email": {"team": "t"}}, "b": {"email": {"team": "u"}}},
        "priorities": {"critical": {"respond": "now", "production": ["a", "b"],
                                    "staging": ["b"]},
                       "low": {"respond": "later"}}})
    assert org.routes == {"critical": {"production": ("a", "b"), "staging": ("b",)}, "low": {}}
    # Built once: the model is frozen, so every reader shares the one mapping.
    assert org.routes is org.routes
