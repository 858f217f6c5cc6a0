"""The token a deployment uses, checked once before anything is written.

``GET /api/0/`` (Sentry's ``IndexEndpoint``, src/sentry/api/endpoints/index.py) answers with the
calling token's scopes (``auth.scopes``). What each stack needs follows from what it manages;
Sentry checks a scope per endpoint, and a higher level of a family (admin over write over read)
covers the lower ones. Two needs no scope shows: ``require2FA`` is refused unless the token's
user has two-factor authentication, and ``defaultRole`` is silently ignored without
``org:admin`` (``organization_details.py``), so the owner stack wants a personal token of an
owner with 2FA; an organization auth token carries only ``org:ci`` (``org_auth_tokens.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sentry_iac.providers.paths import API_PREFIX

if TYPE_CHECKING:  # the HTTP client is loaded where a provider runs, not where it is declared
    from sentry_iac.providers.client import SentryClient

Need = tuple[str, str]  # (scope, what it is for)

OWNER_NEEDS: tuple[Need, ...] = (
    ("org:write", "the organisation's privacy and security settings, repositories"),
    ("team:write", "teams"),
    ("member:write", "members, their invitations and team roles"),
    ("project:write", "projects, their settings, client keys and spike protection"),
    ("alerts:write", "monitors, alerts and cron monitors"),
)
STACK_NEEDS: tuple[Need, ...] = (
    ("project:write", "the stack's client keys and dashboards"),
    ("alerts:write", "the stack's monitors and alerts"),
    ("org:read", "the deploy-time lookups of teams, integrations and members"),
)
_LEVELS = {"read": 0, "write": 1, "admin": 2}


class TokenScopeError(RuntimeError):
    """The token cannot do what the stack declares; the message says what to change."""


def covers(scopes: Iterable[str], wanted: str) -> bool:
    """Whether ``scopes`` include ``wanted`` or a higher level of its family."""
    family, _, level = wanted.partition(":")
    for scope in scopes:
        have_family, _, have_level = scope.partition(":")
        if have_family == family and _LEVELS.get(have_level, -1) >= _LEVELS[level]:
            return True
    return False


def missing(scopes: Iterable[str], needs: Sequence[Need]) -> list[Need]:
    held = list(scopes)
    return [need for need in needs if not covers(held, need[0])]


def token_scopes(client: SentryClient) -> list[str] | None:
    """The token's scopes, or None where Sentry does not say (no ``auth`` in the answer)."""
    body = client.get(API_PREFIX)
    auth = body.get("auth") if isinstance(body, dict) else None
    if not isinstance(auth, dict) or not isinstance(auth.get("scopes"), list):
        return None
    return [str(scope) for scope in auth["scopes"]]


def check_token(client: SentryClient, stack: str, *, owner: bool) -> None:
    """Raise ``TokenScopeError`` naming every scope the stack needs and the token lacks."""
    scopes = token_scopes(client)
    if scopes is None:
        return  # a Sentry that does not list scopes: each request says what it lacks
    needs = (*OWNER_NEEDS, *(n for n in STACK_NEEDS if n[0] not in dict(OWNER_NEEDS))) \
        if owner else STACK_NEEDS
    lacking = missing(scopes, needs)
    if not lacking:
        return
    listed = "; ".join(f"{scope} ({what})" for scope, what in lacking)
    hint = ("It is an organization auth token, which Sentry gives only org:ci (releases and "
            "source maps): use a personal auth token. " if set(scopes) == {"org:ci"} else "")
    who = ("a personal auth token of an owner with two-factor authentication"
           if owner else "a personal or internal-integration token with these scopes")
    raise TokenScopeError(
        f"the Sentry token cannot deploy stack '{stack}'; nothing was changed. It lacks "
        f"{listed}. {hint}This stack needs {who} (see the README's \"Tokens\" section).")
