"""Sentry's anomaly detection (a metric monitor with ``detectionType: dynamic``): its condition,
the words of its comparison, the windows and datasets it takes, and the feature behind it.

Read in getsentry/sentry (``src/sentry/``) and getsentry/seer:

- A dynamic monitor has one ``anomaly_detection`` condition whose comparison is
  ``{sensitivity, seasonality, threshold_type}``, all three required, nothing else
  (``incidents/handlers/condition/anomaly_detection_handler.py`` ``AnomalyDetectionHandler
  .comparison_json_schema``); it needs no resolution condition
  (``incidents/metric_issue_detector.py`` ``MetricIssueConditionGroupValidator
  .validate_conditions``). Requests may spell ``threshold_type`` as ``thresholdType``
  (``CamelSnakeSerializer``); answers camelCase it (``DataConditionSerializer``).
- Seer's verdict opens only **high** issues: a high-confidence anomaly is
  ``DetectorPriorityLevel.HIGH``, a low-confidence one OK ("Seer doesn't support warning
  alerts yet", ``SEER_EVALUATION_TO_DETECTOR_PRIORITY``), so the monitor resolves when Seer no
  longer sees an anomaly.
- Sensitivity low/medium/high, threshold type 0 above, 1 below, 2 above and below, seasonality
  ``auto`` and others (``seer/anomaly_detection/types.py`` ``AnomalyDetectionSensitivity``,
  ``AnomalyDetectionThresholdType``, ``AnomalyDetectionSeasonality``). Seer itself takes only
  ``auto``, ``hourly``, ``daily`` and ``weekly`` (getsentry/seer
  ``src/seer/anomaly_detection/models/external.py`` ``Seasonalities``), and Sentry's own
  metric alerts always store ``auto`` ("we hardcode seasonality", ``incidents/logic.py``
  ``create_alert_rule``).
- Windows of 5, 15, 30 or 60 minutes: ``DYNAMIC_TIME_WINDOWS`` ("Invalid time window for
  dynamic alert (valid windows are 5, 15, 30, 60 minutes)", ``incidents/logic.py``), which is
  also Seer's ``TimePeriods`` (``Literal[5, 15, 30, 60]``, getsentry/seer
  ``models/external.py``). The detector validators read (``metric_issue_detector.py``)
  check no window themselves: there Seer's refusal comes back as "Couldn't send data to Seer,
  unable to create detector" (``seer/anomaly_detection/store_data_workflow_engine.py``
  ``send_new_detector_data``).
- Not for release health: Sentry's monitor form offers only static thresholds for crash-free
  rates (``static/app/views/detectors/datasetConfig/releases.tsx``
  ``supportedDetectionTypes: ['static']``; errors, spans, logs and transactions list
  ``'dynamic'``), and dynamic alerts refuse ``is:unresolved`` queries ("Dynamic alerts do not
  support 'is:unresolved' queries", ``create_alert_rule``).
- The feature ``organizations:anomaly-detection-alerts`` (``features/temporary.py``): without
  it (and ``anomaly-detection-rollout``) ``create_alert_rule`` answers 404 "Your organization
  does not have access to this feature."; Sentry's anomaly endpoints answer the same
  (``organization_events_anomalies.py``). Seer is not part of self-hosted Sentry.
"""

from __future__ import annotations

from typing import Final

from sentry_iac.sentry.codes import inverse

DYNAMIC: Final = "dynamic"  # config.detectionType of an anomaly monitor
ANOMALY_DETECTION: Final = "anomaly_detection"  # its one condition's type

# Our `sensitivity:` word -> Sentry's (AnomalyDetectionSensitivity).
SENSITIVITIES = {"low": "low", "medium": "medium", "high": "high"}
SENSITIVITIES_BY_CODE = inverse(SENSITIVITIES)
# Our `direction:` word -> Sentry's threshold type (AnomalyDetectionThresholdType).
DIRECTIONS = {"above": 0, "below": 1, "either": 2}
DIRECTIONS_BY_CODE = inverse(DIRECTIONS)
# Our `seasonality:` word -> Sentry's; only those Seer accepts.
SEASONALITIES = {"auto": "auto", "hourly": "hourly", "daily": "daily", "weekly": "weekly"}
SEASONALITIES_BY_CODE = inverse(SEASONALITIES)

# The windows anomaly detection takes, in seconds (5, 15, 30 and 60 minutes).
WINDOWS = (300, 900, 1800, 3600)
# The datasets it takes: errors and span data, not release health (nor the retired
# transaction datasets, which sentry-iac refuses for every monitor).
DATASETS = ("events", "events_analytics_platform")
# The query term dynamic alerts refuse.
REFUSED_QUERY_TERM: Final = "is:unresolved"

FEATURE: Final = "anomaly-detection-alerts"
# What Sentry answers without the feature (404), and when Seer cannot take the monitor (400).
NO_FEATURE_TEXT: Final = "does not have access to this feature"
SEER_REFUSED_TEXT: Final = "send data to Seer"
