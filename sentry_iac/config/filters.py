"""Inbound data filters of a project (Settings > Inbound Filters): events Sentry drops before
storing them (they count against no quota).

Only the declared filters are managed; a filter left out keeps whatever Sentry has, so leaving
one out never turns it off. Sentry's filter ids and option names are
``sentry_iac.sentry.filters``.
"""

from __future__ import annotations

import ipaddress
from typing import Literal

from pydantic import Field, StrictBool, field_validator

from sentry_iac.config.base import Strict
from sentry_iac.config.errors import InvalidValue

LegacyBrowser = Literal["internet-explorer", "edge", "safari", "firefox", "chrome", "opera",
                        "android", "opera-mini"]


class InboundFilters(Strict):
    """Which events Sentry drops for this project; each filter left out is not managed."""

    browser_extensions: StrictBool | None = None
    """Drop errors known to be caused by browser extensions (Sentry's default: off)."""
    localhost: StrictBool | None = None
    """Drop events sent from localhost, 127.0.0.1 or ::1 (Sentry's default: off)."""
    web_crawlers: StrictBool | None = None
    """Drop events from known web crawlers and bots (Sentry's default for new projects: off)."""
    health_checks: StrictBool | None = None
    """Drop transactions of health-check and ping endpoints, e.g. /health, /ping (Sentry's
    default: on)."""
    legacy_browsers: StrictBool | tuple[LegacyBrowser, ...] | None = Field(
        default=None, examples=[["internet-explorer", "safari", "opera-mini"]])
    """Drop errors from old browsers: true for Sentry's default set, false for none, or the
    browsers whose old versions to drop: internet-explorer (11 and older), edge (110 and
    older), safari (15), firefox (110), chrome (110), opera (99), android (3), opera-mini
    (34)."""
    react_hydration_errors: StrictBool | None = None
    """Drop React's hydration errors (minified errors 418-425), which name no component
    (Sentry's default: on)."""
    chunk_load_errors: StrictBool | None = None
    """Drop webpack/Turbopack ChunkLoadErrors, typically seen right after a deploy (Sentry's
    default: on)."""
    error_messages: tuple[str, ...] | None = Field(
        default=None, examples=[["ResizeObserver loop limit exceeded", "*ConnectionResetError*"]])
    """Drop errors whose message matches one of these globs (* wildcards); Sentry's Business
    and Enterprise plans only. An empty list removes them all."""
    releases: tuple[str, ...] | None = Field(default=None, examples=[["*-dev", "1.0.0-beta*"]])
    """Drop events of releases that match one of these globs, in lower case as Sentry stores
    them; Business and Enterprise plans only. An empty list removes them all."""
    ip_addresses: tuple[str, ...] | None = Field(default=None,
                                                 examples=[["10.0.0.1", "192.168.0.0/16"]])
    """Drop events sent from these IP addresses or networks (CIDR), in lower case. An empty list
    removes them all."""

    @field_validator("legacy_browsers")
    @classmethod
    def _some_browsers(cls, value: bool | tuple[str, ...] | None
                       ) -> bool | tuple[str, ...] | None:
        if isinstance(value, tuple):
            if not value:
                raise ValueError("name at least one browser, or write false to drop none")
            if len(set(value)) != len(value):
                raise ValueError("a browser is listed twice")
        return value

    @field_validator("error_messages", "releases", "ip_addresses")
    @classmethod
    def _as_stored(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        # Sentry stores each line stripped, drops empty ones, and lowercases releases and
        # addresses (clean_newline_inputs): anything else would read back different, forever.
        for entry in value or ():
            if not entry.strip() or "\n" in entry or "\r" in entry:
                raise ValueError("every entry must be one line of text")
            if entry != entry.strip():
                raise ValueError(f"'{entry}': Sentry strips spaces around an entry; "
                                 "leave them out")
        if value is not None and len(set(value)) != len(value):
            raise ValueError("an entry is listed twice")
        return value

    @field_validator("releases", "ip_addresses")
    @classmethod
    def _lower_case(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        for entry in value or ():
            if entry != entry.lower():
                raise InvalidValue(f"'{entry}': Sentry stores it in lower case, as "
                                   f"'{entry.lower()}'; write it so", "schema/invalid")
        return value

    @field_validator("ip_addresses")
    @classmethod
    def _addresses(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        for entry in value or ():
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                raise InvalidValue(f"'{entry}' is not an IP address or a network such as "
                                   "10.0.0.0/8", "schema/invalid") from None
        return value
