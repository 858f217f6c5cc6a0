"""Pulumi dynamic providers for what pulumiverse_sentry lacks, and the REST client they share."""

from sentry_iac.providers.client import SentryClient
from sentry_iac.providers.errors import (
    SentryApiError,
    SentryAuthenticationError,
    SentryConnectionError,
    SentryGoneError,
    SentryNotFoundError,
    SentryPermissionError,
    SentryRateLimitError,
    SentryRedirectError,
    SentryServerError,
    SentryTimeoutError,
    SentryUnexpectedResponseError,
    SentryValidationError,
)
from sentry_iac.providers.paths import api_path
from sentry_iac.providers.ratelimit import RateLimit

__all__ = [
    "RateLimit",
    "SentryApiError",
    "SentryAuthenticationError",
    "SentryClient",
    "SentryConnectionError",
    "SentryGoneError",
    "SentryNotFoundError",
    "SentryPermissionError",
    "SentryRateLimitError",
    "SentryRedirectError",
    "SentryServerError",
    "SentryTimeoutError",
    "SentryUnexpectedResponseError",
    "SentryValidationError",
    "api_path",
]
