"""Rules with anomaly detection in a rule test: never played, never guessed.

Sentry's anomaly monitor asks Seer, for every window, whether the value is unusual given what
Seer learnt from the measure's last 28 days (``incidents/handlers/condition/
anomaly_detection_handler.py`` ``AnomalyDetectionHandler.evaluate_value`` ->
``get_anomaly_data_from_seer``). A test's few minutes of input say nothing of that model, so
the evaluator cannot tell when such a rule would open or resolve:

* a test that names the rule (in ``rules:`` or an expectation) cannot be evaluated at all;
* a test that plays every rule of its project leaves the rule out and says so, and its
  timeline is that of the other rules.
"""

from __future__ import annotations

from collections.abc import Sequence

from sentry_iac.ruletest.model import RuleTest
from sentry_iac.ruletest.timeline import PreparedRule
from sentry_iac.sentry.anomaly import DYNAMIC

WHY = ("it detects anomalies with Sentry's Seer, which judges each window against what it "
       "learnt from the measure's last 28 days; a rule test cannot replay that model")


def detects_anomalies(rule: PreparedRule) -> bool:
    detector = rule.detector or {}
    return (detector.get("config") or {}).get("detectionType") == DYNAMIC


def named_by(test: RuleTest) -> set[str]:
    """The rules a test names: in ``rules:`` and in its expectations."""
    return set(test.spec.rules or ()) | {e.rule for e in test.expected}


def split(test: RuleTest, rules: Sequence[PreparedRule]
          ) -> tuple[list[PreparedRule], list[str], str | None]:
    """(the rules to play, what is left out and why, why the test cannot be evaluated)."""
    anomalous = [r for r in rules if detects_anomalies(r)]
    named = [r for r in anomalous if r.rule_id in named_by(test)]
    if named:
        return list(rules), [], (f"rule '{named[0].rule_id}' ({named[0].where}): {WHY}; leave "
                                 "it out of the test's rules and expectations")
    left_out = [f"rule '{r.rule_id}' ({r.where}): {WHY}" for r in anomalous]
    return [r for r in rules if not detects_anomalies(r)], left_out, None
