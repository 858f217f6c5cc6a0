"""Errors from Sentry's API, worded so a person knows what to change.

SentryApiError
  SentryValidationError          400: Sentry rejected values (names the config location)
  SentryAuthenticationError      401
  SentryPermissionError          403: names the token scope needed
  SentryNotFoundError            404
  SentryGoneError                410: Sentry retired the endpoint
  SentryRateLimitError           429 after every allowed wait
  SentryServerError              5xx after the allowed retries (at once for POST)
  SentryRedirectError            3xx: base_url points at the wrong place
  SentryUnexpectedResponseError  2xx of another shape than the endpoint's (no id, not an object)
  SentryConnectionError          no usable response: refused, dropped, timed out, not JSON
    SentryTimeoutError           the operation's deadline passed before Sentry finished
"""

from __future__ import annotations

from collections.abc import Mapping

from sentry_iac.providers.ratelimit import RateLimit


class SentryApiError(Exception):
    """A Sentry API call failed.

    ``status`` is the HTTP status (None when no response arrived), ``detail`` Sentry's own
    message, ``field_errors`` maps an API field (dotted for nested fields) to its messages.
    """

    def __init__(
        self,
        summary: str,
        *,
        method: str,
        path: str,
        status: int | None,
        detail: str | None = None,
        field_errors: Mapping[str, list[str]] | None = None,
    ) -> None:
        self.summary = summary
        self.method = method
        self.path = path
        self.status = status
        self.detail = detail
        self.field_errors: dict[str, list[str]] = dict(field_errors or {})
        super().__init__(self._message())

    def _where(self) -> str:
        if self.status is None:
            return f"{self.method} {self.path}"
        answer = f"{self.method} {self.path} answered {self.status}"
        return f"{answer}: {self.detail}" if self.detail else answer

    def _message(self) -> str:
        return f"{self.summary} ({self._where()})"

    def __reduce__(self) -> tuple[object, ...]:
        # Exceptions cross process boundaries in Pulumi; keep them picklable with keyword args.
        return (_rebuild, (type(self), self.__dict__))


def _rebuild(cls: type[SentryApiError], state: dict[str, object]) -> SentryApiError:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    Exception.__init__(error, error._message())
    return error


class SentryValidationError(SentryApiError):
    """HTTP 400: Sentry rejected values. ``field_locations`` maps API fields to config places."""

    def __init__(
        self,
        summary: str,
        *,
        method: str,
        path: str,
        status: int | None = 400,
        detail: str | None = None,
        field_errors: Mapping[str, list[str]] | None = None,
        field_locations: Mapping[str, str] | None = None,
    ) -> None:
        self.field_locations: dict[str, str] = dict(field_locations or {})
        super().__init__(
            summary,
            method=method,
            path=path,
            status=status,
            detail=detail,
            field_errors=field_errors,
        )

    def with_locations(self, field_locations: Mapping[str, str]) -> SentryValidationError:
        """The same error, naming config locations (e.g. ``org.yaml:40:5 privacy.x``)."""
        return SentryValidationError(
            self.summary,
            method=self.method,
            path=self.path,
            status=self.status,
            detail=self.detail,
            field_errors=self.field_errors,
            field_locations={**self.field_locations, **field_locations},
        )

    def _message(self) -> str:
        head = f"{self.summary} ({self._where()})"
        if not self.field_errors:
            return head
        lines = format_field_errors(self.field_errors, self.field_locations)
        return head + ":\n" + "\n".join(f"  - {line}" for line in lines)


class SentryAuthenticationError(SentryApiError):
    """HTTP 401."""


class SentryPermissionError(SentryApiError):
    """HTTP 403; ``scopes`` lists token scopes that would allow the call."""

    def __init__(
        self,
        summary: str,
        *,
        method: str,
        path: str,
        scopes: tuple[str, ...],
        status: int | None = 403,
        detail: str | None = None,
    ) -> None:
        self.scopes = scopes
        super().__init__(summary, method=method, path=path, status=status, detail=detail)


class SentryNotFoundError(SentryApiError):
    """HTTP 404."""


class SentryGoneError(SentryApiError):
    """HTTP 410: Sentry retired the endpoint."""


class SentryRateLimitError(SentryApiError):
    """HTTP 429 after every allowed wait."""

    def __init__(
        self,
        summary: str,
        *,
        method: str,
        path: str,
        rate_limit: RateLimit,
        status: int | None = 429,
        detail: str | None = None,
    ) -> None:
        self.rate_limit = rate_limit
        super().__init__(summary, method=method, path=path, status=status, detail=detail)


class SentryServerError(SentryApiError):
    """HTTP 5xx after the allowed retries (or at once for POST)."""


class SentryRedirectError(SentryApiError):
    """HTTP 3xx: the base URL points at the wrong host or path. Redirects are not followed."""


class SentryConnectionError(SentryApiError):
    """No usable response: timeout, refused or dropped connection, or a body that is not JSON."""


class SentryTimeoutError(SentryConnectionError):
    """The operation's deadline passed: answers trickled in, pages kept coming, or the rate
    limit, retries and waits together took longer than allowed. ``seconds`` is the deadline."""

    def __init__(
        self,
        summary: str,
        *,
        method: str,
        path: str,
        seconds: float,
        status: int | None = None,
        detail: str | None = None,
    ) -> None:
        self.seconds = seconds
        super().__init__(summary, method=method, path=path, status=status, detail=detail)


class SentryUnexpectedResponseError(SentryApiError):
    """A successful status whose JSON is not what the endpoint returns: a 201 without an
    ``id``, a list or a string where an object belongs, a list item that is not an object.
    The summary says what came back; ``status`` is the (successful) HTTP status."""

    def _where(self) -> str:
        return f"{self.method} {self.path}"


def locate(field: str, field_locations: Mapping[str, str]) -> str | None:
    """Location of ``field`` or of its closest parent (``triggers`` covers ``triggers.0.label``)."""
    parts = field.split(".")
    while parts:
        location = field_locations.get(".".join(parts))
        if location is not None:
            return location
        parts.pop()
    return None


def format_field_errors(
    field_errors: Mapping[str, list[str]], field_locations: Mapping[str, str]
) -> list[str]:
    """One line per message: ``<config location> (<api field>): <message>``."""
    lines: list[str] = []
    for field, messages in field_errors.items():
        location = locate(field, field_locations)
        where = f"{location} ({field})" if location else field
        lines.extend(f"{where}: {message}" for message in messages)
    return lines
