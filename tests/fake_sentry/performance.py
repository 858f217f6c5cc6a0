"""Performance-issue detection settings (SENTRY_API.md section 4).

Private endpoint ``/projects/{org}/{project}/performance-issues/configure/``; the settings are
stored as the project option ``sentry:performance_issue_settings``.

Source: ``src/sentry/issues/endpoints/project_performance_issue_settings.py``:
``ProjectPerformanceIssueSettingsSerializer`` (the ranges below: ``IntegerField``s,
``render_blocking_fcp_ratio`` a ``FloatField``, ``large_http_payload_filtered_paths`` a
``CharField(max_length=1000, allow_blank=True)``, the toggles ``BooleanField``s) and
``ProjectPerformanceIssueSettingsEndpoint.put``: a key outside ``ALL_ALLOWED_KEYS`` (or an empty
body) is 400 "Invalid settings option"; an ``INTERNAL_ENABLED_KEYS`` key without superuser is
403 ``{"detail": {"message": "Passed options are only modifiable internally", "code":
"superuser-required"}}``; then the serializer; then ``get_disabled_threshold_options`` against
the settings stored *before* this request (turning a detector on and setting its threshold in
one PUT is refused): 403 "Disabled options can not be modified". Defaults: SENTRY_API.md 4
(``src/sentry/options/defaults.py``, ``projectoptions/defaults.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.fake_sentry.replies import HttpError
from tests.fake_sentry.validation import Invalid, boolean, drf_float, integer, string


@dataclass(frozen=True)
class Threshold:
    kind: type  # int, float or str
    minimum: float
    maximum: float  # for str: max length
    default: Any
    detector: str  # the *_detection_enabled toggle that must be on to change it


THRESHOLDS: dict[str, Threshold] = {
    "n_plus_one_db_duration_threshold": Threshold(int, 50, 10000, 50, "n_plus_one_db_queries"),
    "n_plus_one_db_count": Threshold(int, 5, 100, 5, "n_plus_one_db_queries"),
    "slow_db_query_duration_threshold": Threshold(int, 100, 10000, 500, "slow_db_queries"),
    "render_blocking_fcp_ratio": Threshold(float, 0.20, 0.95, 0.33, "large_render_blocking_asset"),
    "large_http_payload_size_threshold": Threshold(
        int, 100000, 10000000, 300000, "large_http_payload"
    ),
    "large_http_payload_filtered_paths": Threshold(str, 0, 1000, "", "large_http_payload"),
    "db_on_main_thread_duration_threshold": Threshold(int, 10, 50, 16, "db_on_main_thread"),
    "file_io_on_main_thread_duration_threshold": Threshold(
        int, 10, 50, 16, "file_io_on_main_thread"
    ),
    "uncompressed_asset_duration_threshold": Threshold(int, 100, 10000, 300, "uncompressed_assets"),
    "uncompressed_asset_size_threshold": Threshold(
        int, 100000, 10000000, 512000, "uncompressed_assets"
    ),
    "consecutive_db_min_time_saved_threshold": Threshold(
        int, 50, 5000, 100, "consecutive_db_queries"
    ),
    "n_plus_one_api_calls_total_duration_threshold": Threshold(
        int, 100, 10000, 300, "n_plus_one_api_calls"
    ),
    "consecutive_http_spans_min_time_saved_threshold": Threshold(
        int, 1000, 10000, 2000, "consecutive_http_spans"
    ),
    "http_request_delay_threshold": Threshold(int, 200, 10000, 500, "http_overhead"),
    # The doc gives no default for these two; the fake uses the lower bound.
    "web_vitals_count": Threshold(int, 5, 100, 5, "web_vitals"),
    "sql_injection_query_value_length_threshold": Threshold(int, 3, 10, 3, "db_query_injection"),
}

DETECTORS: dict[str, bool] = {
    "uncompressed_assets_detection_enabled": True,
    "consecutive_http_spans_detection_enabled": True,
    "large_http_payload_detection_enabled": True,
    "n_plus_one_db_queries_detection_enabled": True,
    "n_plus_one_api_calls_detection_enabled": True,
    "db_on_main_thread_detection_enabled": True,
    "file_io_on_main_thread_detection_enabled": True,
    "consecutive_db_queries_detection_enabled": True,
    "large_render_blocking_asset_detection_enabled": True,
    "slow_db_queries_detection_enabled": True,
    "http_overhead_detection_enabled": True,
    "db_query_injection_detection_enabled": False,
    "web_vitals_detection_enabled": True,
}

# Superuser-only toggles: visible in GET, refused in PUT.
INTERNAL_ONLY: dict[str, bool] = {
    "transaction_duration_regression_detection_enabled": True,
    "function_duration_regression_detection_enabled": True,
}


def defaults() -> dict[str, Any]:
    values: dict[str, Any] = {name: t.default for name, t in THRESHOLDS.items()}
    values.update(DETECTORS)
    values.update(INTERNAL_ONLY)
    return values


def effective(stored: dict[str, Any]) -> dict[str, Any]:
    """What GET returns: defaults overlaid with the project's stored values."""
    return {**defaults(), **stored}


def detector_enabled(detector: str, settings: dict[str, Any]) -> bool:
    return bool(settings[f"{detector}_detection_enabled"])


def clean_update(body: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """Validate a PUT the way Sentry does; return the values to store.

    Order: unknown key (400), internal-only key (403), value checks (400), thresholds of a
    disabled detector (403).
    """
    known = THRESHOLDS.keys() | DETECTORS.keys() | INTERNAL_ONLY.keys()
    if not body or any(key not in known for key in body):
        raise HttpError(400, {"detail": "Invalid settings option"})
    if any(key in INTERNAL_ONLY for key in body):
        raise HttpError(
            403,
            {"detail": {"message": "Passed options are only modifiable internally",
                        "code": "superuser-required"}},
        )
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, value in body.items():
        checked = boolean(value) if key in DETECTORS else _check_threshold(THRESHOLDS[key], value)
        if checked[1]:
            errors[key] = checked[1]
        else:
            values[key] = checked[0]
    if errors:
        raise Invalid(errors)
    current = effective(stored)  # the settings before this request
    for key in values:
        threshold = THRESHOLDS.get(key)
        if threshold and not detector_enabled(threshold.detector, current):
            raise HttpError(403, {"detail": "Disabled options can not be modified"})
    return values


def _check_threshold(threshold: Threshold, value: Any) -> tuple[Any, list[str]]:
    if threshold.kind is str:
        return string(int(threshold.maximum))(value)
    if threshold.kind is int:
        return integer(int(threshold.minimum), int(threshold.maximum))(value)
    value = drf_float(value)  # DRF FloatField: "0.5" and True are numbers too
    if value is None:
        return None, ["A valid number is required."]
    if value < threshold.minimum:
        return None, [f"Ensure this value is greater than or equal to {threshold.minimum}."]
    if value > threshold.maximum:
        return None, [f"Ensure this value is less than or equal to {threshold.maximum}."]
    return float(value), []
