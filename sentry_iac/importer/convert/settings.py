"""Privacy, fingerprinting, performance thresholds and hidden environments -> the YAML.

Only values that differ from Sentry's defaults are declared: a setting left out stays unmanaged
and Sentry keeps it, so nothing changes either way, and the YAML shows what was chosen.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from sentry_iac.config.fingerprinting import FingerprintRule, rules_text
from sentry_iac.config.performance import PerformanceIssues
from sentry_iac.config.privacy import Privacy, ProjectPrivacy
from sentry_iac.importer.convert.fingerprints import parse_rules
from sentry_iac.importer.convert.numbers import number
from sentry_iac.importer.convert.problems import NotExpressible
from sentry_iac.importer.convert.scrubbing import same_rules, scrubbing_rules
from sentry_iac.importer.read.snapshot import Json
from sentry_iac.importer.report import Report
from sentry_iac.providers import kinds
from sentry_iac.sentry import projects
from sentry_iac.sentry.performance import DETECTORS, THRESHOLD_DETECTOR, THRESHOLDS
from sentry_iac.sentry.privacy import PRIVACY_FIELDS, RELAY_PII_CONFIG


def _accepted(model: type[BaseModel], key: str, value: Any, subject: str,
              report: Report) -> bool:
    try:
        model.model_validate({key: value})
    except ValidationError as exc:
        report.skip(f"{subject}: {key}", f"sentry-iac would refuse {value!r}: "
                                         f"{exc.errors()[0]['msg']}")
        return False
    return True


def privacy(detail: Json, subject: str, report: Report, *, project: bool) -> Json | None:
    """The ``privacy:`` block of the organisation or a project."""
    defaults = (kinds.PROJECT_PRIVACY if project else kinds.ORGANIZATION_PRIVACY).defaults
    model: type[BaseModel] = ProjectPrivacy if project else Privacy
    out: Json = {}
    for key, api in PRIVACY_FIELDS.items():
        if api == RELAY_PII_CONFIG or api not in detail:
            continue
        value = detail[api]
        if value == defaults.get(api) or (isinstance(value, list) and not value):
            continue
        if _accepted(model, key, value, f"{subject} privacy", report):
            out[key] = value
    text = detail.get(RELAY_PII_CONFIG) or ""
    if text and not project:
        report.skip(f"{subject} advanced data scrubbing rules",
                    "sentry-iac writes advanced scrubbing rules per project only")
    elif text:
        rules = _scrubbing(text, subject, report)
        if rules is not None:
            out["scrubbing_rules"] = rules
    return out or None


def _scrubbing(text: str, subject: str, report: Report) -> list[Json] | None:
    what = f"{subject} advanced data scrubbing rules"
    try:
        rules = scrubbing_rules(text)
        written = ProjectPrivacy.model_validate({"scrubbing_rules": rules}).relay_pii_config()
    except NotExpressible as exc:
        report.skip(what, str(exc))
        return None
    except ValidationError as exc:
        report.skip(what, f"sentry-iac would refuse them: {exc.errors()[0]['msg']}")
        return None
    if written != text:
        if not same_rules(written or "", text):
            report.skip(what, "they do not survive being written again")
            return None
        report.rewrite(what, "the same rules, with sentry-iac's rule ids")
    return rules


def fingerprinting(detail: Json, subject: str, report: Report) -> list[Json] | None:
    text = str(detail.get(projects.FINGERPRINTING_RULES) or "")
    if not text.strip():
        return None
    what = f"{subject} fingerprinting rules"
    try:
        rules, comments = parse_rules(text)
        models = tuple(FingerprintRule.model_validate(r) for r in rules)
    except NotExpressible as exc:
        report.skip(what, str(exc))
        return None
    except ValidationError as exc:
        report.skip(what, f"sentry-iac would refuse them: {exc.errors()[0]['msg']}")
        return None
    written = rules_text(models)
    if parse_rules(written)[0] != rules:
        report.skip(what, "they do not survive being written again")
        return None
    if written != text:
        report.rewrite(what, "comments are dropped" if comments else
                       "the same rules, in sentry-iac's layout")
    return rules


def performance(settings: Json | None, subject: str, report: Report) -> Json | None:
    """``performance_issues:``: switches and thresholds that differ from Sentry's defaults."""
    if not settings:
        return None
    defaults = kinds.PROJECT_PERFORMANCE_ISSUES.defaults
    out: Json = {}
    for name, (option, _, _) in THRESHOLDS.items():
        value = settings.get(option)
        if value is None or value == defaults[option]:
            continue
        detector = THRESHOLD_DETECTOR[option]
        if settings.get(DETECTORS[detector]) is False:
            report.skip(f"{subject} performance_issues.{name}",
                        f"its detector {detector} is off, and Sentry refuses to change a "
                        "threshold of a detector that is off")
            continue
        value = float(value) if name == "render_blocking_fcp_ratio" else number(value)
        if _accepted(PerformanceIssues, name, value, f"{subject} performance_issues", report):
            out[name] = value
    detect = {name: bool(settings[option]) for name, option in DETECTORS.items()
              if option in settings and settings[option] != defaults[option]}
    if detect:
        out["detect"] = detect
    return out or None


def hidden_environments(environments: list[Json]) -> list[str] | None:
    hidden = sorted(str(e["name"]) for e in environments if e.get(projects.IS_HIDDEN))
    return hidden or None
