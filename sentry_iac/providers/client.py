"""The REST client every sentry-iac dynamic provider uses to talk to Sentry."""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, NoReturn

import httpx

from sentry_iac.providers.errors import (
    SentryConnectionError,
    SentryNotFoundError,
    SentryTimeoutError,
    SentryUnexpectedResponseError,
)
from sentry_iac.providers.links import next_cursor
from sentry_iac.providers.paths import canonical_path, normalise_base_url
from sentry_iac.providers.ratelimit import RateLimit
from sentry_iac.providers.responses import describe_json, error_for_response, json_body
from sentry_iac.providers.windows import RateWindows

logger = logging.getLogger(__name__)

Json = Any
# A list value is sent as the parameter repeated (``?options=a&options=b``).
Params = Mapping[str, str | int | float | bool | list[str]]

# Sending these twice has the effect of sending them once, so retrying them is safe.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
# Raised before the request reached Sentry, so even a POST can be sent again.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
_REDACTED = "[redacted]"
_MAY_HAVE_BEEN_APPLIED = (
    "; POST is not retried because it may have been applied, so check Sentry before running again"
)


@dataclass(frozen=True)
class _Deadline:
    """When an operation must be finished, on ``time.monotonic()``; ``seconds`` for messages."""

    seconds: float
    expires_at: float

    @classmethod
    def after(cls, seconds: float) -> _Deadline:
        return cls(seconds, time.monotonic() + seconds)

    def remaining(self) -> float:
        return self.expires_at - time.monotonic()


class _OperationState(threading.local):
    """The deadline of the ``operation()`` block the current thread is in, if any."""

    def __init__(self) -> None:
        self.deadline: _Deadline | None = None


class _StillArriving(Exception):
    """The deadline passed while the body of an answer was still arriving."""


class SentryClient:
    """A small synchronous client for Sentry's REST API (``/api/0/``).

    Paths are relative to the API root (``"organizations/dbca/"`` or
    ``"/api/0/organizations/dbca/"``; a missing trailing ``/`` is added). Build paths from config
    values with :func:`sentry_iac.providers.api_path`, which percent-encodes each segment.

    Retries:

    * HTTP 429 means Sentry did not process the request, so every method (POST too) waits and
      tries again: for ``Retry-After`` when a proxy sends one (delta-seconds or HTTP-date), else
      until ``X-Sentry-Rate-Limit-Reset``, measured from the response's ``Date`` header (the
      reset is the *server's* epoch seconds, so a local clock that is ahead or behind does not
      shorten or stretch the wait; the local ``clock`` is used only without a ``Date``), ~1 s
      when neither is sent. Each wait is at most ``max_rate_limit_wait`` seconds plus jitter
      (a random part of ``max(rate_limit_jitter, wait / 4)``) so callers limited together do
      not all come back at the same instant. It keeps waiting as long as the operation's
      deadline allows, up to ``max_rate_limit_retries`` (50) waits.
    * The threads sharing a client share what Sentry said of its rate-limit windows
      (``windows.RateWindows``): once an answer says the window has nothing left, or one
      thread was refused with 429, the others wait for the next window before sending a
      request of that method, rather than each being refused in turn; and waits are measured
      on an estimate of the server's clock that every ``Date`` header sharpens.
    * GET, PUT and DELETE are retried on 5xx, timeouts and dropped connections with jittered
      exponential backoff, up to ``max_retries`` times.
    * POST is **not** retried on 5xx, timeouts or dropped connections: Sentry may already have
      created the object, and a second POST would create a duplicate. It is retried only when the
      connection could not be opened, because then nothing was sent.
    * A DELETE retried after a lost response may find the object gone; ``missing_ok=True``
      treats that 404 as done.

    Deadlines: ``timeout`` bounds each connect and each read, but an answer trickled a few bytes
    at a time, endless pages or many waits could still take hours, so every operation also has
    one overall deadline. ``with client.operation(seconds):`` sets it for the calls the current
    thread makes inside the block (the provider host shares one client between threads);
    outside any block each call (a whole ``paginate`` included) gets ``operation_timeout``
    seconds of its own. Requests, retry and rate-limit waits, every page and the reading of
    every body count against it; when it passes, :class:`SentryTimeoutError` is raised (a wait
    that would pass it is not started).

    Answers of the wrong shape: :meth:`create` requires a JSON object with an ``id``,
    :meth:`get_object` a JSON object, :meth:`paginate` lists of objects; anything else raises
    :class:`SentryUnexpectedResponseError` saying what came back (and, for a create, that the
    object may have been created), rather than a ``KeyError`` in the caller.

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
        max_rate_limit_retries: int = 50,
        rate_limit_jitter: float = 1.0,
        operation_timeout: float = 600.0,
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
        if not operation_timeout > 0:
            raise ValueError("operation_timeout must be > 0 seconds")
        self.base_url = normalise_base_url(base_url)
        self.timeout = timeout
        self.operation_timeout = operation_timeout
        self.rate_limit_jitter = rate_limit_jitter
        self._state = _OperationState()
        self._windows = RateWindows(max_rate_limit_wait)
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

    # -- deadlines ----------------------------------------------------------------------------

    @contextmanager
    def operation(self, seconds: float | None = None) -> Iterator[None]:
        """One deadline for every call the current thread makes inside the block.

        ``seconds`` defaults to ``operation_timeout``. A block inside another keeps the outer
        deadline when that is sooner. Other threads sharing the client are not affected.
        """
        budget = self.operation_timeout if seconds is None else seconds
        if not budget > 0:
            raise ValueError("an operation needs a deadline of more than 0 seconds")
        outer = self._state.deadline
        deadline = _Deadline.after(budget)
        if outer is not None and outer.expires_at <= deadline.expires_at:
            deadline = outer
        self._state.deadline = deadline
        try:
            yield
        finally:
            self._state.deadline = outer

    def _deadline(self) -> _Deadline:
        return self._state.deadline or _Deadline.after(self.operation_timeout)

    # -- public calls -------------------------------------------------------------------------

    def get(self, path: str, params: Params | None = None) -> Json:
        return self._call("GET", path, params=params)[1]

    def get_object(self, path: str, params: Params | None = None) -> dict[str, Any]:
        """GET something that must be a JSON object; anything else is
        :class:`SentryUnexpectedResponseError`."""
        response, value = self._call("GET", path, params=params)
        if not isinstance(value, dict):
            raise self._unexpected(
                "GET", path, response, value, "where an object was expected", created=False
            )
        return value

    def post(
        self, path: str, json: Json, *, field_locations: Mapping[str, str] | None = None
    ) -> Json:
        """Create something. Not retried on 5xx/timeouts: it may have been applied."""
        return self._call("POST", path, body=json, field_locations=field_locations)[1]

    def create(
        self, path: str, json: Json, *, field_locations: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        """POST that must answer the created object: a JSON object with a non-empty ``id``.

        Anything else is :class:`SentryUnexpectedResponseError`, saying the object may have
        been created (Sentry answered success), so nothing is sent again.
        """
        response, value = self._call("POST", path, body=json, field_locations=field_locations)
        if not isinstance(value, dict):
            raise self._unexpected(
                "POST", path, response, value, "where the created object was expected"
            )
        ident = value.get("id")
        if ident is None or ident == "":
            raise self._unexpected("POST", path, response, value, "", what="without an id")
        if isinstance(ident, bool) or not isinstance(ident, (str, int)):
            what = f"with an id that is {describe_json(ident)}"
            raise self._unexpected("POST", path, response, value, "", what=what)
        return value

    def put(
        self, path: str, json: Json, *, field_locations: Mapping[str, str] | None = None
    ) -> Json:
        """Update something. ``field_locations`` maps API fields (``sensitiveFields``) to
        config locations (``org.yaml:40:5 privacy.sensitive_fields``) for 400 messages."""
        return self._call("PUT", path, body=json, field_locations=field_locations)[1]

    def delete(self, path: str, *, missing_ok: bool = False, json: Json = None) -> Json:
        """DELETE, with a JSON body where the endpoint reads one (Sentry's spike-protections
        takes the projects to turn it off for)."""
        try:
            return self._call("DELETE", path, body=json)[1]
        except SentryNotFoundError:
            if missing_ok:
                return None
            raise

    def paginate(self, path: str, params: Params | None = None) -> Iterator[dict[str, Any]]:
        """Yield every item of a list endpoint, following ``Link`` cursors page by page.

        The cursor is sent back to the same path rather than following the header's URL, so
        the token only ever goes to ``base_url``. Every item must be a JSON object. Inside an
        :meth:`operation` the pages count against its deadline; outside one, the pages
        together get ``operation_timeout`` (time the caller spends between items is not
        counted), so a list whose pages never end stops with :class:`SentryTimeoutError`.
        """
        query: dict[str, str | int | float | bool | list[str]] = dict(params or {})
        seen: set[str] = set()
        spent = 0.0
        page_number = 0
        while True:
            page_number += 1
            started = time.monotonic()
            deadline = self._state.deadline or _Deadline(
                self.operation_timeout, started + self.operation_timeout - spent
            )
            context = f"page {page_number} of a paginated list"
            response = self._send("GET", path, params=query, deadline=deadline, context=context)
            spent += time.monotonic() - started
            page = self._decode(response, "GET", path)
            if not isinstance(page, list):
                raise self._unexpected(
                    "GET", path, response, page, "where a paginated list was expected",
                    created=False,
                )
            for index, item in enumerate(page):
                if not isinstance(item, dict):
                    raise self._unexpected(
                        "GET", path, response, page, "", created=False,
                        what=(
                            f"with a list whose item {index} on page {page_number} is "
                            f"{describe_json(item)} where an object was expected"
                        ),
                    )
            yield from page
            cursor = next_cursor(response.headers.get("Link"))
            if cursor is None:
                return
            if cursor in seen:
                raise SentryUnexpectedResponseError(
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
    ) -> tuple[httpx.Response, Json]:
        response = self._send(
            method,
            path,
            params=params,
            body=body,
            field_locations=field_locations,
            deadline=self._deadline(),
        )
        return response, self._decode(response, method, path)

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

    def _unexpected(
        self,
        method: str,
        path: str,
        response: httpx.Response,
        value: Json,
        expected: str,
        *,
        created: bool = True,
        what: str | None = None,
    ) -> SentryUnexpectedResponseError:
        if what is None:
            what = f"with {describe_json(value, empty_body=not response.content.strip())}"
        summary = f"Sentry answered {response.status_code} {what}"
        if expected:
            summary += f" {expected}"
        if created:
            summary += "; the object may have been created: check Sentry before running again"
        return SentryUnexpectedResponseError(
            self._redact(summary),
            method=method,
            path=canonical_path(path),
            status=response.status_code,
        )

    def _send(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: Json = None,
        field_locations: Mapping[str, str] | None = None,
        deadline: _Deadline,
        context: str | None = None,
    ) -> httpx.Response:
        """Send until success, a final error, the retry budgets run out or the deadline."""
        full_path = canonical_path(path)
        idempotent = method in IDEMPOTENT_METHODS
        attempts = failures = rate_limit_waits = 0

        def timed_out(what: str, *, maybe_applied: bool) -> SentryTimeoutError:
            where = f"{context}: " if context else ""
            summary = (
                f"Sentry did not finish answering within {deadline.seconds:g} s ({where}{what})"
            )
            if method == "POST" and maybe_applied:
                summary += _MAY_HAVE_BEEN_APPLIED
            return SentryTimeoutError(
                self._redact(summary), method=method, path=full_path, seconds=deadline.seconds
            )

        def pause(wait: float, what: str) -> None:
            if wait >= deadline.remaining():
                raise timed_out(
                    f"{what}; waiting {wait:.1f} s more would pass the deadline",
                    maybe_applied=False,
                )
            self._sleep(wait)

        while True:
            remaining = deadline.remaining()
            if remaining <= 0:
                raise timed_out(
                    "the deadline passed before the request was sent", maybe_applied=False
                )
            window = self._windows.wait_before(method, self._clock())
            if window > 0:  # another thread found this window used up
                pause(window, "waiting for Sentry's next rate-limit window")
                remaining = deadline.remaining()
            attempts += 1
            # The deadline also caps each connect and read, so a stalled socket stops with it.
            capped = remaining < self.timeout
            try:
                response = self._exchange(
                    method, full_path, params, body, min(self.timeout, remaining), deadline
                )
            except _StillArriving:
                raise timed_out(
                    f"the answer was still arriving after {attempts} attempt"
                    f"{'' if attempts == 1 else 's'}",
                    maybe_applied=True,
                ) from None
            except httpx.TransportError as exc:
                if capped and isinstance(exc, httpx.TimeoutException):
                    raise timed_out(
                        f"no complete answer to attempt {attempts}",
                        maybe_applied=not isinstance(exc, _NOT_SENT),
                    ) from exc
                retryable = idempotent or isinstance(exc, _NOT_SENT)
                if retryable and failures < self.max_retries:
                    failures += 1
                    reason = type(exc).__name__
                    pause(self._back_off(method, full_path, failures, reason), reason)
                    continue
                raise self._connection_error(method, full_path, exc, attempts) from exc
            status = response.status_code
            logger.debug("%s %s -> %s (attempt %d)", method, full_path, status, attempts)
            rate_limit = RateLimit.from_headers(response.headers)
            self._windows.observe(method, status, rate_limit, self._clock())
            if status == 429 and rate_limit_waits < self.max_rate_limit_retries:
                rate_limit_waits += 1
                self._windows.honour(method)  # this thread waits below, with its jitter
                wait = self._rate_limit_wait(method, full_path, rate_limit)
                plural = "" if rate_limit_waits == 1 else "s"
                limited = f"rate limited {rate_limit_waits} time{plural}, {rate_limit.describe()}"
                pause(wait, limited)
                continue
            if status >= 500 and idempotent and failures < self.max_retries:
                failures += 1
                reason = f"HTTP {status}"
                pause(self._back_off(method, full_path, failures, reason), reason)
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

    def _exchange(
        self,
        method: str,
        full_path: str,
        params: Params | None,
        body: Json,
        timeout: float,
        deadline: _Deadline,
    ) -> httpx.Response:
        """One request; the body is read chunk by chunk so a trickled answer meets the deadline.

        The raw (still encoded) bytes become a new ``httpx.Response``, which decodes them once.
        """
        request = self._http.build_request(
            method,
            full_path.lstrip("/").removeprefix("api/0/"),
            params=dict(params) if params else None,
            json=body if method in ("POST", "PUT") or body is not None else None,
            timeout=httpx.Timeout(timeout),
        )
        streamed = self._http.send(request, stream=True)
        try:
            expected = streamed.headers.get("Content-Length")
            chunks: list[bytes] = []
            received = 0
            for chunk in streamed.iter_raw():
                chunks.append(chunk)
                received += len(chunk)
                if time.monotonic() >= deadline.expires_at and not (
                    expected is not None and expected.isdigit() and received >= int(expected)
                ):
                    raise _StillArriving
        finally:
            streamed.close()
        return httpx.Response(
            streamed.status_code,
            headers=streamed.headers,
            content=b"".join(chunks),
            request=request,
            extensions={
                key: streamed.extensions[key]
                for key in ("http_version", "reason_phrase")
                if key in streamed.extensions
            },
        )

    def _rate_limit_wait(self, method: str, path: str, rate_limit: RateLimit) -> float:
        now = self._clock()
        base = rate_limit.seconds_until_reset(now, self.max_rate_limit_wait,
                                              server_now=self._windows.server_now(now))
        # Everyone limited in one window would otherwise come back at the same instant.
        wait = base + self._jitter() * max(self.rate_limit_jitter, base / 4)
        logger.warning(
            "rate limited on %s %s (%s); waiting %.2f s", method, path, rate_limit.describe(), wait
        )
        return wait

    def _back_off(self, method: str, path: str, failure: int, reason: str) -> float:
        ceiling = min(self.backoff_max, self.backoff_base * 2.0 ** (failure - 1))
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
        return wait

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
