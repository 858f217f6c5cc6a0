"""Performance-issue detection thresholds of a project (Settings > Performance).

Names say the unit; ranges and Sentry's options are ``sentry_iac.sentry.performance``. Only the
declared settings are managed.
"""

from __future__ import annotations

from pydantic import Field, StrictBool, StrictFloat, StrictInt, ValidationInfo, field_validator

from sentry_iac.config.base import Strict
from sentry_iac.config.errors import InvalidValue
from sentry_iac.sentry.performance import DETECTORS, THRESHOLDS


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
