"""Uptime monitors (``uptime:`` under a project): a site Sentry requests on a schedule, and who
is told when it stops answering.

Each stack checks its own site (staging and production are different hosts), so every stack
makes its own monitor for its environment, from ``url`` or the stack's ``url`` override. What
Sentry accepts is ``sentry_iac.sentry.uptime``'s, from Sentry's source; the words are ours.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, get_args
from urllib.parse import urlsplit

from pydantic import (
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    field_validator,
    model_validator,
)

from sentry_iac.config.alerts import AlertRule
from sentry_iac.config.base import MAX_NUMBER, SLUG_PATTERN, Strict
from sentry_iac.config.durations import format_duration, parse_duration
from sentry_iac.config.environments import EnvironmentName
from sentry_iac.config.errors import InvalidValue
from sentry_iac.sentry.uptime import (
    DEFAULT_DOWNTIME_THRESHOLD,
    DEFAULT_RECOVERY_THRESHOLD,
    INTERVAL_SECONDS,
    LEGACY_TAG,
    MAX_TIMEOUT_MS,
    MAX_URL_LENGTH,
    METHODS,
    METHODS_WITHOUT_BODY,
    MIN_TIMEOUT_MS,
)

Name = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
TeamSlug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=50)]
Method = Literal["GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS"]
assert set(get_args(Method)) == set(METHODS)  # one list of Sentry's methods

_TIMEOUT = re.compile(r"^(\d{1,9})\s*(ms|s)$")
# RFC 9110 token characters: what an HTTP header name is made of.
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
# A DNS name (labels of letters, digits and '-', not at either end), an IPv4 address, or an
# IPv6 address in brackets: the hosts Django's URLValidator (DRF's URLField) accepts, less
# the ones no uptime check can reach (a bare word without a dot is only `localhost`).
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
# Headers that carry credentials: Sentry stores uptime headers as plain text and shows them
# in its API and UI, and the YAML is committed; neither is a place for a secret.
CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
INTERVAL_WORDS = ", ".join(format_duration(s) for s in INTERVAL_SECONDS)


def interval_seconds(text: str) -> int:
    """``5m`` -> 300, one of Sentry's intervals; InvalidValue otherwise."""
    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        raise InvalidValue(str(exc), "uptime/interval") from None
    if seconds not in INTERVAL_SECONDS:
        raise InvalidValue(f"'{text}' is not an interval Sentry checks at; use one of: "
                           f"{INTERVAL_WORDS}", "uptime/interval")
    return seconds


def timeout_ms(text: str) -> int:
    """``5s`` or ``2500ms`` -> milliseconds, within Sentry's 1 to 60 seconds."""
    match = _TIMEOUT.match(text.strip())
    if not match:
        raise InvalidValue(f"'{text}' is not a timeout; write seconds or milliseconds "
                           "(e.g. 5s, 2500ms)", "uptime/timeout")
    value = int(match.group(1)) * (1000 if match.group(2) == "s" else 1)
    if not MIN_TIMEOUT_MS <= value <= MAX_TIMEOUT_MS:
        raise InvalidValue(f"must be from 1s to 60s (got {text.strip()})", "uptime/timeout")
    return value


def _host_ok(host: str, bracketed: bool) -> bool:
    if bracketed:
        return ":" in host  # an IPv6 literal; urlsplit has checked its brackets
    if _IPV4.match(host):
        return all(int(part) <= 255 for part in host.split("."))
    labels = host.rstrip(".").split(".")
    if len(labels) == 1:
        return host.lower() == "localhost"
    return all(_LABEL.match(label) for label in labels) and not labels[-1].isdigit()


def check_url(url: str) -> str:
    """An http(s) URL Sentry's ``URLField`` takes and its checker can request; InvalidValue
    naming what is wrong otherwise."""
    if len(url) > MAX_URL_LENGTH:
        raise InvalidValue(f"is longer than {MAX_URL_LENGTH} characters (Sentry's limit for "
                           "an uptime URL)", "uptime/url")
    if any(c.isspace() for c in url):
        raise InvalidValue(f"'{url}' has a space or line break; Sentry refuses it as a URL",
                           "uptime/url")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - a port that is not a number raises here
    except ValueError as exc:
        raise InvalidValue(f"'{url}' is not a URL: {exc}", "uptime/url") from None
    if parts.scheme not in ("http", "https"):
        raise InvalidValue(f"'{url}' must start with https:// or http:// (Sentry's uptime "
                           "checks make HTTP requests)", "uptime/url")
    if parts.username is not None or parts.password is not None:
        raise InvalidValue("a URL with credentials (user:password@) would put a secret in the "
                           "repository and in Sentry; uptime checks cannot carry secrets",
                           "uptime/url")
    if not parts.hostname or not _host_ok(parts.hostname, "[" in parts.netloc):
        raise InvalidValue(f"'{url}' has no host name Sentry accepts (a domain such as "
                           "example.org, an IP address, or localhost)", "uptime/url")
    return url


def check_headers(headers: dict[str, str]) -> dict[str, str]:
    for name, value in headers.items():
        if not _TOKEN.match(name):
            raise InvalidValue(f"'{name}' is not an HTTP header name (letters, digits and "
                               "!#$%&'*+-.^_`|~, no spaces)", "uptime/header")
        if name.lower() in CREDENTIAL_HEADERS:
            raise InvalidValue(f"'{name}' carries credentials; Sentry stores and shows uptime "
                               "headers as plain text and the YAML is committed, so a secret "
                               "has no place here", "uptime/header")
        if any(c in value for c in "\r\n\x00"):
            raise InvalidValue(f"the value of '{name}' has a line break or NUL, which would "
                               "end the header early", "uptime/header")
    return headers


def legacy_issue_rule(check: UptimeCheck, project: str) -> AlertRule:
    """The check's alert on the legacy backend, in the words of an issue rule, for the checks
    of what that backend can express (its channels): the project's new and regressed issues
    with the monitor's id in the ``uptime_rule`` tag (``resources.uptime`` sends the id)."""
    overrides = {stack: {k: v for k, v in o.model_dump(exclude_none=True).items()
                         if k in ("priority", "channels", "environment")}
                 for stack, o in check.environments.items()}
    return AlertRule.model_validate({
        "id": f"uptime-{check.id}", "name": check.display_name, "projects": [project],
        "priority": check.priority, "channels": list(check.channels),
        "environments": overrides, "repeat_every": "5m", "when": ["first-seen", "regression"],
        "filters": [{"tag": {"key": LEGACY_TAG, "value": "<the monitor's id>"}}]})


class UptimeOverride(Strict):
    """What differs in one stack: its site, how often, the routing, ``paused: true`` or
    ``enabled: false``."""

    enabled: StrictBool = True
    """false: this stack has no monitor for this check (one it had is released: Sentry keeps
    it, and it keeps checking; pause it first to stop that). Default true."""
    paused: StrictBool | None = None
    """true: this stack's monitor is kept but paused (Sentry checks nothing and uses no seat),
    and it has no alert; false: checking here though the check is paused elsewhere."""
    url: str | None = Field(default=None,
                            examples=["https://scienceprojects-uat.dbca.wa.gov.au/"])
    """The URL this stack checks instead of the monitor's (staging has its own site)."""
    every: str | None = Field(default=None, examples=["5m"])
    """How often this stack checks instead: 1m, 5m, 10m, 20m, 30m or 1h."""
    timeout: str | None = Field(default=None, examples=["10s"])
    """How long this stack waits for an answer instead: 1s to 60s (s or ms)."""
    priority: Name | None = Field(default=None, examples=["high"])
    """The priority used in this stack instead of the monitor's (a name under `priorities`)."""
    channels: tuple[Name, ...] | None = None
    """The extra channels in this stack instead of the monitor's (names under `channels`)."""
    environment: EnvironmentName | None = Field(default=None, examples=["uat"])
    """The environment this stack's uptime issues open in (default: the project's environment
    for the stack, else the stack's name)."""

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return check_url(value) if value is not None else None

    @field_validator("every")
    @classmethod
    def _every(cls, value: str | None) -> str | None:
        if value is not None:
            interval_seconds(value)
        return value

    @field_validator("timeout")
    @classmethod
    def _timeout(cls, value: str | None) -> str | None:
        if value is not None:
            timeout_ms(value)
        return value


class UptimeCheck(Strict):
    """One site of a project that Sentry requests on a schedule; failed checks in a row open an
    issue (at high priority) that is routed by `priority` like an alert rule."""

    id: Name = Field(examples=["site"])
    """The check's identity in its project: renaming `name` never replaces the monitor."""
    name: str | None = Field(default=None, min_length=1, max_length=128,
                             examples=["SPMS website"])
    """The monitor's name in Sentry, at most 128 characters, followed there by the stack's
    environment: "SPMS website [production]" (default: the id)."""
    url: str = Field(examples=["https://scienceprojects.dbca.wa.gov.au/"])
    """The URL requested: http:// or https://, at most 255 characters, no credentials. A
    stack with another site says so with `environments: {<stack>: {url: ...}}`."""
    every: str = Field(default="1m", examples=["1m", "5m"])
    """How often Sentry checks: 1m, 5m, 10m, 20m, 30m or 1h (default 1m)."""
    timeout: str = Field(default="5s", examples=["5s", "2500ms"])
    """How long a check waits for an answer: 1s to 60s, in s or ms (default 5s)."""
    method: Method = "GET"
    """The HTTP method: GET, POST, HEAD, PUT, DELETE, PATCH or OPTIONS (default GET)."""
    headers: dict[str, str] = Field(default_factory=dict,
                                    examples=[{"Accept": "text/html"}])
    """Headers sent with each check, name -> value, in order. Sentry keeps them as plain
    text: no credentials (Authorization, Cookie are refused)."""
    body: str | None = None
    """The request body, for POST, PUT, PATCH or DELETE (Sentry offers none for GET, HEAD or
    OPTIONS)."""
    failure_threshold: StrictInt = Field(default=DEFAULT_DOWNTIME_THRESHOLD, ge=1,
                                         le=MAX_NUMBER)
    """Failed checks in a row before the site counts as down and an issue opens (default 3,
    Sentry's)."""
    recovery_threshold: StrictInt = Field(default=DEFAULT_RECOVERY_THRESHOLD, ge=1,
                                          le=MAX_NUMBER)
    """Good checks in a row before the issue resolves (default 1, Sentry's)."""
    owner: TeamSlug | None = Field(default=None, examples=["science-projects"])
    """The team that owns the monitor and its issues (default: the project's first team)."""
    priority: Name = Field(examples=["critical"])
    """Who is told when the site is down, and again when it is back: a priority, whose
    channels are given per stack."""
    channels: tuple[Name, ...] = ()
    """Extra channels told besides the priority's (names under `channels`)."""
    environments: dict[Name, UptimeOverride] = Field(
        default_factory=dict,
        examples=[{"staging": {"url": "https://scienceprojects-uat.dbca.wa.gov.au/",
                               "priority": "high"}}])
    """What differs per stack (stack name -> override): url, every, timeout, paused, enabled,
    priority, channels, environment."""
    paused: StrictBool = False
    """true: every stack's monitor is kept but paused (Sentry checks nothing, uses no seat and
    tells no one), e.g. for a maintenance window; a stack may say otherwise (default false)."""
    delete_when_removed: StrictBool = False
    """Removing the check from the YAML releases its monitors and their check history,
    unless this reviewed opt-in says to delete them (default false)."""

    @property
    def display_name(self) -> str:
        return self.name or self.id

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        return check_url(value)

    @field_validator("every")
    @classmethod
    def _every(cls, value: str) -> str:
        interval_seconds(value)
        return value

    @field_validator("timeout")
    @classmethod
    def _timeout(cls, value: str) -> str:
        timeout_ms(value)
        return value

    @field_validator("headers")
    @classmethod
    def _headers(cls, value: dict[str, str]) -> dict[str, str]:
        return check_headers(value)

    @property
    def sent_body(self) -> str | None:
        """The body as Sentry keeps it: its ``CharField`` trims surrounding whitespace (a `|`
        block's last line break)."""
        return self.body.strip() if self.body is not None else None

    @model_validator(mode="after")
    def _body(self) -> UptimeCheck:
        if self.body is not None and not self.body.strip():
            raise InvalidValue("@body: an empty body, which Sentry refuses; remove body:",
                               "uptime/body")
        if self.body is not None and self.method in METHODS_WITHOUT_BODY:
            raise InvalidValue(f"@body: a {self.method} request carries no body (Sentry offers "
                               "a body only for POST, PUT, PATCH and DELETE); set method: or "
                               "remove body:", "uptime/body")
        return self
