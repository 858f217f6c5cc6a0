"""Sentry's uptime monitors: the detector type and data source, what a check may be, and the
request-size rule, as Sentry's source has them (getsentry/sentry ``src/sentry/uptime/``).

- ``models.py`` ``UptimeSubscription``: ``IntervalSeconds`` (60, 300, 600, 1200, 1800, 3600),
  ``SupportedHTTPMethods`` (GET POST HEAD PUT DELETE PATCH OPTIONS), ``url`` at most 255.
- ``endpoints/validators.py`` ``UptimeMonitorDataSourceValidator``: ``url`` a DRF
  ``URLField(max_length=255)``, ``interval_seconds`` a ``ChoiceField`` of the intervals,
  ``timeout_ms`` an ``IntegerField`` of 1,000 to 60,000 (30,000 in releases before the
  workflow engine's detectors), ``headers`` a list of [name, value] pairs ("Expected array of
  header tuples."), ``body`` text or null; ``_validate_request_size``: the request line, headers
  and body at most ``MAX_REQUEST_SIZE_BYTES`` (1000) as ``compute_http_request_size`` counts.
- ``endpoints/validators.py`` ``UptimeDomainCheckFailureConfigValidator`` and the group type's
  ``config_schema`` (``grouptype.py``): ``mode`` (1 manual), ``environment`` (text or null, at
  most 64), ``recovery_threshold`` and ``downtime_threshold`` whole numbers of at least 1,
  defaults 1 and 3 (``types.py``).
- ``subscriptions/subscriptions.py``: ``MAX_MONITORS_PER_DOMAIN`` (100, ``check_url_limits``)
  and ``MAX_MANUAL_SUBSCRIPTIONS_PER_ORG`` (100).
- ``grouptype.py`` ``UptimeDomainCheckFailure``: its issues open at high priority
  (``default_priority = PriorityLevel.HIGH``; the detector handler's thresholds are
  ``DetectorPriorityLevel.HIGH`` after ``downtime_threshold`` failures, ``OK`` after
  ``recovery_threshold`` successes).

Sentry's UI offers no body for GET, HEAD and OPTIONS (``HTTP_METHODS_NO_BODY`` in
``static/app/views/alerts/rules/uptime/uptimeAlertForm.tsx``); its server stores one anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

UPTIME_DETECTOR: Final = "uptime_domain_failure"
UPTIME_DATA_SOURCE: Final = "uptime_subscription"
MANUAL_MODE: Final = 1  # UptimeMonitorMode.MANUAL: a monitor a person made

INTERVAL_SECONDS: Final = (60, 300, 600, 1200, 1800, 3600)
MIN_TIMEOUT_MS: Final = 1_000
MAX_TIMEOUT_MS: Final = 60_000
METHODS: Final = ("GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS")
METHODS_WITHOUT_BODY: Final = ("GET", "HEAD", "OPTIONS")
MAX_URL_LENGTH: Final = 255
MAX_REQUEST_BYTES: Final = 1000
MAX_MONITORS_PER_DOMAIN: Final = 100
DEFAULT_DOWNTIME_THRESHOLD: Final = 3
DEFAULT_RECOVERY_THRESHOLD: Final = 1

# Sentry before the workflow engine's detectors: the uptime monitor endpoint of a project
# (``project_uptime_alert_index.py``, ``…_details.py``; POST answers 200, DELETE 202), its flat
# fields (``UptimeMonitorValidator``: the name at most 128 characters, ``status`` active or
# disabled), and the tag its issues' events carry: the monitor's id
# (``issue_platform.build_event_data_for_occurrence``: ``"uptime_rule"``).
LEGACY_MAX_NAME: Final = 128
LEGACY_TAG: Final = "uptime_rule"
LEGACY_FIELDS: Final = ("name", "status", "owner", "environment", "url", "intervalSeconds",
                        "timeoutMs", "method", "headers", "body", "traceSampling")

# The detector's data source fields (request and answer alike, camelCase) and its config's.
SOURCE_FIELDS: Final = ("url", "intervalSeconds", "timeoutMs", "method", "headers", "body",
                        "traceSampling")
CONFIG_FIELDS: Final = ("mode", "environment", "recoveryThreshold", "downtimeThreshold")
# Our keys -> Sentry's field names, for 400 answers that name a field.
FIELD_NAMES: Final = {"url": "url", "every": "intervalSeconds", "timeout": "timeoutMs",
                      "method": "method", "headers": "headers", "body": "body",
                      "failure_threshold": "downtimeThreshold",
                      "recovery_threshold": "recoveryThreshold"}


def request_size(method: str, url: str, headers: Sequence[tuple[str, str]],
                 body: str | None) -> int:
    """The bytes Sentry counts for one check (``compute_http_request_size``): the request line,
    each header's name and UTF-8 value with a line break, and the body with one."""
    size = len(f"{method} {url} HTTP/1.1\r\n")
    size += sum(len(name) + len(value.encode("utf-8")) + 2 for name, value in headers)
    if body is not None:
        size += len(body.encode("utf-8")) + 2
    return size
