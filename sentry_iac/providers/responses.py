"""Turn an unsuccessful Sentry response into the matching SentryApiError."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from sentry_iac.providers.errors import (
    SentryApiError,
    SentryAuthenticationError,
    SentryGoneError,
    SentryNotFoundError,
    SentryPermissionError,
    SentryRateLimitError,
    SentryRedirectError,
    SentryServerError,
    SentryValidationError,
)
from sentry_iac.providers.objects import describe_missing
from sentry_iac.providers.paths import path_segments
from sentry_iac.providers.ratelimit import RateLimit
from sentry_iac.providers.scopes import describe_scopes, required_scopes

Redact = Callable[[str], str]
_SNIPPET = 200
# DRF's wording for errors that are not about one field.
_NON_FIELD_KEYS = ("nonFieldErrors", "non_field_errors")


def json_body(response: httpx.Response) -> tuple[Any, bool]:
    """The decoded body and whether it was JSON (an empty body counts as JSON ``None``)."""
    if not response.content.strip():
        return None, True
    try:
        return response.json(), True
    except ValueError:
        return None, False


def _text_snippet(response: httpx.Response) -> str:
    text = " ".join(response.text.split())
    return text if len(text) <= _SNIPPET else text[:_SNIPPET] + "..."


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping) and isinstance(value.get("message"), str):
        return str(value["message"])
    return json.dumps(value, sort_keys=True)


def _flatten(value: Any, prefix: str, out: dict[str, list[str]]) -> None:
    # Sentry nests errors like the payload: {"triggers": [{"label": ["..."]}]}.
    if isinstance(value, Mapping):
        for key, item in value.items():
            _flatten(item, f"{prefix}.{key}" if prefix else str(key), out)
    elif isinstance(value, list) and any(isinstance(item, (Mapping, list)) for item in value):
        for index, item in enumerate(value):
            if item:
                _flatten(item, f"{prefix}.{index}" if prefix else str(index), out)
    elif isinstance(value, list):
        out.setdefault(prefix, []).extend(_as_text(item) for item in value)
    elif value is not None:
        out.setdefault(prefix, []).append(_as_text(value))


def parse_error_body(body: Any) -> tuple[str | None, dict[str, list[str]]]:
    """Split Sentry's error body into ``detail`` and ``{field: [messages]}``."""
    if isinstance(body, Mapping):
        detail = _as_text(body["detail"]) if "detail" in body else None
        fields: dict[str, list[str]] = {}
        _flatten({k: v for k, v in body.items() if k != "detail"}, "", fields)
        for key in _NON_FIELD_KEYS:
            if key in fields and detail is None:
                detail = "; ".join(fields.pop(key))
        return detail, fields
    if isinstance(body, list):
        return "; ".join(_as_text(item) for item in body), {}
    if isinstance(body, str):
        return body, {}
    return None, {}


def error_for_response(
    *,
    method: str,
    path: str,
    response: httpx.Response,
    attempts: int,
    rate_limit_waits: int,
    field_locations: Mapping[str, str] | None,
    redact: Redact,
) -> SentryApiError:
    """The error for a final (not retried) response with status >= 300."""
    status = response.status_code
    body, is_json = json_body(response)
    if is_json:
        detail, fields = parse_error_body(body)
    else:
        detail, fields = _text_snippet(response) or None, {}
    detail = redact(detail) if detail else None
    fields = {key: [redact(message) for message in messages] for key, messages in fields.items()}
    common: dict[str, Any] = {"method": method, "path": path, "status": status, "detail": detail}
    segments = path_segments(path)

    if 300 <= status < 400:
        location = redact(response.headers.get("Location", "an unknown location"))
        return SentryRedirectError(
            f"Sentry redirected the request to {location}; redirects are not followed, "
            "so set base_url to the host and path Sentry names",
            **common,
        )
    if status == 400:
        return SentryValidationError(
            "Sentry rejected the request",
            field_errors=fields,
            field_locations=field_locations,
            **common,
        )
    if status == 401:
        return SentryAuthenticationError(
            "authentication failed: the token is missing, expired or revoked", **common
        )
    if status == 403:
        scopes = required_scopes(method, segments)
        return SentryPermissionError(
            f"permission denied: the token needs the {describe_scopes(scopes)} scope",
            scopes=scopes,
            **common,
        )
    if status == 404:
        return SentryNotFoundError(describe_missing(segments), **common)
    if status == 410:
        return SentryGoneError(
            "Sentry has retired this endpoint (410 Gone); its replacement API must be used",
            **common,
        )
    if status == 429:
        rate_limit = RateLimit.from_headers(response.headers)
        return SentryRateLimitError(
            f"rate limited by Sentry ({rate_limit.describe()}); "
            f"still limited after {rate_limit_waits} waits",
            rate_limit=rate_limit,
            **common,
        )
    if status >= 500:
        if method == "POST":
            summary = (
                "Sentry server error; POST is not retried because it may have been applied, "
                "so check Sentry before running again"
            )
        else:
            summary = f"Sentry server error after {attempts} attempts"
        return SentryServerError(summary, field_errors=fields, **common)
    return SentryApiError("Sentry refused the request", field_errors=fields, **common)


def describe_json(value: Any, *, empty_body: bool = False) -> str:
    """What a JSON value is, for a person: ``a list of 3 items``, ``the string 'ok'``."""
    if empty_body:
        return "an empty body"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        text = value if len(value) <= 60 else value[:60] + "..."
        return f"the string {text!r}"
    if isinstance(value, list):
        return f"a list of {len(value)} item{'' if len(value) == 1 else 's'}"
    if isinstance(value, Mapping):
        if not value:
            return "an empty object"
        keys = sorted(str(key) for key in value)
        shown = ", ".join(keys[:8]) + (", ..." if len(keys) > 8 else "")
        return f"an object with keys {shown}"
    return type(value).__name__
