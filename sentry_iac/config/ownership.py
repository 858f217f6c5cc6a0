"""Who owns a project's issues (Settings > Ownership Rules), in YAML.

Each rule matches events by one of a stack frame's path or module, the request URL or a tag, and
names their owners: teams and members. Sentry's rule text (``sentry_iac.sentry.ownership``) is
built from it, one rule a line. That owners have access to the project is checked across the
configuration (``config.checks.ownership``), as Sentry checks it.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, StrictBool, StringConstraints, field_validator, model_validator

from sentry_iac.config.base import SLUG_PATTERN, Strict
from sentry_iac.config.errors import InvalidValue
from sentry_iac.sentry import ownership as sentry_ownership
from sentry_iac.sentry.ownership import MAX_RAW_LENGTH, rule_line, team_owner

TeamSlug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=50)]
MemberEmail = Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
                                               max_length=75)]
AutoAssign = Literal["issue-owners", "suspect-commits", "off"]
# A tag key as Sentry's grammar reads it after "tags." (no ':'), as tags are named.
_TAG_KEY = re.compile(r"^[a-zA-Z0-9_.-]+$")


class Owner(Strict):
    """A team or a member who owns the issues a rule matches (exactly one)."""

    team: TeamSlug | None = Field(default=None, examples=["science-projects"])
    """A team declared under `teams` that has access to the project."""
    member: MemberEmail | None = Field(default=None, examples=["maintainer@example.org"])
    """A member declared under `members` who is in one of the project's teams."""

    @model_validator(mode="before")
    @classmethod
    def _email_shorthand(cls, value: Any) -> Any:
        # `owners: [maintainer@example.org]` is shorthand for `{member: ...}`.
        if isinstance(value, str):
            if "@" not in value:
                raise ValueError(f"'{value}' is neither {{team: <slug>}} nor a member's email; "
                                 f"write {{team: {value}}} for a team")
            return {"member": value}
        return value

    @model_validator(mode="after")
    def _one(self) -> Owner:
        if (self.team is None) == (self.member is None):
            raise ValueError("set exactly one of team or member")
        return self

    def text(self) -> str:
        """The owner as Sentry's rule text writes it: ``#team`` or the email."""
        return team_owner(self.team) if self.team is not None else str(self.member)


class OwnershipRule(Strict):
    """Issues whose events match one of path, module, url or tag are owned by ``owners``."""

    path: str | None = Field(default=None, min_length=1, examples=["*/backend/**"])
    """A stack frame's file name or absolute path (a glob whose * matches across /), e.g.
    */backend/** or src/components/*.tsx."""
    module: str | None = Field(default=None, min_length=1, examples=["spms.api.*"])
    """A stack frame's module (glob), e.g. spms.api.*."""
    url: str | None = Field(default=None, min_length=1, examples=["*/checkout/*"])
    """The URL of the request the event came from (glob), e.g. */checkout/*."""
    tag: dict[str, str] | None = Field(default=None, examples=[{"transaction": "/checkout/*"}])
    """One tag and the value (glob) it must have, e.g. {transaction: /checkout/*}."""
    owners: tuple[Owner, ...] = Field(min_length=1, examples=[[{"team": "science-projects"}]])
    """Who owns the matching issues: {team: <slug>} or {member: <email>} (an email alone is
    short for a member); at least one, as Sentry refuses a rule without owners."""

    @field_validator("path", "module", "url")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        if value is not None:
            _check_pattern(value)
        return value

    @field_validator("tag")
    @classmethod
    def _one_tag(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        if value is None:
            return None
        if len(value) != 1:
            raise ValueError("name exactly one tag and its value, e.g. {transaction: /checkout/*}")
        ((key, pattern),) = value.items()
        if not _TAG_KEY.match(key):
            raise InvalidValue(f"'{key}' is not a tag name (letters, digits, '_', '.', '-')",
                               "schema/pattern")
        if not pattern:
            raise ValueError(f"the value of tag '{key}' must not be empty")
        _check_pattern(pattern)
        return value

    @model_validator(mode="after")
    def _one_matcher(self) -> OwnershipRule:
        given = [k for k in ("path", "module", "url", "tag") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("set exactly one of path, module, url or tag")
        return self

    def matcher(self) -> tuple[str, str]:
        """(Sentry's matcher type, the pattern)."""
        if self.tag is not None:
            ((key, pattern),) = self.tag.items()
            return f"{sentry_ownership.TAG_PREFIX}{key}", pattern
        for kind in sentry_ownership.MATCHER_TYPES:
            pattern = getattr(self, kind)
            if pattern is not None:
                return kind, pattern
        raise AssertionError("validated: one matcher")

    def rule_text(self) -> str:
        kind, pattern = self.matcher()
        return rule_line(kind, pattern, [owner.text() for owner in self.owners])


def _check_pattern(pattern: str) -> None:
    if any(c.isspace() and c != " " for c in pattern):
        raise ValueError("a pattern must be on one line, without tabs")


class Ownership(Strict):
    """The project's ownership rules and what Sentry does with the owners they find."""

    rules: tuple[OwnershipRule, ...] | None = Field(default=None, examples=[[
        {"path": "*/backend/**", "owners": [{"team": "science-projects"}]}]])
    """The rules in order; Sentry applies every rule that matches (the last one first when it
    assigns). An empty list removes every rule. Left out: not managed."""
    fallthrough: StrictBool | None = None
    """true: when no rule matches, everyone in the project is an owner (Sentry's default);
    false: nobody is. Left out: not managed."""
    auto_assign: AutoAssign | None = None
    """Who Sentry assigns new issues to: issue-owners (the owners the rules find; Sentry's
    default), suspect-commits (the author of the suspect commit, else the owners) or off.
    Left out: not managed."""
    sync_code_owners: StrictBool | None = None
    """true: Sentry updates the project's imported CODEOWNERS rules from each release
    (Sentry's default). Left out: not managed."""

    @model_validator(mode="after")
    def _not_too_long(self) -> Ownership:
        length = len(self.rules_text() or "")
        if length > MAX_RAW_LENGTH:
            raise InvalidValue(f"the rules make {length:,} characters of Sentry's rule text; "
                               f"Sentry takes at most {MAX_RAW_LENGTH:,}", "schema/length")
        return self

    def rules_text(self) -> str | None:
        """Sentry's ``raw`` text: one rule a line, in order (None: rules not managed)."""
        if self.rules is None:
            return None
        return "\n".join(rule.rule_text() for rule in self.rules)
