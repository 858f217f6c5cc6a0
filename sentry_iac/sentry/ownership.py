"""Sentry's issue owners of a project: ``GET/PUT /api/0/projects/{org}/{project}/ownership/``.

The endpoint is ``ProjectOwnershipEndpoint`` (``src/sentry/issues/endpoints/project_ownership.py``;
before 2024 ``src/sentry/api/endpoints/project_ownership.py``), its request serializer
``ProjectOwnershipRequestSerializer``, and the rules' grammar ``ownership_grammar`` in
``src/sentry/issues/ownership/grammar.py`` (before: ``src/sentry/ownership/grammar.py``):

    ownership = line*
    line      = _ (comment / rule / empty) newline?
    rule      = _ matcher owners
    matcher   = _ (("url" / "path" / "module" / "codeowners" / ~"tags.[^:]+") ":")? any_identifier
    owners    = _ owner*          owner = _ "#"? identifier
    any_identifier = quoted_identifier / ~"\\S+"       _ = " "*

A team owner is ``#slug``; a user owner is an email (lowercased when the rules are parsed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from sentry_iac.sentry.codes import inverse

# Request and answer fields (ProjectOwnershipRequestSerializer, ProjectOwnershipSerializer in
# src/sentry/api/serializers/models/projectownership.py).
RAW: Final = "raw"
FALLTHROUGH: Final = "fallthrough"
AUTO_ASSIGNMENT: Final = "autoAssignment"
CODEOWNERS_AUTO_SYNC: Final = "codeownersAutoSync"

# Our words -> the three texts ``validate_autoAssignment`` accepts ("Invalid selection." else).
AUTO_ASSIGN: dict[str, str] = {
    "issue-owners": "Auto Assign to Issue Owner",
    "suspect-commits": "Auto Assign to Suspect Commits",
    "off": "Turn off Auto-Assignment",
}
AUTO_ASSIGN_WORDS = inverse(AUTO_ASSIGN)

# What GET answers for a project that never saved ownership: an unsaved ProjectOwnership with the
# model's defaults (src/sentry/models/projectownership.py: fallthrough=True, auto_assignment=True,
# suspect_committer_auto_assignment=False, codeowners_auto_sync=True), and raw null.
DEFAULTS: dict[str, Any] = {
    RAW: "",
    FALLTHROUGH: True,
    AUTO_ASSIGNMENT: AUTO_ASSIGN["issue-owners"],
    CODEOWNERS_AUTO_SYNC: True,
}

# Matcher types the endpoint takes. ``codeowners`` is refused there ("Codeowner type paths can
# only be added by importing CODEOWNER files", _validate_no_codeowners): it is written only by
# a CODEOWNERS import, so sentry-iac never writes it.
PATH: Final = "path"
MODULE: Final = "module"
URL: Final = "url"
TAG_PREFIX: Final = "tags."
CODEOWNERS: Final = "codeowners"
MATCHER_TYPES = (PATH, MODULE, URL)

# ``raw`` may be at most this long (DEFAULT_MAX_RAW_LENGTH; organisations with the features
# ownership-size-limit-large / -xlarge get 250,000 / 750,000): "Raw needs to be <= 100000
# characters in length".
MAX_RAW_LENGTH = 100_000


def team_owner(slug: str) -> str:
    return f"#{slug}"


def quoted(pattern: str) -> str:
    """A pattern as the grammar reads it back: bare (``\\S+``) when it can be, else a
    ``quoted_identifier`` whose backslashes and quotes are escaped (``visit_quoted_identifier``
    undoes them)."""
    if pattern and " " not in pattern and not pattern.startswith('"'):
        return pattern
    return '"' + pattern.replace("\\", "\\\\").replace('"', '\\"') + '"'


def rule_line(matcher: str, pattern: str, owners: Sequence[str]) -> str:
    """One rule: ``matcher:pattern owner...`` (owners as ``#team`` or an email)."""
    return " ".join((f"{matcher}:{quoted(pattern)}", *owners))


class RuleTextError(ValueError):
    """A line of rule text that ``parse_line`` cannot read as Sentry's grammar would."""


def _pattern(rest: str) -> tuple[str, str]:
    """(pattern, what follows it) of ``rest``, the text after ``matcher:``."""
    if rest.startswith('"'):
        out, i = [], 1
        while i < len(rest):
            char = rest[i]
            if char == "\\" and i + 1 < len(rest):
                out.append(rest[i + 1])
                i += 2
                continue
            if char == '"':
                return "".join(out), rest[i + 1:]
            out.append(char)
            i += 1
    pattern, _, after = rest.partition(" ")
    return pattern, after


def parse_line(line: str) -> tuple[str, str, tuple[str, ...]] | None:
    """(matcher type, pattern, owners) of one line of rule text; None for a blank line or a
    comment. A matcher without a type is a path (``visit_matcher_tag``). Raises
    ``RuleTextError`` for what the grammar would not read (tabs, a bare ``matcher:``)."""
    text = line.strip(" ")
    if not text or text.startswith("#"):
        return None
    if any(c.isspace() and c != " " for c in text):
        raise RuleTextError(f"not one line of spaces and text: {line!r}")
    head, colon, rest = text.partition(":")
    known = head in (*MATCHER_TYPES, CODEOWNERS) or (head.startswith(TAG_PREFIX)
                                                     and len(head) > len(TAG_PREFIX))
    if not colon or not known:
        head, rest = PATH, text
    pattern, after = _pattern(rest)
    if not pattern:
        raise RuleTextError(f"a rule without a pattern: {line!r}")
    return head, pattern, tuple(after.split())
