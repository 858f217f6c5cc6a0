"""Sentry's ``relayPiiConfig`` -> ``scrubbing_rules:`` (the inverse of
``ProjectPrivacy.relay_pii_config``).

Rules of the types the YAML knows, applied to selectors, come back as one entry each. Sentry's
built-in rules named in ``applications`` (``@ip``, ``@email:replace``) and rule types such as
``redact_pair`` or ``multiple`` have no YAML form.
"""

from __future__ import annotations

import json
from typing import Any, get_args

from sentry_iac.importer.convert.problems import NotExpressible
from sentry_iac.sentry.privacy import PiiRuleType

RULE_TYPES = get_args(PiiRuleType)
_RULE_KEYS = {"type", "redaction", "pattern"}


def _rule(rule_id: str, rule: Any, fields: list[str]) -> dict[str, Any]:
    if not isinstance(rule, dict) or rule.get("type") not in RULE_TYPES:
        kind = rule.get("type") if isinstance(rule, dict) else rule
        raise NotExpressible(f"scrubbing rule '{rule_id}' is of type '{kind}', which the YAML "
                             "does not write")
    extra = sorted(set(rule) - _RULE_KEYS)
    if extra:
        raise NotExpressible(f"scrubbing rule '{rule_id}' sets {', '.join(extra)}")
    redaction = rule.get("redaction") or {}
    method = redaction.get("method", "mask")
    out: dict[str, Any] = {"type": rule["type"]}
    if "pattern" in rule:
        out["pattern"] = rule["pattern"]
    out["method"] = method
    if method == "replace":
        out["replacement"] = redaction.get("text", "")
    if set(redaction) - {"method", "text"}:
        raise NotExpressible(f"scrubbing rule '{rule_id}' redacts with {redaction}")
    if not fields:
        raise NotExpressible(f"scrubbing rule '{rule_id}' applies to no field")
    out["fields"] = fields
    return out


def scrubbing_rules(text: str) -> list[dict[str, Any]]:
    """The YAML rules for a ``relayPiiConfig`` text (not empty)."""
    try:
        config = json.loads(text)
    except ValueError:
        raise NotExpressible("the advanced scrubbing rules are not JSON") from None
    rules = config.get("rules") or {}
    applications: dict[str, list[str]] = config.get("applications") or {}
    builtin = sorted({r for ids in applications.values() for r in ids if r not in rules})
    if builtin:
        raise NotExpressible(f"the advanced scrubbing rules use Sentry's built-in rules "
                             f"{', '.join(builtin)}, which the YAML does not name")
    return [_rule(rule_id, rule, [s for s, ids in applications.items() if rule_id in ids])
            for rule_id, rule in rules.items()]


def same_rules(a: str, b: str) -> bool:
    """Whether two configs apply the same rules to the same selectors (ids aside)."""
    def meaning(text: str) -> set[str]:
        config = json.loads(text) if text else {}
        rules = config.get("rules") or {}
        applied = config.get("applications") or {}
        return {json.dumps([rule, sorted(s for s, ids in applied.items() if rule_id in ids)],
                           sort_keys=True) for rule_id, rule in rules.items()}
    return meaning(a) == meaning(b)
