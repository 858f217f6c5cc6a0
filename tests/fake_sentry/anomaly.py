"""What happens to a monitor that detects anomalies (``config.detection_type: dynamic``) once
its body has passed the detector validators (``detector_checks``): the feature gate and the
hand-over to Seer. Called by ``detectors`` after ``clean_detector``, before anything is stored.

Sources (getsentry/sentry, ``src/sentry/``; getsentry/seer):

- ``incidents/logic.py`` ``create_alert_rule`` / ``update_alert_rule``: a dynamic rule without
  ``organizations:anomaly-detection-alerts`` and ``anomaly-detection-rollout`` raises
  ``ResourceDoesNotExist("Your organization does not have access to this feature.")``, a 404;
  Sentry's anomaly endpoints do the same (``organization_events_anomalies.py``). The detector
  validators read (``incidents/metric_issue_detector.py``, ``workflow_engine/endpoints/
  validators/base/detector.py``, ``organization_project_detector_index.py``) check no such
  feature: source not found for a gate there; the fake answers as ``create_alert_rule`` does,
  and ``FakeOrganization.features`` turns it on and off.
- ``incidents/metric_issue_detector.py`` ``MetricIssueDetectorValidator.create``: a dynamic
  detector is sent to Seer (``send_new_detector_data``) and is not kept when that fails;
  ``update_anomaly_detection`` / ``update_data_source``: a detector becoming dynamic, or a
  dynamic one whose query changes, is sent again, and the update is refused when that fails.
- ``seer/anomaly_detection/store_data_workflow_engine.py``: ``send_new_detector_data`` turns
  every failure into "Couldn't send data to Seer, unable to create detector";
  ``update_data_source`` into "Failed to send data to Seer, cannot update detector". The
  detector path checks no window itself: Seer's ``StoreDataRequest`` config takes
  ``time_period`` in ``TimePeriods = Literal[5, 15, 30, 60]`` (minutes; getsentry/seer
  ``src/seer/anomaly_detection/models/external.py``) and ``expected_seasonality`` in
  ``auto, hourly, daily, weekly``, so any other is a refused store call. Source not found for
  how the endpoint renders Django's ``ValidationError``: the fake answers 400 with the message
  in a list, DRF's shape for an error without a field.
- ``_fetch_related_models``: a dynamic detector has exactly one high or medium condition.
- ``FakeOrganization.seer`` False stands for a Sentry without Seer (self-hosted): every store
  call fails.
"""

from __future__ import annotations

from typing import Any

from tests.fake_sentry.replies import HttpError
from tests.fake_sentry.state import FakeDetector, FakeOrganization

DYNAMIC = "dynamic"
FEATURES = ("anomaly-detection-alerts", "anomaly-detection-rollout")
NO_ACCESS = {"detail": "Your organization does not have access to this feature."}
CREATE_FAILED = "Couldn't send data to Seer, unable to create detector"
UPDATE_FAILED = "Failed to send data to Seer, cannot update detector"
SEER_WINDOWS = (300, 900, 1800, 3600)  # seconds; Seer's TimePeriods in minutes
SEER_SEASONALITIES = ("auto", "hourly", "daily", "weekly")
HIGH, MEDIUM = 75, 50


def _dynamic(values: dict[str, Any], current: FakeDetector | None) -> bool:
    config = values.get("config", current.config if current is not None else {})
    return bool(config) and config.get("detection_type") == DYNAMIC


def _seer_takes(org: FakeOrganization, source: dict[str, Any] | None,
                group: dict[str, Any] | None) -> bool:
    """Whether Seer's store-data call would succeed for this data source and condition."""
    if not org.seer or source is None or group is None:
        return False
    levels = [c for c in group["conditions"] if c["condition_result"] in (HIGH, MEDIUM)]
    if len(levels) != 1 or not isinstance(levels[0]["comparison"], dict):
        return False
    comparison = levels[0]["comparison"]
    return (int(source["query"]["time_window"]) in SEER_WINDOWS
            and comparison.get("seasonality") in SEER_SEASONALITIES)


def hand_to_seer(org: FakeOrganization, values: dict[str, Any],
                 current: FakeDetector | None = None) -> None:
    """Refuse, as Sentry would, a create or update of a dynamic monitor that the feature gate
    or Seer refuses; a static or percent monitor passes untouched."""
    if not _dynamic(values, current):
        return
    if not all(feature in org.features for feature in FEATURES):
        raise HttpError(404, NO_ACCESS)
    source = values.get("data_source", current.data_source if current else None)
    group = values.get("condition_group", current.condition_group if current else None)
    becomes_dynamic = current is None or current.config.get("detection_type") != DYNAMIC
    if not becomes_dynamic and "data_source" not in values:
        return  # update_data_source alone sends a dynamic detector to Seer again
    if not _seer_takes(org, source, group):
        raise HttpError(400, [CREATE_FAILED if current is None else UPDATE_FAILED])
