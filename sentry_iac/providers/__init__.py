"""Pulumi dynamic providers for what pulumiverse_sentry lacks, and the REST client they share.

The client and its errors are loaded on first use (``__getattr__``): declaring resources, as
``validate`` does, needs the providers' classes but never their HTTP client (httpx alone was a
tenth of ``validate``'s start-up).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_HOMES = {
    "SentryClient": "client", "api_path": "paths", "RateLimit": "ratelimit",
    **{name: "errors" for name in (
        "SentryApiError", "SentryAuthenticationError", "SentryConnectionError",
        "SentryGoneError", "SentryNotFoundError", "SentryPermissionError",
        "SentryRateLimitError", "SentryRedirectError", "SentryServerError",
        "SentryTimeoutError", "SentryUnexpectedResponseError", "SentryValidationError")},
}

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
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
