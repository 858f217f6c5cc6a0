"""``rule/...``: how an alert rule's own keys fit together across stacks."""

from __future__ import annotations

from collections.abc import Iterator

from sentry_iac.config.checks.context import CheckContext, Finding
from sentry_iac.config.checks.raw import mapping, texts
from sentry_iac.config.checks.registry import check


@check("rule/override-outside-only", "an alert rule's environments: overrides a stack its "
                                     "only: leaves out")
def override_outside_only(context: CheckContext) -> Iterator[Finding]:
    for rule in context.rules():
        if not isinstance(rule.data.get("only"), list):
            continue
        only = [stack for _, stack in texts(rule.data.get("only"))]
        listed = ", ".join(only) or "none"
        for stack in mapping(rule.data, "environments"):
            if stack not in only:
                yield Finding(rule.source, rule.at("environments", stack), (
                    f"the rule is only on in {listed} (only:), so it has nothing to override "
                    f"in stack '{stack}'; remove this override, or add '{stack}' to only:"))
