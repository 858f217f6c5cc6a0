"""A test's expected timeline against the one played, and how a failure reads: the test's and
the rules' ``file:line``, what was missing and what was not expected, and both timelines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sentry_iac.ruletest.model import Expected, RuleTest
from sentry_iac.ruletest.timeline import Entry, PreparedRule


@dataclass(frozen=True)
class Outcome:
    """A test's result: the expectations not met and the entries nobody expected."""

    test: RuleTest
    actual: tuple[Entry, ...]
    missing: tuple[Expected, ...]
    unexpected: tuple[Entry, ...]
    rules: tuple[PreparedRule, ...]
    error: str | None = None  # what the evaluator does not model, when it stopped there
    # Rules of the test's project it cannot play, left out of the timeline, each with why
    # (anomaly detection: ruletest.anomaly).
    not_played: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.missing and not self.unexpected and self.error is None


def _fits(expected: Expected, entry: Entry) -> bool:
    return (expected.minute == entry.minute and expected.rule == entry.rule
            and expected.what == entry.what
            and (expected.priority is None or expected.priority == entry.priority)
            and (expected.notifies is None or expected.notifies == entry.notifies)
            and (expected.issue is None or expected.issue == entry.issue))


def compare(test: RuleTest, actual: Sequence[Entry],
            rules: Sequence[PreparedRule]) -> Outcome:
    """Each expectation takes the first entry it fits; what is left over on either side fails
    the test (the expected timeline is the whole timeline)."""
    left = list(actual)
    missing = []
    for expected in test.expected:
        found = next((e for e in left if _fits(expected, e)), None)
        if found is None:
            missing.append(expected)
        else:
            left.remove(found)
    return Outcome(test, tuple(actual), tuple(missing), tuple(left), tuple(rules))


def _channels(notifies: frozenset[str] | None) -> str:
    if notifies is None:
        return ""
    return "notifies " + (", ".join(sorted(notifies)) if notifies else "nobody")


def _line(minute: int, rule: str, what: str, priority: str | None,
          notifies: frozenset[str] | None, issue: str | None) -> str:
    action = f"{what} {priority}" if priority else what
    about = f" ({issue})" if issue else ""
    return f"{minute:>4}m  {rule:<24} {action + about:<28} {_channels(notifies)}".rstrip()


def entry_line(entry: Entry) -> str:
    return _line(entry.minute, entry.rule, entry.what, entry.priority, entry.notifies,
                 entry.issue)


def expected_line(expected: Expected) -> str:
    return _line(expected.minute, expected.rule, expected.what, expected.priority,
                 expected.notifies, expected.issue)


def format_outcome(outcome: Outcome) -> str:
    """``ok  <test>`` or the failure with everything needed to fix the test or the rule."""
    test = outcome.test
    title = f"{test.where}: {test.spec.name} (stack {test.spec.stack}, {test.spec.project})"
    left_out = [f"  cannot evaluate, left out of the timeline: {why}"
                for why in outcome.not_played]
    if outcome.passed:
        return "\n".join([f"ok    {title}", *left_out])
    lines = [f"FAIL  {title}", *left_out]
    if outcome.error is not None:
        return "\n".join([*lines, f"  cannot evaluate: {outcome.error}"])
    lines += [f"  missing     {test.file}:{e.line}: {expected_line(e).strip()}"
              for e in outcome.missing]
    lines += [f"  unexpected  {entry_line(e).strip()}" for e in outcome.unexpected]
    involved = {e.rule for e in outcome.missing} | {e.rule for e in outcome.unexpected}
    lines += [f"  rule {r.rule_id} at {r.where}" for r in outcome.rules if r.rule_id in involved]
    lines.append("  expected timeline:")
    lines += [f"    {expected_line(e)}" for e in test.expected] or ["    (nothing fires)"]
    lines.append("  actual timeline:")
    lines += [f"    {entry_line(e)}" for e in outcome.actual] or ["    (nothing fires)"]
    return "\n".join(lines)
