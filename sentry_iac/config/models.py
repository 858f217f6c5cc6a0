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
from sentry_iac.config.filters import InboundFilters
from sentry_iac.config.fingerprinting import FingerprintRule
from sentry_iac.config.ownership import Ownership
from sentry_iac.config.performance import PerformanceIssues
from sentry_iac.config.platforms import RESERVED_PROJECT_SLUGS, SENTRY_PLATFORMS
from sentry_iac.config.privacy import Privacy, ProjectPrivacy
from sentry_iac.config.quotas import RateLimit, SpikeNotifications
from sentry_iac.config.repositories import CodeMapping, Integrations, Repository
from sentry_iac.config.retention import Plan, Retention
from sentry_iac.config.security import Security
from sentry_iac.config.uptime import UptimeCheck

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
    """A team: members belong to teams, and teams have access to projects."""

    slug: Slug = Field(examples=["science-projects"])
    """The team's identity in Sentry: lowercase letters, digits, '-' and '_' (not only digits),
    at most 50 characters."""
    name: str | None = Field(default=None, max_length=64, examples=["Science Projects"])
    """The display name, at most 64 characters (default: the slug)."""
    # Lifecycle, as for projects.
    previous_slugs: tuple[Slug, ...] = ()
    """Earlier slugs of this team: renaming the slug then updates the team in place instead of
    replacing it."""
    delete_when_removed: StrictBool = False
    """The reviewed opt-in to delete the team from Sentry when it is removed from the YAML
    (default false: it is only released from management)."""
    priorities: dict[Name, Priority] = Field(
        default_factory=dict, examples=[{"critical": {"production": ["payments-on-call"]}}])
    """The team's own routing, in the shape of the organisation's `priorities`: a priority
    declared there -> stack -> channels. For the projects the team owns (the first of a
    project's `teams`, or a rule's `team:`), each stack given here replaces the
    organisation's channels for that priority; stacks left out keep the organisation's."""

    @property
    def display_name(self) -> str:
        return self.name or self.slug


class MemberTeam(Strict):
    """A member's place in a team; ``role`` is the team role (contributor or admin)."""

    team: Slug = Field(examples=["science-projects"])
    """The slug of a team declared under `teams`."""
    role: TeamRole = "contributor"
    """The member's role in that team: contributor or admin. Written, it is applied and kept
    (Business and Enterprise plans have team roles); left out, Sentry keeps the member's team
    role as it is (a new member starts as contributor)."""

    @property
    def declared_role(self) -> str | None:
        """The team role the YAML spells out, or None: then it is not managed."""
        return self.role if "role" in self.model_fields_set else None


class Member(Strict):
    """A person in the organisation, invited by email."""

    email: Email = Field(examples=["maintainer@example.org"])
    """The member's email address: their identity, and where the invitation goes."""
    role: OrgRole = "member"
    """The organisation role: member (default), admin, manager, owner or billing."""
    teams: tuple[MemberTeam, ...] = ()
    """The teams the member belongs to: a team slug, or `{team, role}` with role contributor or
    admin."""
    delete_when_removed: StrictBool = False
    """Removing a member from the YAML releases them (Sentry keeps the membership) unless this
    reviewed opt-in says to remove them from the organisation (default false)."""

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
    """The shortest time Sentry waits before sending a digest, in seconds: 60-3600, at most
    max_delay (default 300)."""
    max_delay: StrictInt = Field(default=1800, ge=60, le=3600)
    """The longest time Sentry batches notifications before sending them, in seconds: 60-3600
    (default 1800)."""

    @model_validator(mode="after")
    def _min_not_above_max(self) -> Digests:
        if self.min_delay > self.max_delay:
            raise ValueError(
                f"min_delay ({self.min_delay}) must not be greater than max_delay "
                f"({self.max_delay})"
            )
        return self


class Project(Strict):
    """A Sentry project: one application or service that sends events."""

    slug: ProjectSlug = Field(examples=["spms-frontend"])
    """The project's identity: lowercase letters, digits, '-' and '_' (not only digits), at
    most 100 characters. Changing it replaces the project unless the old slug is listed in
    previous_slugs."""
    name: str | None = Field(default=None, min_length=1, max_length=200,
                             examples=["SPMS Frontend"])
    """The display name, at most 200 characters (default: the slug); renaming it updates the
    project in place."""
    platform: str | None = Field(default=None, examples=["python-django", "javascript-react"])
    """The project's platform, one of Sentry's platform ids (checked offline)."""
    teams: tuple[Slug, ...] = Field(min_length=1, examples=[["science-projects"]])
    """The teams with access to the project (slugs declared under `teams`); at least one."""
    resolve_age: StrictInt | None = Field(default=None, ge=0, le=720 * 12, examples=[720])
    """Hours until an issue that is no longer seen resolves itself: 0 (never) to 8640. Left
    out: not managed."""
    digests: Digests | None = None
    """How long Sentry batches notifications for this project, in seconds (60-3600). Left out:
    not managed."""
    environments: dict[Name, EnvironmentName] = Field(default_factory=dict,
                                                      examples=[{"staging": "test"}])
    """Stack name -> the Sentry environment name this project's events carry in that stack
    (default: the stack's name)."""
    privacy: ProjectPrivacy | None = None
    """The project's data scrubbing: the organisation's keys, plus advanced scrubbing rules.
    Left out: not managed."""
    fingerprinting: tuple[FingerprintRule, ...] | None = None
    """Server-side fingerprinting rules that decide how events group into issues, in order.
    Left out: not managed."""
    performance_issues: PerformanceIssues | None = None
    """Thresholds and switches of performance-issue detection (Settings > Performance). Left
    out: not managed."""
    ownership: Ownership | None = None
    """Who owns the project's issues (ownership rules) and whom Sentry assigns them to. Left
    out: not managed."""
    inbound_filters: InboundFilters | None = None
    """Events Sentry drops before storing them: browser extensions, localhost, crawlers,
    health checks, old browsers, messages, releases, addresses. Left out: not managed."""
    hidden_environments: tuple[EnvironmentName, ...] | None = Field(
        default=None, examples=[["development"]])
    """Environments hidden in Sentry's UI and filters. Sentry makes an environment when its
    first event arrives, so only existing ones can be hidden. Left out: not managed."""
    code_mappings: tuple[CodeMapping, ...] = ()
    """Stack-trace frames -> files in a declared repository, so Sentry links frames to the
    source (made by the owner stack)."""
    crons: tuple[Cron, ...] = ()
    """Scheduled tasks that check in with Sentry's Crons, and who is told when a check-in is
    missed or fails."""
    uptime: tuple[UptimeCheck, ...] = ()
    """Sites Sentry requests on a schedule (each stack checks its own), and who is told when
    one is down."""
    rate_limit: RateLimit | None = None
    """The rate limit of the client key each stack deploys with ({count, per}, and per stack
    under environments). Left out: not managed, and a removed limit stays in Sentry."""
    spike_protection: StrictBool | None = None
    """Sentry's spike protection for this project (sentry.io): true drops events beyond a
    sudden spike so it cannot use up the quota; false turns it off. Left out: not managed."""
    # Lifecycle. By default nothing is ever deleted from Sentry: removing a project from the
    # YAML (or destroying a stack) releases it from management and keeps all its events.
    previous_slugs: tuple[ProjectSlug, ...] = ()
    """Earlier slugs of this project: renaming the slug then updates the project in place
    instead of replacing it."""
    delete_when_removed: StrictBool = False
    """The reviewed opt-in to delete the project and all its events from Sentry when it is
    removed from the YAML (default false: it is only released from management)."""

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

    team: Slug | None = Field(default=None, examples=["science-projects"])
    """Email every member of this team (a slug declared under `teams`)."""
    member: Email | None = Field(default=None, examples=["maintainer@example.org"])
    """Email this one member (an email declared under `members`)."""
    issue_owners: StrictBool = False
    """true: email the owners of the issue (by the project's ownership rules)."""

    @model_validator(mode="after")
    def _one_target(self) -> EmailChannel:
        chosen = [k for k in ("team", "member") if getattr(self, k) is not None]
        if self.issue_owners:
            chosen.append("issue_owners")
        if len(chosen) != 1:
            raise ValueError("set exactly one of team, member or issue_owners: true")
        return self


class MsTeamsChannel(Strict):
    """Post to a channel of a Microsoft Teams team (through Sentry's Microsoft Teams
    integration)."""

    team: str = Field(min_length=1, examples=["DBCA"])
    """The team's name, as Sentry's Microsoft Teams integration shows it."""
    channel: str = Field(min_length=1, examples=["spms-alerts"])
    """The channel's name in that team."""


class SlackChannel(Strict):
    """Post to a Slack channel or person (through Sentry's Slack integration)."""

    workspace: str = Field(min_length=1, examples=["dbca"])
    """The Slack workspace, as Sentry's Slack integration names it."""
    channel: Annotated[str, StringConstraints(pattern=r"^[#@].+"),
                       Field(examples=["#alerts", "@jane"])]
    """The channel as '#name', or a person as '@name'."""


class PagerDutyChannel(Strict):
    """Open a PagerDuty incident on a service (through Sentry's PagerDuty integration)."""

    service: str = Field(min_length=1, examples=["SPMS"])
    """The PagerDuty service's name in Sentry's PagerDuty integration."""
    severity: Literal["default", "critical", "warning", "error", "info"] = "default"
    """The incident's severity: default (from the alert's level), critical, warning, error or
    info."""
    # Only the legacy alerts backend needs it: the retired API takes the service's id in
    # Sentry's PagerDuty integration, which no data source can look up.
    service_id: str | None = None
    """The service's id in Sentry's PagerDuty integration; needed only by the legacy alerts
    backend."""


class OpsgenieChannel(Strict):
    """Create an Opsgenie alert for a team (through Sentry's Opsgenie integration)."""

    team: str = Field(min_length=1, examples=["platform"])
    """The Opsgenie team's name in Sentry's Opsgenie integration."""
    priority: Literal["P1", "P2", "P3", "P4", "P5"] = "P3"
    """The Opsgenie alert's priority: P1 (highest) to P5 (default P3)."""


class DiscordChannel(Strict):
    """Post to a Discord channel (through Sentry's Discord integration)."""

    server: str = Field(min_length=1, examples=["DBCA"])
    """The Discord server's name in Sentry's Discord integration."""
    channel_id: str = Field(min_length=1, examples=["1234567890123456789"])
    """The channel's id (Discord: Copy Channel ID)."""


class GitHubChannel(Strict):
    """Open a GitHub issue (needs the Business or Enterprise plan)."""

    repo: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$"),
                    Field(examples=["dbca-wa/science-projects"])]
    """The repository as owner/name."""
    labels: tuple[str, ...] = Field(default=(), examples=[["sentry"]])
    """Labels to put on the issue."""


CHANNEL_KINDS = ("email", "msteams", "slack", "pagerduty", "opsgenie", "discord", "github")


# Channel kinds that page someone (and open incidents that should be resolved).
PAGING_KINDS = frozenset({"pagerduty", "opsgenie"})


class Channel(Strict):
    """A named destination for notifications; resolved to a Sentry integration at deploy time."""

    email: EmailChannel | None = None
    """Email a team, one member, or the issue's owners."""
    msteams: MsTeamsChannel | None = None
    """Post to a Microsoft Teams channel."""
    slack: SlackChannel | None = None
    """Post to a Slack channel."""
    pagerduty: PagerDutyChannel | None = None
    """Open a PagerDuty incident (pages someone)."""
    opsgenie: OpsgenieChannel | None = None
    """Create an Opsgenie alert (pages someone)."""
    discord: DiscordChannel | None = None
    """Post to a Discord channel."""
    github: GitHubChannel | None = None
    """Open a GitHub issue."""

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

    # Given here, not as a docstring: the docstring reader skips a class that declares
    # __pydantic_extra__ (config.field_docs).
    respond: str | None = Field(
        default=None, examples=["immediately", "within a day"],
        description="The expected response time, for people reading the file (documentation "
                    "only).")

    @property
    def routes(self) -> dict[str, tuple[str, ...]]:
        return dict(self.__pydantic_extra__ or {})


class Policies(Strict):
    """Rules the policy checks enforce (``sentry-iac validate`` and the CrossGuard pack)."""

    allowed_owners: tuple[Email, ...] = Field(default=(), examples=[["owner@example.org"]])
    """Members allowed the owner role (emails); anyone else declared as owner is a
    violation."""
    paging_environments: tuple[EnvironmentName, ...] = ("production",)
    """Environments where every project must have a critical rule that pages someone
    (PagerDuty or Opsgenie); default [production]."""


class Organization(Strict):
    """The whole of ``org.yaml``."""

    version: FormatVersion
    """The format version of this file: 1 (required)."""
    organization: Slug = Field(examples=["dbca"])
    """The organisation's slug in Sentry (required)."""
    owner_stack: Name = Field(default="production", examples=["production"])
    """The stack that creates the organisation's teams, members, projects and settings; other
    stacks only add their alerts, keys and dashboards (default production)."""
    previous_owner_stack: Name | None = None
    """The stack that owned the organisation until now, while ownership is handed over (see
    the README's "Handing over ownership"); a change of owner_stack without it is refused."""
    plan: Plan | None = None
    """The organisation's Sentry plan: developer, team, business, enterprise or self-hosted.
    What it allows (such as GitHub issues from alerts) is checked offline."""
    teams: tuple[Team, ...] = ()
    """The organisation's teams."""
    members: tuple[Member, ...] = ()
    """The organisation's members, with their roles and teams."""
    projects: tuple[Project, ...] = ()
    """The organisation's projects, with their settings, code mappings and cron monitors."""
    channels: dict[Name, Channel] = Field(default_factory=dict)
    """Named destinations for notifications, each of exactly one kind: email, msteams, slack,
    pagerduty, opsgenie, discord or github."""
    priorities: dict[Name, Priority] = Field(default_factory=dict)
    """Who hears about what, per stack: each priority lists channels per stack name. Alert
    rules and cron monitors name a priority."""
    privacy: Privacy | None = None
    """Organisation-wide data scrubbing (Settings > Security & Privacy). Left out: not
    managed."""
    retention: Retention | None = None
    """How long Sentry keeps data: declared and checked against the plan, never set (sentry.io
    has no API for it)."""
    policies: Policies | None = None
    """Rules the policy checks enforce (`sentry-iac validate` and the CrossGuard pack)."""
    security: Security | None = None
    """Who may join the organisation and what members may do. Keys left out are not
    managed."""
    integrations: Integrations | None = None
    """Integrations installed in Sentry's UI, by the name Sentry shows."""
    repositories: tuple[Repository, ...] = ()
    """GitHub repositories Sentry reads commits and files from: owner/name, or {name,
    integration}."""
    dashboards: tuple[Dashboard, ...] = ()
    """Dashboards, each made once per project and stack and filtered to that stack's
    environment."""
    spike_notifications: SpikeNotifications | None = None
    """Who hears when spike protection starts dropping a project's events: channels (slack,
    pagerduty, opsgenie) and Sentry's email to the owners and managers. Left out: not
    managed."""

    @cached_property
    def routes(self) -> Routes:
        """Priority -> stack -> the channels it notifies there: the one place this mapping is
        built. Cached, as the model is frozen; a read-only mapping, as it is shared."""
        return {name: priority.routes for name, priority in self.priorities.items()}

    @cached_property
    def team_routes(self) -> dict[str | None, Routes]:
        """Team slug -> the routes its projects use: the organisation's, with the team's own
        stacks of each priority in their place (``None``: the organisation's alone). Built
        once per team, as every rule and cron of every project reads them."""
        out: dict[str | None, Routes] = {None: self.routes}
        for slug, own in self.team_routing.items():
            out[slug] = {name: {**self.routes.get(name, {}),
                                **(own[name].routes if name in own else {})}
                         for name in {**self.routes, **own}}
        return out

    def routes_for(self, team: str | None) -> Routes:
        """The routes of a project owned by ``team`` (``team_routes``)."""
        return self.team_routes.get(team, self.routes)

    def routed_by(self, team: str | None, priority: str, stack: str) -> str | None:
        """``team`` when its own routing gives ``priority``'s channels in ``stack``, else
        None (the organisation's)."""
        chosen = self.team_routing.get(team or "", {}).get(priority)
        return team if chosen is not None and stack in chosen.routes else None

    @cached_property
    def team_routing(self) -> dict[str, dict[str, Priority]]:
        """Team slug -> its own ``priorities``, for the teams that declare some."""
        return {t.slug: t.priorities for t in self.teams if t.priorities}

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


