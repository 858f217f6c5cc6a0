"""Pulumi dynamic providers for what pulumiverse_sentry lacks, and the REST client they share.

The client is loaded on first use (``__getattr__``): declaring resources, as ``validate`` does,
needs the providers' classes but never their HTTP client (httpx alone was a tenth of
``validate``'s start-up). Its errors, paths and rate limits import nothing heavy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from sentry_iac.providers.client import SentryClient

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


def __getattr__(name: str) -> Any:
    if name != "SentryClient":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return importlib.import_module(f"{__name__}.client").SentryClient
