"""Sentry's refusals of an anomaly monitor (``detectionType: dynamic``), told at the rule.

Two answers mean the organisation cannot have the monitor, whatever the YAML says
(``sentry_iac.sentry.anomaly`` cites where Sentry gives them):

* 404 "Your organization does not have access to this feature.": it lacks Sentry's anomaly
  detection feature (``organizations:anomaly-detection-alerts``);
* 400 "Couldn't send data to Seer, unable to create detector" (or "Failed to send data to
  Seer, cannot update detector"): Seer, which learns the measure, refused it or is absent
  (self-hosted Sentry has none).

Left as they are, the first reads as "monitor not found" and the second as a bare 400. Both
become an ``AnomalyDetectionRefused`` that names the rule's ``file:line`` (the monitor's
``sources``) and what to do.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

from sentry_iac.providers.errors import SentryApiError, SentryNotFoundError, SentryValidationError
from sentry_iac.sentry import anomaly

# The monitor's ``sources`` key that holds the rule's ``anomaly:`` location.
RULE_SOURCE = "config.detectionType"


class AnomalyDetectionRefused(SentryApiError):
    """Sentry will not keep this organisation's anomaly monitor (no feature, or no Seer)."""


def is_anomaly_monitor(detector: Mapping[str, Any]) -> bool:
    config = detector.get("config")
    return isinstance(config, Mapping) and config.get("detectionType") == anomaly.DYNAMIC


def _refusal(error: SentryApiError, name: str, where: str) -> AnomalyDetectionRefused | None:
    detail = error.detail or ""
    if isinstance(error, SentryNotFoundError) and anomaly.NO_FEATURE_TEXT in detail:
        summary = (f"{where}Sentry refused the anomaly monitor '{name}': the organisation "
                   f"does not have Sentry's anomaly detection (feature "
                   f"'{anomaly.FEATURE}'). Turn it on for the organisation (a Sentry plan "
                   "with anomaly detection, which runs on Seer), or replace `anomaly:` with "
                   "critical/warning thresholds")
    elif isinstance(error, SentryValidationError) and anomaly.SEER_REFUSED_TEXT in detail:
        summary = (f"{where}Sentry could not hand the anomaly monitor '{name}' to Seer, "
                   "which learns what is normal for the measure: Seer takes windows of 5m, "
                   "15m, 30m or 1h and needs the project to send this data, and self-hosted "
                   "Sentry has no Seer. Check the window and the data, or replace `anomaly:` "
                   "with critical/warning thresholds")
    else:
        return None
    return AnomalyDetectionRefused(summary, method=error.method, path=error.path,
                                   status=error.status, detail=error.detail)


@contextlib.contextmanager
def told_at_the_rule(props: Mapping[str, Any], spec_key: str) -> Iterator[None]:
    """Turn Sentry's refusal of an anomaly monitor into one that names the rule."""
    detector = props.get(spec_key)
    if not isinstance(detector, Mapping) or not is_anomaly_monitor(detector):
        yield
        return
    sources = props.get("sources")
    place = sources.get(RULE_SOURCE) if isinstance(sources, Mapping) else None
    try:
        yield
    except (SentryNotFoundError, SentryValidationError) as exc:
        refused = _refusal(exc, str(detector.get("name")), f"{place}: " if place else "")
        if refused is None:
            raise
        raise refused from None
