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
    """N+1 database queries are detected when the repeated queries take at least this long in
    all, in milliseconds."""
    n_plus_one_db_count: StrictInt | None = None
    """N+1 database queries are detected when a query repeats at least this many times."""
    slow_db_query_ms: StrictInt | None = Field(default=None, examples=[1000])
    """A slow database query is detected when it takes at least this long, in milliseconds."""
    render_blocking_fcp_ratio: StrictFloat | None = None
    """A large render-blocking asset is detected when it takes at least this fraction of the
    page's first contentful paint (a ratio, e.g. 0.33)."""
    large_http_payload_bytes: StrictInt | None = None
    """A large HTTP payload is detected when a response is at least this big, in bytes."""
    db_on_main_thread_ms: StrictInt | None = None
    """A database query on the main thread (mobile apps) is detected when it blocks the thread
    at least this long, in milliseconds."""
    file_io_on_main_thread_ms: StrictInt | None = None
    """File I/O on the main thread (mobile apps) is detected when it blocks the thread at least
    this long, in milliseconds."""
    uncompressed_asset_ms: StrictInt | None = None
    """An uncompressed asset is detected when it takes at least this long to load, in
    milliseconds."""
    uncompressed_asset_bytes: StrictInt | None = None
    """An uncompressed asset is detected when it is at least this big, in bytes."""
    consecutive_db_min_time_saved_ms: StrictInt | None = None
    """Consecutive database queries are detected when running them in parallel would save at
    least this long, in milliseconds."""
    n_plus_one_api_calls_total_ms: StrictInt | None = None
    """N+1 API calls are detected when the repeated calls take at least this long in all, in
    milliseconds."""
    consecutive_http_min_time_saved_ms: StrictInt | None = None
    """Consecutive HTTP requests are detected when running them in parallel would save at least
    this long, in milliseconds."""
    http_request_delay_ms: StrictInt | None = None
    """HTTP overhead is detected when requests wait at least this long for a connection
    (HTTP/1.1 queueing), in milliseconds."""
    detect: dict[str, StrictBool] = Field(
        default_factory=dict, examples=[{"slow_db_queries": True, "n_plus_one_db_queries": True}])
    """Detectors switched on (true) or off (false) by name, e.g. slow_db_queries: true;
    detectors left out are not managed. Every detector is on by default except
    db_query_injection."""

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
