"""A fake Sentry API: a real HTTP server on 127.0.0.1 that answers as Sentry does.

with FakeSentry(token="t") as fake:
    fake.org.add_project("spms-backend", environments={"production": False})
    fake.rate_limit("GET", "/api/0/projects/*", reset_in=1.0)
    fake.limit_rate("POST", "/api/0/organizations/*/dashboards/", limit=50)  # Sentry's windows
    fake.trickle("GET", "/api/0/projects/*", delay=0.05)  # a body a byte at a time
    fake.endless_pages("/api/0/organizations/dbca/projects/")  # a next cursor on every page
    ... SentryClient("t", base_url=fake.url) ...
    assert [e.status for e in fake.exchanges] == [429, 200]
"""

from __future__ import annotations

import gzip
import json
import math
import socket
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fake_sentry.faults import Fault, FaultBook
from tests.fake_sentry.pagination import link_header, page_of
from tests.fake_sentry.recording import Exchange
from tests.fake_sentry.replies import NO_PERMISSION, HttpError, Reply, not_found
from tests.fake_sentry.routes import ANY_TOKEN, ROUTES, Call, Route, resolve
from tests.fake_sentry.state import FakeOrganization
from tests.fake_sentry.validation import Invalid
from tests.fake_sentry.windowed import WindowedRateLimit

ALL_SCOPES = frozenset(
    f"{family}:{level}"
    for family in ("org", "project", "team", "member", "alerts", "event")
    for level in ("read", "write", "admin")
)
DEFAULT_BODIES = {
    410: {"detail": "This endpoint has been removed."},
    500: {"detail": "Internal Error"},
    502: {"detail": "Bad Gateway"},
    503: {"detail": "Service Unavailable"},
}


@dataclass
class _Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    raw_body: bytes
    host: str


class _Drop:
    """Close the connection without answering."""


@dataclass
class _Trickle:
    """Answer ``reply``, its body ``chunk`` bytes at a time with ``delay`` seconds between."""

    reply: Reply
    chunk: int
    delay: float


class FakeSentry:
    """Start with ``with FakeSentry(token=...) as fake`` (or ``start()``/``stop()``).

    ``org`` is the seeded organisation, ``exchanges`` every request and answer so far, and the
    fault methods arm failures for requests matching a method and an ``fnmatch`` path pattern.
    """

    def __init__(
        self,
        token: str,
        *,
        org_slug: str = "dbca",
        org_name: str | None = None,
        scopes: frozenset[str] = ALL_SCOPES,
        page_size: int = 100,
    ) -> None:
        self.token = token
        self.scopes = scopes
        self.page_size = page_size  # items per page of list endpoints, unless ?per_page= is sent
        self.org = FakeOrganization(slug=org_slug, name=org_name or org_slug)
        self.faults = FaultBook()
        self.internal_errors: list[str] = []  # bugs in the fake itself; fixtures assert none
        self.legacy_brownout = False  # True: legacy alert endpoints answer 410, as in a brownout
        self.gzip = False  # True: bodies are sent gzip-encoded to clients that accept it
        # The server's clock: the Date header, rate-limit windows and resets. Tests skew the
        # client's clock; set this only to pin the server to a fixed instant.
        self.clock: Callable[[], float] = time.time
        self._limits: list[WindowedRateLimit] = []
        self._exchanges: list[Exchange] = []
        self._lock = threading.RLock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ----------------------------------------------------------------------------

    def start(self) -> FakeSentry:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.fake = self  # type: ignore[attr-defined]
        self._server = server
        self._thread = threading.Thread(
            # stop() waits up to one poll for the loop to notice; keep that short, tests add up.
            target=server.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeSentry:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the fake Sentry is not running")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Base URL to give the client, e.g. ``http://127.0.0.1:40123/``."""
        return f"http://127.0.0.1:{self.port}/"

    @property
    def routes(self) -> tuple[Route, ...]:
        return ROUTES

    # -- recorded traffic ---------------------------------------------------------------------

    @property
    def exchanges(self) -> list[Exchange]:
        with self._lock:
            return list(self._exchanges)

    def requests(self, method: str | None = None, path: str | None = None) -> list[Exchange]:
        """Recorded exchanges, optionally filtered by method and exact path."""
        return [
            e
            for e in self.exchanges
            if (method is None or e.method == method) and (path is None or e.path == path)
        ]

    def applied(self, method: str, path: str) -> list[Exchange]:
        """Requests the endpoint carried out successfully."""
        return [e for e in self.requests(method, path) if e.applied]

    def clear_exchanges(self) -> None:
        with self._lock:
            self._exchanges.clear()

    # -- faults -------------------------------------------------------------------------------

    def rate_limit(
        self,
        method: str,
        path: str,
        *,
        times: int = 1,
        limit: int = 40,
        window: int = 1,
        reset_in: float = 1.0,
        reset_at: float | None = None,
        headers: dict[str, str] | None = None,
    ) -> Fault:
        """Answer 429 with X-Sentry-Rate-Limit-* headers (Reset = now + reset_in, or reset_at),
        plus ``headers`` (e.g. a proxy's ``Retry-After``)."""
        return self.faults.arm(
            Fault(
                "rate_limit",
                method,
                path,
                times=times,
                limit=limit,
                window=window,
                reset_in=reset_in,
                reset_at=reset_at,
                status=429,
                headers=dict(headers or {}),
            )
        )

    def fail(
        self,
        method: str,
        path: str,
        *,
        status: int = 500,
        body: Any = None,
        times: int = 1,
        headers: dict[str, str] | None = None,
    ) -> Fault:
        """Answer ``status`` (500, 410, 403...) with ``body`` or a default Sentry-like body."""
        body = DEFAULT_BODIES.get(status, {"detail": "Error"}) if body is None else body
        extra = dict(headers or {})
        fault = Fault("status", method, path, times=times, status=status, body=body, headers=extra)
        return self.faults.arm(fault)

    def gone(self, method: str, path: str, *, times: int = 1) -> Fault:
        return self.fail(method, path, status=410, times=times)

    def slow(self, method: str, path: str, *, seconds: float, times: int = 1) -> Fault:
        """Wait ``seconds``, then handle the request normally (it is applied)."""
        return self.faults.arm(Fault("slow", method, path, times=times, delay=seconds))

    def trickle(
        self, method: str, path: str, *, delay: float, chunk: int = 1, times: int = 1
    ) -> Fault:
        """Handle the request normally (it is applied), then send the answer's body ``chunk``
        bytes at a time, ``delay`` seconds apart: each read is quick, the whole answer slow."""
        fault = Fault("trickle", method, path, times=times, delay=delay, chunk=chunk)
        return self.faults.arm(fault)

    def endless_pages(self, path: str, *, delay: float = 0.0, times: int = 10**9) -> Fault:
        """Answer every GET of ``path`` with one item and a ``Link`` whose next cursor always
        advances and always says there are more results (``delay`` seconds a page)."""
        return self.faults.arm(Fault("endless_pages", "GET", path, times=times, delay=delay))

    def limit_rate(
        self, method: str, path: str, *, limit: int, window: int = 1
    ) -> WindowedRateLimit:
        """Limit matching requests to ``limit`` per ``window`` seconds as Sentry does (see
        ``windowed.py``): rate-limit headers on every answer, 429 beyond the limit."""
        rule = WindowedRateLimit(
            method, path, limit=limit, window=window, clock=lambda: self.clock()
        )
        with self._lock:
            self._limits.append(rule)
        return rule

    def vanish(self, project: str) -> None:
        """Delete ``project`` in Sentry, for now: the project list leaves it out and every
        request under it is answered 404, until ``restore`` (see FakeOrganization.vanished)."""
        with self._lock:
            self.org.vanished.add(project)

    def vanish_member(self, member_id: str) -> None:
        """Remove a member in Sentry, for now: the member and team listings leave it out and
        its own GET is answered 404 (once), until ``restore``."""
        with self._lock:
            self.org.vanished_members.add(member_id)
        self.fail("GET", f"/api/0/organizations/{self.org.slug}/members/{member_id}/",
                  status=404, times=1, body={"detail": "The requested resource does not exist"})

    def restore(self) -> None:
        with self._lock:
            self.org.vanished.clear()
            self.org.vanished_members.clear()

    def drop(self, method: str, path: str, *, times: int = 1) -> Fault:
        """Close the connection after reading the request, without answering or applying it."""
        return self.faults.arm(Fault("drop", method, path, times=times))

    # -- request handling ---------------------------------------------------------------------

    def _handle(self, request: _Request) -> Reply | _Drop | _Trickle:
        with self._lock:
            limits = [rule for rule in self._limits if rule.matches(request.method, request.path)]
        verdicts = [rule.check() for rule in limits]
        limited = next((verdict for verdict in verdicts if verdict.limited), None)
        fault = None if limited is not None else self.faults.take(request.method, request.path)
        route: Route | None = None
        body: Any = None
        outcome: Reply | _Drop | _Trickle
        try:
            if fault is not None and fault.kind in ("slow", "endless_pages"):
                time.sleep(fault.delay)  # outside the lock: other requests go on meanwhile
            if request.raw_body:
                body = json.loads(request.raw_body)
            if limited is not None:
                outcome = Reply(429, {"detail": limited.detail})
            elif fault is not None and fault.kind not in ("slow", "trickle"):
                outcome = self._fault_reply(fault, request)
            else:
                route, outcome = self._dispatch(request, body)
                if fault is not None and fault.kind == "trickle":
                    outcome = _Trickle(outcome, fault.chunk, fault.delay)
        except json.JSONDecodeError as exc:
            outcome = Reply(400, {"detail": f"JSON parse error - {exc}"})
        except Exception:
            self.internal_errors.append(traceback.format_exc())
            outcome = Reply(500, {"detail": "fake Sentry bug; see FakeSentry.internal_errors"})
        for verdict in verdicts:  # as Sentry's middleware: on every answer, limited or not
            reply = outcome.reply if isinstance(outcome, _Trickle) else outcome
            if isinstance(reply, Reply):
                reply.headers = {**reply.headers, **verdict.headers}
        self._record(request, body, outcome, route, fault, limited=limited is not None)
        return outcome

    def _fault_reply(self, fault: Fault, request: _Request) -> Reply | _Drop:
        if fault.kind == "drop":
            return _Drop()
        if fault.kind == "endless_pages":
            offset = page_of([], request.query, 1)[1]
            url = f"http://{request.host}{request.path}"
            item = {"id": str(offset + 1), "name": f"endless-{offset + 1}"}
            return Reply(200, [item], {"Link": link_header(url, offset, 1, offset + 2)})
        if fault.kind == "rate_limit":
            reset = fault.reset_at if fault.reset_at is not None else self.clock() + fault.reset_in
            text = (
                "You are attempting to use this endpoint too frequently. "
                f"Limit is {fault.limit} requests in {fault.window} seconds"
            )
            headers = {
                "X-Sentry-Rate-Limit-Limit": str(fault.limit),
                "X-Sentry-Rate-Limit-Remaining": "0",
                "X-Sentry-Rate-Limit-Reset": str(math.ceil(reset)),
                **fault.headers,
            }
            return Reply(429, {"detail": text}, headers)
        return Reply(fault.status, fault.body, dict(fault.headers))

    def _dispatch(self, request: _Request, body: Any) -> tuple[Route | None, Reply]:
        auth = request.headers.get("authorization")
        if auth is None:
            return None, Reply(401, {"detail": "Authentication credentials were not provided."})
        if auth != f"Bearer {self.token}":
            return None, Reply(401, {"detail": "Invalid token"})
        try:
            found = resolve(request.method, request.path)
        except HttpError as exc:
            return None, exc.reply
        if found is None:
            return None, not_found().reply
        route, params = found
        if ANY_TOKEN not in route.scopes and not self.scopes.intersection(route.scopes):
            return route, Reply(403, NO_PERMISSION)
        api_root = f"http://{request.host}/api/0/"
        call = Call(
            org=self.org,
            params=params,
            query=request.query,
            body=body,
            url=f"http://{request.host}{request.path}",
            api_root=api_root,
            host=request.host,
            scopes=self.scopes,
            page_size=self.page_size,
            legacy_brownout=self.legacy_brownout,
        )
        try:
            with self._lock:
                return route, route.handler(call)
        except Invalid as exc:
            return route, Reply(400, exc.errors)
        except HttpError as exc:
            return route, exc.reply

    def _record(
        self,
        request: _Request,
        body: Any,
        outcome: Reply | _Drop | _Trickle,
        route: Route | None,
        fault: Fault | None,
        *,
        limited: bool = False,
    ) -> None:
        if isinstance(outcome, _Trickle):
            outcome = outcome.reply
        reply = outcome if isinstance(outcome, Reply) else None
        exchange = Exchange(
            method=request.method,
            path=request.path,
            query=request.query,
            headers=request.headers,
            body=body,
            status=reply.status if reply else None,
            response=reply.body if reply else None,
            response_headers=dict(reply.headers) if reply else {},
            route=route.template if route else None,
            fault="windowed_rate_limit" if limited else fault.kind if fault else None,
        )
        with self._lock:
            self._exchanges.append(exchange)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "FakeSentry/1.0"
    # Headers and body go out in two writes; with Nagle's algorithm on, the body then waits
    # for the client's delayed ACK (about 40 ms a request).
    disable_nagle_algorithm = True
    _gzip = False

    def do_GET(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean; every exchange is recorded instead

    def date_time_string(self, timestamp: float | None = None) -> str:
        # The Date header every answer carries (send_response adds it), on the fake's clock.
        fake: FakeSentry = self.server.fake  # type: ignore[attr-defined]
        return super().date_time_string(fake.clock() if timestamp is None else timestamp)

    def _serve(self) -> None:
        fake: FakeSentry = self.server.fake  # type: ignore[attr-defined]
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        request = _Request(
            method=self.command,
            path=split.path,
            query=parse_qs(split.query, keep_blank_values=True),
            headers={name.lower(): value for name, value in self.headers.items()},
            raw_body=self.rfile.read(length) if length else b"",
            host=self.headers.get("Host", f"127.0.0.1:{fake.port}"),
        )
        outcome = fake._handle(request)
        self._gzip = fake.gzip and "gzip" in request.headers.get("accept-encoding", "")
        try:
            if isinstance(outcome, _Drop):
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
            elif isinstance(outcome, _Trickle):
                self._write(outcome.reply, chunk=outcome.chunk, delay=outcome.delay)
            else:
                self._write(outcome)
        except OSError:
            self.close_connection = True  # the client gave up (e.g. timed out on a slow answer)

    def _write(self, reply: Reply, *, chunk: int = 0, delay: float = 0.0) -> None:
        no_body = reply.status == 204 or reply.body is None  # e.g. 202 from legacy deletes
        payload = b"" if no_body else json.dumps(reply.body).encode()
        self.send_response(reply.status)
        if payload:
            self.send_header("Content-Type", "application/json")
        if payload and self._gzip:
            payload = gzip.compress(payload)
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not chunk:
            self.wfile.write(payload)
            return
        self.wfile.flush()
        for start in range(0, len(payload), chunk):
            time.sleep(delay)
            self.wfile.write(payload[start : start + chunk])
            self.wfile.flush()
