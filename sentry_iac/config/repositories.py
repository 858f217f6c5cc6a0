"""Links from Sentry to the code: GitHub repositories and per-project code mappings.

A code mapping turns the path of a stack-trace frame into a file in the repository: Sentry
replaces the ``stack_root`` prefix of the frame's path with ``source_root``. Paths that can never
produce a file in the repository are rejected here, with the reason.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, Field, StringConstraints, field_validator, model_validator

from sentry_iac.config.base import Strict

# The same pattern as a GitHub channel's repo, so the message reads "a GitHub repository as
# owner/name".
GitHubRepo = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")]
IntegrationName = Annotated[str, StringConstraints(min_length=1)]

# Sentry's rule for a code mapping's default branch (organization_code_mappings.py).
_BRANCH = re.compile(r"^(?!/)[\w./-]+(?<!/)$")


def _check_path(value: str) -> str:
    """What Sentry and matching need of both roots."""
    if re.search(r"[\s'\"]", value):
        raise ValueError(f"'{value}' has a space or quotation mark, which Sentry refuses in paths")
    if "\\" in value:
        raise ValueError(f"'{value}' uses '\\'; write folders with '/', as Sentry compares "
                         "paths with '/'")
    return value


def _check_source_root(value: str) -> str:
    if value.startswith("/"):
        raise ValueError(f"'{value}' is absolute; source_root is a folder inside the repository, "
                         f"relative to its top (e.g. '{value.lstrip('/')}')")
    dots = next((part for part in value.split("/") if part in (".", "..")), None)
    if dots:
        raise ValueError(f"'{value}' has a '{dots}' part; source_root is a folder inside the "
                         "repository, written from its top (e.g. 'frontend/src/')")
    return value


StackRoot = Annotated[str, AfterValidator(_check_path)]
SourceRoot = Annotated[str, AfterValidator(_check_path), AfterValidator(_check_source_root)]


class Integrations(Strict):
    """Integrations installed in Sentry (Settings > Integrations), by the name Sentry shows."""

    github: IntegrationName | None = Field(default=None, examples=["dbca-wa"])
    """The GitHub integration's name in Sentry (Settings > Integrations), usually the GitHub
    organisation; repositories use it unless they name another."""


class Repository(Strict):
    """A GitHub repository Sentry reads commits and files from."""

    name: GitHubRepo = Field(examples=["dbca-wa/science-projects"])
    """The repository as owner/name."""
    integration: IntegrationName | None = None
    """The GitHub integration's name in Sentry (default: integrations.github)."""

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        # `repositories: [dbca-wa/science-projects]` is shorthand for `{name: ...}`.
        return {"name": value} if isinstance(value, str) else value


class CodeMapping(Strict):
    """Stack-trace frames under ``stack_root`` are files under ``source_root`` in
    ``repository`` (on ``branch`` when a release names no commit)."""

    repository: GitHubRepo = Field(examples=["dbca-wa/science-projects"])
    """A repository declared under `repositories`, as owner/name."""
    branch: str = "main"
    """The branch whose files are linked when a release names no commit (default main)."""
    stack_root: StackRoot = Field(examples=["/usr/src/app/backend/"])
    """The start of frame paths, as events report them; Sentry replaces it with source_root.
    No spaces, quotation marks or '\\'."""
    source_root: SourceRoot = Field(examples=["backend/"])
    """The matching folder in the repository, written from its top (not absolute, no '.' or
    '..' parts); it ends with '/' when stack_root does."""

    @field_validator("branch")
    @classmethod
    def _branch(cls, value: str) -> str:
        if not _BRANCH.match(value):
            raise ValueError(f"'{value}' is not a branch name Sentry accepts: letters, digits, "
                             "'_', '.', '/' and '-', not starting or ending with '/'")
        return value

    @model_validator(mode="after")
    def _roots_fit(self) -> CodeMapping:
        problem = roots_problem(self.stack_root, self.source_root)
        if problem:
            raise ValueError(problem)
        return self


def roots_problem(stack_root: str, source_root: str) -> str | None:
    """Why swapping ``stack_root`` for ``source_root`` would garble paths, or None.

    Sentry swaps one prefix for the other as text, so both must end with '/' or neither; an
    empty root goes with one that ends with '/'.
    """
    stack_slash, source_slash = stack_root.endswith("/"), source_root.endswith("/")
    fits = (
        (stack_root and source_root and stack_slash == source_slash)
        or (not stack_root and (not source_root or source_slash))
        or (not source_root and stack_slash)
    )
    if fits:
        return None
    frame = stack_root + ("" if stack_slash or not stack_root else "/") + "views.py"
    garbled = source_root + frame[len(stack_root):]
    return (f"stack_root '{stack_root}' and source_root '{source_root}' do not fit: Sentry "
            f"swaps one prefix for the other, so the frame '{frame}' would become '{garbled}'; "
            "end both with '/' (an empty root goes with one that ends with '/')")
