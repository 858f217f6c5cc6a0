"""Every rule test of a project, loaded, played and compared: what ``sentry-iac test`` runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from sentry_iac.config.errors import SpecError, SpecErrors
from sentry_iac.config.loader import Spec
from sentry_iac.ruletest import anomaly
from sentry_iac.ruletest.detector import UnsupportedCondition
from sentry_iac.ruletest.model import RuleTest, load_tests
from sentry_iac.ruletest.report import Outcome, compare
from sentry_iac.ruletest.search import UnsupportedQuery
from sentry_iac.ruletest.timeline import PayloadHook, play, prepare


def run_test(test: RuleTest, spec: Spec, hook: PayloadHook | None = None) -> Outcome:
    """One test on the payloads of ``spec`` (changed by ``hook``, if given)."""
    prepared = prepare(test, spec, hook)
    rules, left_out, refused = anomaly.split(test, prepared)
    if refused is not None:
        return Outcome(test, (), (), (), tuple(prepared), error=refused)
    project = next(p for p in spec.org.projects if p.slug == test.spec.project)
    try:
        actual = play(test, rules, project.environment_for(test.spec.stack))
    except (UnsupportedQuery, UnsupportedCondition) as exc:
        return Outcome(test, (), (), (), tuple(rules), error=str(exc))
    return replace(compare(test, actual, rules), not_played=tuple(left_out))


def run_tests(root: Path, spec: Spec, files: Sequence[Path] = ()) -> list[Outcome]:
    """Every test of ``files`` (else ``rule-tests/*.yaml``); ``SpecErrors`` with every problem
    of every file and test."""
    outcomes: list[Outcome] = []
    errors: list[SpecError] = []
    for test in load_tests(root, files):
        try:
            outcomes.append(run_test(test, spec))
        except SpecErrors as exc:
            errors += exc.errors
    if errors:
        raise SpecErrors(errors)
    return outcomes
