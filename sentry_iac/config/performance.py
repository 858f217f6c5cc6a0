"""Performance-issue detection thresholds of a project (Settings > Performance).

Names say the unit; ranges are Sentry's (``project_performance_issue_settings.py``). Only the
declared settings are managed.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, StrictBool, StrictFloat, StrictInt, ValidationInfo, field_validator

from sentry_iac.config.base import Strict
from sentry_iac.config.errors import InvalidValue

# our name -> (Sentry's option, minimum, maximum)
THRESHOLDS: dict[str, tuple[str, float, float]] = {
    "n_plus_one_db_duration_ms": ("n_plus_one_db_duration_threshold", 50, 10000),
    "n_plus_one_db_count": ("n_plus_one_db_count", 5, 100),
    "slow_db_query_ms": ("slow_db_query_duration_threshold", 100, 10000),
    "render_blocking_fcp_ratio": ("render_blocking_fcp_ratio", 0.20, 0.95),
    "large_http_payload_bytes": ("large_http_payload_size_threshold", 100000, 10000000),
    "db_on_main_thread_ms": ("db_on_main_thread_duration_threshold", 10, 50),
    "file_io_on_main_thread_ms": ("file_io_on_main_thread_duration_threshold", 10, 50),
    "uncompressed_asset_ms": ("uncompressed_asset_duration_threshold", 100, 10000),
    "uncompressed_asset_bytes": ("uncompressed_asset_size_threshold", 100000, 10000000),
    "consecutive_db_min_time_saved_ms": ("consecutive_db_min_time_saved_threshold", 50, 5000),
    "n_plus_one_api_calls_total_ms": ("n_plus_one_api_calls_total_duration_threshold",
                                      100, 10000),
    "consecutive_http_min_time_saved_ms": ("consecutive_http_spans_min_time_saved_threshold",
                                           1000, 10000),
    "http_request_delay_ms": ("http_request_delay_threshold", 200, 10000),
}
# Detector switches: our name -> Sentry's option.
DETECTORS: dict[str, str] = {
    name: f"{name}_detection_enabled" for name in (
        "uncompressed_assets", "consecutive_http_spans", "large_http_payload",
        "n_plus_one_db_queries", "n_plus_one_api_calls", "db_on_main_thread",
        "file_io_on_main_thread", "consecutive_db_queries", "large_render_blocking_asset",
        "slow_db_queries", "http_overhead", "db_query_injection",
    )
}


class PerformanceIssues(Strict):
    """Thresholds for performance-issue detection; ``detect`` switches detectors on or off."""

    n_plus_one_db_duration_ms: StrictInt | None = None
    n_plus_one_db_count: StrictInt | None = None
    slow_db_query_ms: StrictInt | None = None
    render_blocking_fcp_ratio: StrictFloat | None = None
    large_http_payload_bytes: StrictInt | None = None
    db_on_main_thread_ms: StrictInt | None = None
    file_io_on_main_thread_ms: StrictInt | None = None
    uncompressed_asset_ms: StrictInt | None = None
    uncompressed_asset_bytes: StrictInt | None = None
    consecutive_db_min_time_saved_ms: StrictInt | None = None
    n_plus_one_api_calls_total_ms: StrictInt | None = None
    consecutive_http_min_time_saved_ms: StrictInt | None = None
    http_request_delay_ms: StrictInt | None = None
    detect: dict[str, StrictBool] = Field(default_factory=dict)

    @field_validator(*THRESHOLDS)
    @classmethod
    def _in_range(cls, value: float | None, info: ValidationInfo) -> float | None:
        _, low, high = THRESHOLDS[str(info.field_name)]
        if value is not None and not low <= value <= high:
            raise InvalidValue(f"must be between {low:g} and {high:g} (got {value:g})",
                               "schema/range")
        return value

    @field_validator("detect")
    @classmethod
    def _known_detectors(cls, value: dict[str, bool]) -> dict[str, bool]:
        unknown = sorted(set(value) - set(DETECTORS))
        if unknown:
            raise InvalidValue(f"unknown detector '{unknown[0]}' (known: "
                               f"{', '.join(sorted(DETECTORS))})", "schema/unknown-name")
        return value

    def api_fields(self) -> dict[str, Any]:
        """Sentry's option names for the declared settings."""
        out: dict[str, Any] = {}
        for name, (option, _, _) in THRESHOLDS.items():
            value = getattr(self, name)
            if value is not None:
                out[option] = value
        for name, enabled in self.detect.items():
            out[DETECTORS[name]] = enabled
        return out
