"""The REST client every sentry-iac dynamic provider uses to talk to Sentry."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any, NoReturn

import httpx

from sentry_iac.providers.errors import (
    SentryApiError,
    SentryConnectionError,
    SentryNotFoundError,
)
from sentry_iac.providers.links import next_cursor
from sentry_iac.providers.paths import canonical_path, normalise_base_url
from sentry_iac.providers.ratelimit import RateLimit
from sentry_iac.providers.responses import error_for_response, json_body

logger = logging.getLogger(__name__)

Json = Any
Params = Mapping[str, str | int | float | bool]

# Sending these twice has the effect of sending them once, so retrying them is safe.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# Raised before the request reached Sentry, so even a POST can be sent again.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_REDACTED = "[redacted]"


class SentryClient:
    """A small synchronous client for Sentry's REST API (``/api/0/``).

    Paths are relative to the API root (``"organizations/dbca/"`` or
    ``"/api/0/organizations/dbca/"``; a missing trailing ``/`` is added). Build paths from config
    values with :func:`sentry_iac.providers.api_path`, which percent-encodes each segment.

    Retries:

    * HTTP 429 means Sentry did not process the request, so every method waits until
      ``X-Sentry-Rate-Limit-Reset`` (Sentry sends no ``Retry-After``; at most
      ``max_rate_limit_wait`` seconds per wait, ~1 s when the header is missing) and tries again,
      up to ``max_rate_limit_retries`` times.
    * GET, PUT and DELETE are retried on 5xx, timeouts and dropped connections with jittered
      exponential backoff, up to ``max_retries`` times.
    * POST is **not** retried on 5xx, timeouts or dropped connections: Sentry may already have
      created the object, and a second POST would create a duplicate. It is retried only when the
      connection could not be opened, because then nothing was sent.
    * A DELETE retried after a lost response may find the object gone; ``missing_ok=True``
      treats that 404 as done.

    Redirects are never followed: the token must not travel to a host the config did not name.

    The token is sent as a bearer header and is kept out of ``repr()``, log records and error
    messages. The client refuses to be pickled: Pulumi pickles dynamic providers into its state,
    so a provider must build its client at run time (e.g. in ``configure``), never hold one.
    """

    def __init__(
        self,
        token: str,
        base_url: str = "https://sentry.io/",
        *,
        timeout: float = 30.0,
        max_retries: int = 3,
        max_rate_limit_wait: float = 60.0,
        max_rate_limit_retries: int = 5,
        backoff_base: float = 0.5,
        backoff_max: float = 8.0,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        jitter: Callable[[], float] = random.random,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if not token or not token.strip():
            raise ValueError("a Sentry auth token is required")
        if max_retries < 0 or max_rate_limit_retries < 0:
            raise ValueError("retry counts must be >= 0")
        self.base_url = normalise_base_url(base_url)
        self.max_retries = max_retries
        self.max_rate_limit_wait = max_rate_limit_wait
        self.max_rate_limit_retries = max_rate_limit_retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self._token = token
        # httpx masks the Authorization header in its own reprs.
        self._http = httpx.Client(
            base_url=self.base_url,
            headers={
                "Authorization": f"Bearer {token}",
                "Accept": "application/json",
                "User-Agent": "sentry-iac",
            },
            timeout=httpx.Timeout(timeout),
            follow_redirects=False,
            transport=transport,
        )

    def __repr__(self) -> str:
        return f"SentryClient(base_url={self.base_url!r})"

    def __reduce__(self) -> NoReturn:
        raise TypeError(
            "SentryClient cannot be pickled: it holds the Sentry auth token, which must not end "
            "up in Pulumi state. Create the client when the provider runs (e.g. in configure())."
        )

    def __getstate__(self) -> NoReturn:
        self.__reduce__()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SentryClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- public calls -------------------------------------------------------------------------

    def get(self, path: str, params: Params | None = None) -> Json:
        return self._call("GET", path, params=params)

    def post(
        self, path: str, json: Json, *, field_locations: Mapping[str, str] | None = None
    ) -> Json:
        """Create something. Not retried on 5xx/timeouts: it may have been applied."""
        return self._call("POST", path, body=json, field_locations=field_locations)

    def put(
        self, path: str, json: Json, *, field_locations: Mapping[str, str] | None = None
    ) -> Json:
        """Update something. ``field_locations`` maps API fields (``sensitiveFields``) to
        config locations (``org.yaml:40:5 privacy.sensitive_fields``) for 400 messages."""
        return self._call("PUT", path, body=json, field_locations=field_locations)

    def delete(self, path: str, *, missing_ok: bool = False) -> Json:
        try:
            return self._call("DELETE", path)
        except SentryNotFoundError:
            if missing_ok:
                return None
            raise

    def paginate(self, path: str, params: Params | None = None) -> Iterator[Json]:
        """Yield every item of a list endpoint, following ``Link`` cursors page by page.

        The cursor is sent back to the same path rather than following the header's URL, so
        the token only ever goes to ``base_url``.
        """
        query: dict[str, str | int | float | bool] = dict(params or {})
        seen: set[str] = set()
        while True:
            response = self._send("GET", path, params=query)
            page = self._decode(response, "GET", path)
            if not isinstance(page, list):
                raise SentryApiError(
                    "expected a list from a paginated endpoint",
                    method="GET",
                    path=canonical_path(path),
                    status=response.status_code,
                )
            yield from page
            cursor = next_cursor(response.headers.get("Link"))
            if cursor is None:
                return
            if cursor in seen:
                raise SentryApiError(
                    f"pagination did not advance (cursor {cursor!r} repeated)",
                    method="GET",
                    path=canonical_path(path),
                    status=response.status_code,
                )
            seen.add(cursor)
            query["cursor"] = cursor

    # -- transport ----------------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: Json = None,
        field_locations: Mapping[str, str] | None = None,
    ) -> Json:
        response = self._send(
            method, path, params=params, body=body, field_locations=field_locations
        )
        return self._decode(response, method, path)

    def _decode(self, response: httpx.Response, method: str, path: str) -> Json:
        value, is_json = json_body(response)
        if not is_json:
            raise SentryConnectionError(
                "Sentry answered with a body that is not JSON; check base_url points at the "
                f"Sentry API (content type {response.headers.get('Content-Type', 'unknown')})",
                method=method,
                path=canonical_path(path),
                status=response.status_code,
            )
        return value

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: Json = None,
        field_locations: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send until success, a final error, or the retry budgets run out."""
        full_path = canonical_path(path)
        idempotent = method in IDEMPOTENT_METHODS
        attempts = failures = rate_limit_waits = 0
        while True:
            attempts += 1
            try:
                response = self._http.request(
                    method,
                    full_path.lstrip("/").removeprefix("api/0/"),
                    params=dict(params) if params else None,
                    json=body if method in ("POST", "PUT") else None,
                )
            except httpx.TransportError as exc:
                retryable = idempotent or isinstance(exc, _NOT_SENT)
                if retryable and failures < self.max_retries:
                    failures += 1
                    self._back_off(method, full_path, failures, type(exc).__name__)
                    continue
                raise self._connection_error(method, full_path, exc, attempts) from exc
            status = response.status_code
            logger.debug("%s %s -> %s (attempt %d)", method, full_path, status, attempts)
            if status == 429 and rate_limit_waits < self.max_rate_limit_retries:
                rate_limit_waits += 1
                self._wait_for_rate_limit(method, full_path, response)
                continue
            if status >= 500 and idempotent and failures < self.max_retries:
                failures += 1
                self._back_off(method, full_path, failures, f"HTTP {status}")
                continue
            if status >= 300:
                raise error_for_response(
                    method=method,
                    path=full_path,
                    response=response,
                    attempts=attempts,
                    rate_limit_waits=rate_limit_waits,
                    field_locations=field_locations,
                    redact=self._redact,
                )
            return response

    def _wait_for_rate_limit(self, method: str, path: str, response: httpx.Response) -> None:
        rate_limit = RateLimit.from_headers(response.headers)
        wait = rate_limit.seconds_until_reset(self._clock(), self.max_rate_limit_wait)
        logger.warning(
            "rate limited on %s %s (%s); waiting %.2f s", method, path, rate_limit.describe(), wait
        )
        self._sleep(wait)

    def _back_off(self, method: str, path: str, failure: int, reason: str) -> None:
        ceiling = min(self.backoff_max, self.backoff_base * 2 ** (failure - 1))
        # Full jitter between half and all of the ceiling spreads concurrent retries.
        wait = ceiling * (0.5 + self._jitter() / 2)
        logger.warning(
            "%s %s failed (%s); retry %d of %d in %.2f s",
            method,
            path,
            reason,
            failure,
            self.max_retries,
            wait,
        )
        self._sleep(wait)

    def _connection_error(
        self, method: str, path: str, exc: httpx.TransportError, attempts: int
    ) -> SentryConnectionError:
        if isinstance(exc, httpx.TimeoutException):
            what = "timed out"
        else:
            what = f"connection failed ({self._redact(str(exc)) or type(exc).__name__})"
        if method in IDEMPOTENT_METHODS or isinstance(exc, _NOT_SENT):
            summary = f"could not reach Sentry at {self.base_url}: {what} after {attempts} attempts"
        else:
            summary = (
                f"Sentry did not answer: {what}; POST is not retried because it may have been "
                "applied, so check Sentry before running again"
            )
        return SentryConnectionError(summary, method=method, path=path, status=None)

    def _redact(self, text: str) -> str:
        return text.replace(self._token, _REDACTED) if self._token in text else text
