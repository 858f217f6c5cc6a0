"""Sentry's performance-issue detection of a project (``performance-issues/configure``):
threshold options with their ranges and defaults, and the detector switches.

Ranges are Sentry's (``project_performance_issue_settings.py``); defaults are its system
options.
"""

from __future__ import annotations

from typing import Any

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
THRESHOLD_DEFAULTS: dict[str, Any] = {
    "n_plus_one_db_duration_threshold": 50,
    "n_plus_one_db_count": 5,
    "slow_db_query_duration_threshold": 500,
    "render_blocking_fcp_ratio": 0.33,
    "large_http_payload_size_threshold": 300000,
    "db_on_main_thread_duration_threshold": 16,
    "file_io_on_main_thread_duration_threshold": 16,
    "uncompressed_asset_duration_threshold": 300,
    "uncompressed_asset_size_threshold": 512000,
    "consecutive_db_min_time_saved_threshold": 100,
    "n_plus_one_api_calls_total_duration_threshold": 300,
    "consecutive_http_spans_min_time_saved_threshold": 2000,
    "http_request_delay_threshold": 500,
}

# Detector switches: the detector's name (ours too) -> Sentry's option.
DETECTORS: dict[str, str] = {
    name: f"{name}_detection_enabled" for name in (
        "uncompressed_assets", "consecutive_http_spans", "large_http_payload",
        "n_plus_one_db_queries", "n_plus_one_api_calls", "db_on_main_thread",
        "file_io_on_main_thread", "consecutive_db_queries", "large_render_blocking_asset",
        "slow_db_queries", "http_overhead", "db_query_injection",
    )
}
# Every detector is on by default except query injection.
DETECTOR_DEFAULTS: dict[str, Any] = {
    option: name != "db_query_injection" for name, option in DETECTORS.items()}

# The detector whose switch guards each threshold: Sentry refuses to change a threshold while
# its detector is off (project_performance_issue_settings.py).
THRESHOLD_DETECTOR = {
    "n_plus_one_db_duration_threshold": "n_plus_one_db_queries",
    "n_plus_one_db_count": "n_plus_one_db_queries",
    "slow_db_query_duration_threshold": "slow_db_queries",
    "render_blocking_fcp_ratio": "large_render_blocking_asset",
    "large_http_payload_size_threshold": "large_http_payload",
    "db_on_main_thread_duration_threshold": "db_on_main_thread",
    "file_io_on_main_thread_duration_threshold": "file_io_on_main_thread",
    "uncompressed_asset_duration_threshold": "uncompressed_assets",
    "uncompressed_asset_size_threshold": "uncompressed_assets",
    "consecutive_db_min_time_saved_threshold": "consecutive_db_queries",
    "n_plus_one_api_calls_total_duration_threshold": "n_plus_one_api_calls",
    "consecutive_http_spans_min_time_saved_threshold": "consecutive_http_spans",
    "http_request_delay_threshold": "http_overhead",
}
