"""The organisation as declared in ``org.yaml`` and ``alerts/*.yaml``: immutable, strict models.

Unknown keys are errors and nothing here talks to Pulumi or Sentry; cross-references between
objects (a project's team, a priority's channel) are checked in ``crossref``.
"""

from __future__ import annotations

from functools import cached_property
from typing import Annotated, Any, Literal

from pydantic import (
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StringConstraints,
    field_validator,
    model_validator,
)

from sentry_iac.config.alerts import Routes
from sentry_iac.config.base import SLUG_PATTERN, FormatVersion, Strict
from sentry_iac.config.crons import Cron
from sentry_iac.config.dashboards import Dashboard
from sentry_iac.config.environments import EnvironmentName
from sentry_iac.config.errors import InvalidValue
from sentry_iac.config.fingerprinting import FingerprintRule
from sentry_iac.config.performance import PerformanceIssues
from sentry_iac.config.platforms import RESERVED_PROJECT_SLUGS, SENTRY_PLATFORMS
from sentry_iac.config.privacy import Privacy, ProjectPrivacy
from sentry_iac.config.repositories import CodeMapping, Integrations, Repository
from sentry_iac.config.retention import Plan, Retention
from sentry_iac.config.security import Security

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=50)]
ProjectSlug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=100)]
# A name that other entries refer to (channels, priorities, stacks).
Name = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Email = Annotated[
    str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=75)
]

OrgRole = Literal["member", "admin", "manager", "owner", "billing"]
TeamRole = Literal["contributor", "admin"]


class Team(Strict):
    slug: Slug
    name: str | None = Field(default=None, max_length=64)
    # Lifecycle, as for projects: earlier slugs (renames update in place), and the reviewed
    # opt-in to delete the team from Sentry when it is removed from the YAML.
    previous_slugs: tuple[Slug, ...] = ()
    delete_when_removed: StrictBool = False

    @property
    def display_name(self) -> str:
        return self.name or self.slug


class MemberTeam(Strict):
    """A member's place in a team; ``role`` is the team role (contributor or admin)."""

    team: Slug
    role: TeamRole = "contributor"


class Member(Strict):
    email: Email
    role: OrgRole = "member"
    teams: tuple[MemberTeam, ...] = ()
    # Removing a member from the YAML releases it (Sentry keeps the membership) unless this
    # reviewed opt-in says to remove them from the organisation.
    delete_when_removed: StrictBool = False

    @field_validator("teams", mode="before")
    @classmethod
    def _team_shorthand(cls, value: Any) -> Any:
        # `teams: [science-projects]` is shorthand for `{team: science-projects}`.
        if isinstance(value, list):
            return [{"team": item} if isinstance(item, str) else item for item in value]
        return value


class Digests(Strict):
    """How long Sentry batches notifications for a project, in seconds (Sentry: 60-3600)."""

    min_delay: StrictInt = Field(default=300, ge=60, le=3600)
    max_delay: StrictInt = Field(default=1800, ge=60, le=3600)

    @model_validator(mode="after")
    def _min_not_above_max(self) -> Digests:
        if self.min_delay > self.max_delay:
            raise ValueError(
                f"min_delay ({self.min_delay}) must not be greater than max_delay "
                f"({self.max_delay})"
            )
        return self


class Project(Strict):
    slug: ProjectSlug
    name: str | None = Field(default=None, min_length=1, max_length=200)
    platform: str | None = None
    teams: tuple[Slug, ...] = Field(min_length=1)
    resolve_age: StrictInt | None = Field(default=None, ge=0, le=720 * 12)
    digests: Digests | None = None
    # stack name -> the environment name this project's events carry in that stack.
    environments: dict[Name, EnvironmentName] = Field(default_factory=dict)
    privacy: ProjectPrivacy | None = None
    fingerprinting: tuple[FingerprintRule, ...] | None = None
    performance_issues: PerformanceIssues | None = None
    # Environments hidden in Sentry's UI and filters (Sentry has no API to create them).
    hidden_environments: tuple[EnvironmentName, ...] | None = None
    # Stack-trace frames -> files in a declared repository (owner stack).
    code_mappings: tuple[CodeMapping, ...] = ()
    # Scheduled tasks that check in with Sentry's Crons (see config.crons).
    crons: tuple[Cron, ...] = ()
    # Lifecycle. By default nothing is ever deleted from Sentry: removing a project from the
    # YAML (or destroying a stack) releases it from management and keeps all its events.
    # previous_slugs records renames, so a new slug updates the project instead of replacing it.
    previous_slugs: tuple[ProjectSlug, ...] = ()
    # The reviewed opt-in: removing the project from the YAML then deletes it and its events.
    delete_when_removed: StrictBool = False

    @field_validator("slug")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in RESERVED_PROJECT_SLUGS:
            raise ValueError(f"the slug '{value}' is reserved by Sentry and not allowed")
        return value

    @field_validator("platform")
    @classmethod
    def _known_platform(cls, value: str | None) -> str | None:
        if value is not None and value not in SENTRY_PLATFORMS:
            close = _similar(value, SENTRY_PLATFORMS)
            hint = f" (did you mean {close}?)" if close else ""
            raise InvalidValue(f"unknown platform '{value}'{hint}; Sentry accepts its platform ids "
                               "such as python-django, javascript-react, node, other",
                               "schema/unknown-name")
        return value

    @property
    def display_name(self) -> str:
        return self.name or self.slug

    def environment_for(self, stack: str) -> str:
        """The Sentry environment name this project uses in ``stack`` (default: the stack)."""
        return self.environments.get(stack, stack)


class EmailChannel(Strict):
    """Email a team, one member, or the issue's owners (exactly one)."""

    team: Slug | None = None
    member: Email | None = None
    issue_owners: StrictBool = False

    @model_validator(mode="after")
    def _one_target(self) -> EmailChannel:
        chosen = [k for k in ("team", "member") if getattr(self, k) is not None]
        if self.issue_owners:
            chosen.append("issue_owners")
        if len(chosen) != 1:
            raise ValueError("set exactly one of team, member or issue_owners: true")
        return self


class MsTeamsChannel(Strict):
    team: str = Field(min_length=1)
    channel: str = Field(min_length=1)


class SlackChannel(Strict):
    workspace: str = Field(min_length=1)
    channel: Annotated[str, StringConstraints(pattern=r"^[#@].+")]


class PagerDutyChannel(Strict):
    service: str = Field(min_length=1)
    severity: Literal["default", "critical", "warning", "error", "info"] = "default"
    # Only the legacy alerts backend needs it: the retired API takes the service's id in
    # Sentry's PagerDuty integration, which no data source can look up.
    service_id: str | None = None


class OpsgenieChannel(Strict):
    team: str = Field(min_length=1)
    priority: Literal["P1", "P2", "P3", "P4", "P5"] = "P3"


class DiscordChannel(Strict):
    server: str = Field(min_length=1)
    channel_id: str = Field(min_length=1)


class GitHubChannel(Strict):
    repo: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")]
    labels: tuple[str, ...] = ()


CHANNEL_KINDS = ("email", "msteams", "slack", "pagerduty", "opsgenie", "discord", "github")


# Channel kinds that page someone (and open incidents that should be resolved).
PAGING_KINDS = frozenset({"pagerduty", "opsgenie"})


class Channel(Strict):
    """A named destination for notifications; resolved to a Sentry integration at deploy time."""

    email: EmailChannel | None = None
    msteams: MsTeamsChannel | None = None
    slack: SlackChannel | None = None
    pagerduty: PagerDutyChannel | None = None
    opsgenie: OpsgenieChannel | None = None
    discord: DiscordChannel | None = None
    github: GitHubChannel | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Channel:
        kinds = [k for k in CHANNEL_KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            found = f" (found {', '.join(kinds)})" if kinds else ""
            raise ValueError(f"a channel has exactly one kind: {', '.join(CHANNEL_KINDS)}{found}")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in CHANNEL_KINDS if getattr(self, k) is not None)


class Priority(Strict):
    """Who is told, per stack: every key but ``respond`` names a stack and lists channels."""

    model_config = ConfigDict(extra="allow", frozen=True, strict=False, regex_engine="rust-regex")
    __pydantic_extra__: dict[Name, tuple[Name, ...]] = Field(init=False)

    respond: str | None = Field(default=None, description="expected response time (documentation)")

    @property
    def routes(self) -> dict[str, tuple[str, ...]]:
        return dict(self.__pydantic_extra__ or {})


class Policies(Strict):
    """Rules the policy checks enforce (``sentry-iac validate`` and the CrossGuard pack)."""

    # Members allowed the owner role; anyone else declared as owner is a violation.
    allowed_owners: tuple[Email, ...] = ()
    # Environments where every project must have a critical rule that pages someone.
    paging_environments: tuple[EnvironmentName, ...] = ("production",)


class Organization(Strict):
    """The whole of ``org.yaml``."""

    version: FormatVersion
    organization: Slug
    owner_stack: Name = "production"
    # The stack that owned the organisation until now, while ownership is handed over (see the
    # README's "Handing over ownership"); a change of owner_stack without it is refused.
    previous_owner_stack: Name | None = None
    # The organisation's Sentry plan: what it allows is checked offline (config.plans).
    plan: Plan | None = None
    teams: tuple[Team, ...] = ()
    members: tuple[Member, ...] = ()
    projects: tuple[Project, ...] = ()
    channels: dict[Name, Channel] = Field(default_factory=dict)
    priorities: dict[Name, Priority] = Field(default_factory=dict)
    privacy: Privacy | None = None
    retention: Retention | None = None
    policies: Policies | None = None
    security: Security | None = None
    integrations: Integrations | None = None
    repositories: tuple[Repository, ...] = ()
    # One dashboard per project and stack (see config.dashboards).
    dashboards: tuple[Dashboard, ...] = ()

    @cached_property
    def routes(self) -> Routes:
        """Priority -> stack -> the channels it notifies there: the one place this mapping is
        built. Cached, as the model is frozen; a read-only mapping, as it is shared."""
        return {name: priority.routes for name, priority in self.priorities.items()}

    @model_validator(mode="after")
    def _handover(self) -> Organization:
        if self.previous_owner_stack is not None and self.previous_owner_stack == self.owner_stack:
            raise ValueError("@previous_owner_stack: the previous owner is owner_stack itself; "
                             "remove previous_owner_stack once the hand-over is done")
        return self


def _similar(value: str, choices: frozenset[str]) -> str | None:
    import difflib

    match = difflib.get_close_matches(value, sorted(choices), n=1, cutoff=0.75)
    return match[0] if match else None


