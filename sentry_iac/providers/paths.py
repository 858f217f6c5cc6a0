"""Base URL normalisation and API path building."""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit, urlunsplit

API_PREFIX = "/api/0/"


def normalise_base_url(base_url: str) -> str:
    """Return the API root (ending in ``/api/0/``) for a Sentry host URL.

    Accepts ``https://sentry.io``, region hosts such as ``https://us.sentry.io/`` and self-hosted
    URLs (also below a sub-path), each with or without a trailing ``/api/`` or ``/api/0/``.
    """
    parts = urlsplit(base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"base_url must be an http(s) URL such as https://sentry.io/, got {base_url!r}"
        )
    if "@" in parts.netloc:
        # Never echo the URL here: it holds credentials.
        raise ValueError("base_url must not contain credentials; pass the token separately")
    if parts.query or parts.fragment:
        raise ValueError(f"base_url must not have a query or fragment, got {base_url!r}")
    path = parts.path.rstrip("/")
    for suffix in ("/api/0", "/api"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    return urlunsplit((parts.scheme, parts.netloc, path + API_PREFIX, "", ""))


def api_path(*segments: str) -> str:
    """Build ``/api/0/<segments>/`` with each segment percent-encoded.

    Environment names and slugs come from config, so a space or ``#`` must not change the path.
    """
    if not segments:
        raise ValueError("api_path needs at least one segment")
    return API_PREFIX + "/".join(quote(segment, safe="") for segment in segments) + "/"


def canonical_path(path: str) -> str:
    """Return ``/api/0/.../`` for a path given with or without the API prefix.

    Sentry's routes end in ``/``; without it Django answers a redirect (or 404 for writes).
    """
    if "?" in path or "#" in path:
        raise ValueError(f"pass query parameters separately, not in the path: {path!r}")
    if path.strip("/") == API_PREFIX.strip("/"):
        return API_PREFIX  # the API's index (who the token is, its scopes)
    relative = path.lstrip("/")
    if relative.startswith(API_PREFIX.lstrip("/")):
        relative = relative[len(API_PREFIX) - 1 :]
    if not relative:
        raise ValueError("path must name an API resource, e.g. 'organizations/my-org/'")
    if not relative.endswith("/"):
        relative += "/"
    return API_PREFIX + relative


def path_segments(path: str) -> list[str]:
    """Decoded segments after ``/api/0/`` of a canonical path."""
    relative = path[len(API_PREFIX) :] if path.startswith(API_PREFIX) else path.lstrip("/")
    return [unquote(segment) for segment in relative.strip("/").split("/") if segment]
