"""Alert rules (``alerts/*.yaml``) in our own vocabulary: no Sentry class ids, no magic numbers.

Two kinds share one shape: a **metric** rule (``measure:`` or expert ``query:``) with thresholds,
and an **issue** rule (``when:`` triggers and ``filters:``). Every rule names a ``priority``, whose
channels per stack come from ``org.yaml``, and may differ per stack under ``environments:``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Literal, Protocol

from pydantic import Field, StrictBool, StrictInt, StringConstraints, model_validator

from sentry_iac.config.anomaly import (
    THRESHOLD_KEYS,
    THRESHOLDS_CHECK,
    Anomaly,
    check_measure,
    check_no_thresholds,
    check_window,
)
from sentry_iac.config.base import MAX_NUMBER, SLUG_PATTERN, FormatVersion, Strict
from sentry_iac.config.durations import Threshold, parse_duration, parse_threshold
from sentry_iac.config.environments import EnvironmentName
from sentry_iac.config.errors import InvalidValue
from sentry_iac.config.metrics import PRESETS, window_problem
from sentry_iac.sentry.alerts import (
    FREQUENCY_MAX_SECONDS,
    FREQUENCY_MIN_SECONDS,
    ComparisonInterval,
    Interval,
)
from sentry_iac.sentry.metrics import COMPARISON_DELTAS, EVENT_TYPES, RETIRED_DATASETS, Dataset

RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Name = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=100)]
# Rule names leave room for " [<environment>]", which makes monitor names unique per stack
# within Sentry's 200-character limit.
RuleName = Annotated[str, StringConstraints(min_length=1, max_length=128)]
TeamSlug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, max_length=50)]

# Our words; sentry_iac.sentry.alerts maps each to Sentry's code (a test keeps them in step).
Trigger = Literal["first-seen", "regression", "reappeared", "high-priority"]
Level = Literal["fatal", "error", "warning", "info", "debug"]
Match = Literal["equals", "not_equals", "starts_with", "ends_with", "contains", "not_contains",
                "is_set", "not_set"]
Category = Literal["error", "feedback", "outage", "metric", "db_query", "http_client",
                   "frontend", "mobile"]
METRIC_REPEAT = ("a metric rule notifies each time its level changes (raised, escalated, back "
                 "down, resolved) and never repeats otherwise; Sentry would also hold back an "
                 "escalation or a resolution within repeat_every of the last notice "
                 "(processors/action.py), so metric rules take no repeat_every")


def _duration(text: str, what: str) -> int:
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise ValueError(f"{what}: {exc}") from None


class EventCount(Strict):
    """More than N events in an interval, or N% more than in an earlier period."""

    more_than: StrictInt | None = Field(default=None, ge=0, le=MAX_NUMBER, examples=[10])
    """The issue has more than this many events within `in` (a whole number, 0 or more)."""
    # A whole number: event_frequency_percent's comparison schema declares an integer value
    # (workflow_engine/handlers/condition/event_frequency_handlers.py).
    percent_more_than: StrictInt | None = Field(default=None, gt=0, le=MAX_NUMBER,
                                                examples=[50])
    """The issue has this many percent more events within `in` than in the same interval one
    `compared_to` earlier (a whole number above 0)."""
    in_: Interval = Field(alias="in", examples=["1h"])
    """The interval counted: 1m, 5m, 15m, 1h, 1d, 1w or 30d."""
    compared_to: ComparisonInterval | None = Field(default=None, examples=["1w"])
    """How far back the earlier interval lies, with percent_more_than: 5m, 15m, 1h, 1d, 1w or
    30d."""

    @model_validator(mode="after")
    def _one_form(self) -> EventCount:
        if (self.more_than is None) == (self.percent_more_than is None):
            raise ValueError("set exactly one of more_than or percent_more_than")
        if (self.percent_more_than is not None) != (self.compared_to is not None):
            raise ValueError("percent_more_than needs compared_to (5m, 15m, 1h, 1d, 1w or 30d), "
                             "and compared_to needs percent_more_than")
        return self


class UserCount(Strict):
    """More than N users affected in an interval."""

    more_than: StrictInt = Field(ge=0, le=MAX_NUMBER, examples=[5])
    """The issue affected more than this many users within `in` (a whole number, 0 or
    more)."""
    in_: Interval = Field(alias="in", examples=["1h"])
    """The interval counted: 1m, 5m, 15m, 1h, 1d, 1w or 30d."""


class TagMatch(Strict):
    """The event's tag ``key`` compared with ``value``."""

    key: Annotated[str, StringConstraints(pattern=r"^[a-zA-Z0-9_.:-]+$", max_length=200),
                   Field(examples=["http.status_code", "environment"])]
    """The tag's name: letters, digits, '_', '.', ':' and '-'."""
    match: Match = "equals"
    """How the tag's value is compared: equals (default), not_equals, starts_with, ends_with,
    contains, not_contains, is_set or not_set."""
    value: str | None = Field(default=None, examples=["500"])
    """The value to compare with; required, except with is_set and not_set (which take
    none)."""

    @model_validator(mode="after")
    def _value_needed(self) -> TagMatch:
        if self.match in ("is_set", "not_set"):
            if self.value is not None:
                raise ValueError(f"match '{self.match}' takes no value")
        elif self.value is None:
            raise ValueError(f"match '{self.match}' needs a value")
        return self


class LevelMatch(Strict):
    """The event's level compared with one level (exactly one key)."""

    at_least: Level | None = None
    """The event's level is this or more severe: fatal, error, warning, info or debug."""
    at_most: Level | None = None
    """The event's level is this or less severe: fatal, error, warning, info or debug."""
    equals: Level | None = None
    """The event's level is exactly this: fatal, error, warning, info or debug."""

    @model_validator(mode="after")
    def _one(self) -> LevelMatch:
        if sum(v is not None for v in (self.at_least, self.at_most, self.equals)) != 1:
            raise ValueError("set exactly one of at_least, at_most or equals")
        return self


class AgeMatch(Strict):
    """The issue's age, since it was first seen (exactly one key)."""

    newer_than: str | None = Field(default=None, examples=["1d", "30m"])
    """The issue was first seen less than this long ago: a duration of a minute or more (30m,
    2h, 1d, 1w)."""
    older_than: str | None = Field(default=None, examples=["1w"])
    """The issue was first seen more than this long ago: a duration of a minute or more (30m,
    2h, 1d, 1w)."""

    @model_validator(mode="after")
    def _one(self) -> AgeMatch:
        if (self.newer_than is None) == (self.older_than is None):
            raise ValueError("set exactly one of newer_than or older_than")
        seconds = _duration(self.newer_than or self.older_than or "", "age")
        if seconds < 60:
            raise ValueError("age: use minutes or more (e.g. 30m, 2h, 1d, 1w)")
        return self


class Occurrences(Strict):
    """The issue's total number of events so far."""

    at_least: StrictInt = Field(ge=1, le=MAX_NUMBER, examples=[100])
    """The issue has been seen at least this many times in all (1 or more)."""


FILTER_KINDS = ("events", "users", "tag", "level", "age", "occurrences", "latest_release",
                "category")


class IssueFilter(Strict):
    """One condition an issue must meet; exactly one key."""

    events: EventCount | None = None
    """More than N events in an interval ({more_than, in}), or N% more than in an earlier
    period ({percent_more_than, in, compared_to})."""
    users: UserCount | None = None
    """More than N users affected in an interval: {more_than, in}."""
    tag: TagMatch | None = None
    """The event has a tag that matches: {key, match, value}."""
    level: LevelMatch | None = None
    """The event's level: {at_least | at_most | equals: fatal, error, warning, info or
    debug}."""
    age: AgeMatch | None = None
    """The issue's age: {newer_than | older_than: a duration}."""
    occurrences: Occurrences | None = None
    """The issue has been seen at least N times: {at_least: N}."""
    latest_release: Literal[True] | None = None
    """true: the event comes from the project's latest release."""
    category: Category | None = None
    """The issue's category: error, feedback, outage, metric, db_query, http_client, frontend
    or mobile."""

    @model_validator(mode="after")
    def _one_kind(self) -> IssueFilter:
        kinds = [k for k in FILTER_KINDS if getattr(self, k) is not None]
        if len(kinds) != 1:
            found = f" (found {', '.join(kinds)})" if kinds else ""
            raise ValueError(f"a filter has exactly one of: {', '.join(FILTER_KINDS)}{found}")
        return self

    @property
    def kind(self) -> str:
        return next(k for k in FILTER_KINDS if getattr(self, k) is not None)


class MetricQuery(Strict):
    """For experts: Sentry's own dataset, aggregate and search query."""

    dataset: Dataset
    """Sentry's dataset, e.g. events (errors), events_analytics_platform (spans) or metrics
    (sessions for crash rates)."""
    aggregate: str = Field(min_length=1, examples=["count()", "p95(span.duration)"])
    """Sentry's aggregate function over the dataset."""
    query: str = Field(default="", examples=["is_transaction:true"])
    """Sentry's search query that narrows the events measured (default: none)."""
    event_types: tuple[str, ...] | None = Field(default=None, examples=[["error"]])
    """Sentry's event types the dataset allows (e.g. error, default, trace_item_span)."""

    @model_validator(mode="after")
    def _supported(self) -> MetricQuery:
        if self.dataset in RETIRED_DATASETS:
            raise ValueError("Sentry no longer creates transaction-based monitors; use dataset "
                             "events_analytics_platform with the query is_transaction:true")
        if "upsampled_count()" in self.aggregate:
            raise ValueError("upsampled_count() is not allowed as input; use count()")
        if "release:latest" in self.query:
            raise ValueError("Sentry does not support the query release:latest in monitors")
        allowed = EVENT_TYPES[self.dataset]
        for event_type in self.event_types or ():
            if event_type not in allowed:
                raise ValueError(f"event type '{event_type}' does not fit dataset "
                                 f"{self.dataset} (allowed: {', '.join(allowed) or 'none'})")
        return self


class Change(Strict):
    """Alert on the change against an earlier period instead of the value itself."""

    compared_to: str = Field(examples=["1d", "1w"])
    """The earlier period compared with: 5m, 15m, 1h, 1d, 1w or 30d. Thresholds are then
    percent changes (`critical: above 50%` = 50% more)."""

    @model_validator(mode="after")
    def _period(self) -> Change:
        seconds = _duration(self.compared_to, "compared_to")
        if seconds not in COMPARISON_DELTAS:
            raise ValueError("compared_to must be one of Sentry's periods: 5m, 15m, 1h, 1d, 1w, "
                             "30d")
        return self

    @property
    def seconds(self) -> int:
        return parse_duration(self.compared_to)


class Override(Strict):
    """What differs in one stack: thresholds, window, routing, or ``enabled: false``."""

    enabled: StrictBool = True
    """false: the rule is off in this stack (default true)."""
    critical: str | None = Field(default=None, examples=["above 50"])
    """The critical threshold in this stack: 'above N' or 'below N' (metric rules)."""
    warning: str | None = Field(default=None, examples=["above 25"])
    """The warning threshold in this stack: 'above N' or 'below N' (metric rules)."""
    resolve: str | None = Field(default=None, examples=["below 10"])
    """The resolve threshold in this stack: 'above N' or 'below N' (metric rules)."""
    window: str | None = Field(default=None, examples=["5m"])
    """The time window measured in this stack, e.g. 1m, 5m, 1h (metric rules)."""
    priority: Name | None = Field(default=None, examples=["high"])
    """The priority used in this stack instead of the rule's (a name under `priorities` in
    org.yaml)."""
    channels: tuple[Name, ...] | None = None
    """The extra channels in this stack instead of the rule's (names under `channels` in
    org.yaml)."""
    repeat_every: str | None = Field(default=None, examples=["1h"])
    """How often actions may repeat for one issue in this stack, 5m to 30d (issue rules)."""
    environment: EnvironmentName | None = Field(default=None, examples=["test"])
    """The Sentry environment watched in this stack (default: the project's environment for
    the stack, else the stack's name)."""
    anomaly: Anomaly | None = None
    """The anomaly detection in this stack instead of the rule's (rules with `anomaly:`)."""
    warning_priority: Name | None = Field(default=None, examples=["medium"])
    """The warning level's priority in this stack instead of the rule's (metric rules with a
    warning threshold)."""
    warning_channels: tuple[Name, ...] | None = None
    """The warning level's extra channels in this stack instead of the rule's."""


class AlertRule(Strict):
    """A metric rule (``measure:`` or ``query:``, with thresholds) or an issue rule
    (``when:`` and ``filters:``), routed by ``priority``."""

    id: RuleId = Field(examples=["high-error-rate"])
    """The rule's identity: lowercase letters, digits, '-' and '_'. Renaming `name` never
    replaces the rule; changing the id does, unless the old id is in previous_ids."""
    previous_ids: tuple[RuleId, ...] = ()
    """Earlier ids of this rule: a renamed id then updates the rule in place instead of
    replacing it."""
    name: RuleName = Field(examples=["High error rate"])
    """The rule's name in Sentry, at most 128 characters (the environment is added to it)."""
    description: str | None = None
    """What the rule is for, shown in Sentry."""
    projects: tuple[Slug, ...] = Field(min_length=1, examples=[["spms-backend"]])
    """The projects the rule watches (slugs declared in org.yaml); at least one."""
    priority: Name = Field(examples=["critical"])
    """Who is told: a priority of org.yaml, whose channels are given per stack."""
    channels: tuple[Name, ...] = ()
    """Extra channels told besides the priority's (names under `channels` in org.yaml)."""
    environments: dict[Name, Override] = Field(
        default_factory=dict, examples=[{"staging": {"critical": "above 50", "priority": "high"}},
                                        {"staging": {"enabled": False}}])
    """What differs per stack (stack name -> override): enabled, critical, warning, resolve,
    window, priority, channels, warning_priority, warning_channels, repeat_every,
    environment."""
    only: tuple[Name, ...] | None = Field(default=None, min_length=1,
                                          examples=[["production"]])
    """The only stacks that have the rule (default: every stack), e.g. [production]; the
    others have none, and `environments` may not name them."""
    team: TeamSlug | None = Field(default=None, examples=["payments"])
    """The team whose routing (`teams[].priorities` in org.yaml) this rule uses for every
    project it watches (default: each project's owning team, the first of its `teams`)."""
    warning_priority: Name | None = Field(default=None, examples=["medium"])
    """Who is told at the warning level of a metric rule: a priority of org.yaml. Without it
    (and warning_channels) the warning level tells the rule's own channels."""
    warning_channels: tuple[Name, ...] = ()
    """Extra channels told at the warning level besides warning_priority's; `channels` belong
    to the critical level once the warning level is routed on its own."""
    # metric rules
    measure: str | None = None
    """What a metric rule measures: a preset such as error-count or http-request-duration;
    or give `query:` in Sentry's own terms."""
    percentile: Literal["p50", "p75", "p90", "p95", "p99"] | None = None
    """The percentile of a duration measure: p50, p75, p90, p95 or p99 (default p95)."""
    search: str | None = Field(default=None, examples=["transaction:/api/*"])
    """A Sentry search query that narrows the measure."""
    query: MetricQuery | None = None
    """For experts, instead of `measure`: Sentry's own dataset, aggregate, query and event
    types."""
    window: str | None = Field(default=None, examples=["1m", "5m", "1h"])
    """The time window a metric rule measures over (required for metric rules). Windows allowed
    depend on the measure: crash rates 30m, 1h, 2h, 4h, 12h or 1d; span data at least 5m."""
    critical: str | None = Field(default=None, examples=["above 10", "below 99%", "above 3s"])
    """The critical threshold: 'above N' or 'below N', with ms, s or % where the measure has
    that unit (required for metric rules)."""
    warning: str | None = Field(default=None, examples=["above 5"])
    """An optional warning threshold, on the same side as critical and not beyond it."""
    resolve: str | None = Field(default=None, examples=["below 3"])
    """When the rule resolves: the other side of critical, e.g. 'below 3' (default: back on
    the good side of the lowest level)."""
    change: Change | None = None
    """Alert on the change against an earlier period instead of the value itself: {compared_to:
    1d}; thresholds are then in percent."""
    anomaly: Anomaly | None = None
    """Instead of thresholds: alert when the measure is unusual for it, as Sentry learns
    ({sensitivity: low|medium|high, direction: above|below|either}); windows 5m, 15m, 30m, 1h."""
    # issue rules
    when: tuple[Trigger, ...] = Field(default=(), examples=[["first-seen", "regression"]])
    """What triggers an issue rule (any of): first-seen, regression, reappeared,
    high-priority."""
    filters: tuple[IssueFilter, ...] = ()
    """Conditions on the issue or event, combined by filter_match; each has exactly one of:
    events, users, tag, level, age, occurrences, latest_release, category."""
    filter_match: Literal["all", "any", "none"] = "all"
    """How filters combine: all (default) must hold, any one, or none."""
    # Sentry's issue-stream monitor passes issues of every category (errors, performance,
    # crons, metric alerts...) to its alerts (get_detectors_for_event_data), so "errors" adds
    # the error category.
    issues: Literal["errors", "all"] = "errors"
    """Which issues an issue rule is about: errors (default) or all categories (performance,
    cron, metric...)."""
    repeat_every: str = Field(default="30m", examples=["30m", "1h"])
    """How often an issue rule's actions may repeat for one issue: 5m to 30d (default 30m).
    Metric rules take none."""

    @property
    def is_metric(self) -> bool:
        return self.measure is not None or self.query is not None

    @property
    def errors_only(self) -> bool:
        """Whether the error category is added to this issue rule's filters."""
        return (not self.is_metric and self.issues == "errors"
                and not any(f.category is not None for f in self.filters))

    @model_validator(mode="after")
    def _consistent(self) -> AlertRule:
        metric_keys = [k for k in ("measure", "query", "window", "critical", "warning", "resolve",
                                   "change", "percentile", "search", "anomaly")
                       if getattr(self, k) is not None]
        issue_keys = [k for k in ("when", "filters") if getattr(self, k)]
        issue_keys += [k for k in ("issues", "filter_match") if k in self.model_fields_set]
        if self.measure is not None and self.query is not None:
            raise ValueError("use either measure (a preset) or query (Sentry's own terms), "
                             "not both")
        if self.is_metric:
            if issue_keys:
                raise ValueError(f"@{issue_keys[0]}: a metric rule (measure/query) cannot have "
                                 f"{issue_keys[0]}; "
                                 "make a separate issue rule")
            if self.measure is not None and self.measure not in PRESETS:
                raise InvalidValue(f"@measure: unknown measure '{self.measure}' (known: "
                                   f"{', '.join(PRESETS)}; or give `query:` for experts)",
                                   "schema/unknown-name")
            preset = PRESETS.get(self.measure or "")
            if self.percentile is not None and not (preset and preset.percentile):
                raise ValueError("@percentile: percentile applies only to the duration measures")
            if self.anomaly is not None:
                check_anomaly_rule(self)
            elif self.critical is None:
                raise ValueError("a metric rule needs a critical threshold, e.g. critical: "
                                 "above 10")
            if self.window is None:
                raise ValueError("a metric rule needs a window, e.g. window: 5m")
            if self.change is not None and self.dataset == "metrics":
                raise ValueError("@change: crash-rate measures cannot alert on a change; use a "
                                 "threshold")
            if self.anomaly is None:
                check_metric(self, self.critical or "", self.warning, self.resolve, self.window)
        else:
            if metric_keys:
                raise ValueError(f"@{metric_keys[0]}: '{metric_keys[0]}' belongs to metric rules; "
                                 "add measure: or "
                                 "query:, or remove it")
            if not self.when and not self.filters:
                raise ValueError("an issue rule needs `when:` (first-seen, regression, "
                                 "reappeared, high-priority) or `filters:`; a metric rule needs "
                                 "`measure:`")
            if self.errors_only and self.filter_match != "all":
                raise ValueError(
                    f"@filter_match: with filter_match: {self.filter_match}, Sentry cannot also "
                    "require the error category, and without it the rule fires for issues of "
                    "every category (performance, cron, metric...): add `issues: all` to mean "
                    "that, or a `category:` filter, or match `all`")
        if len(set(self.when)) != len(self.when):
            raise ValueError("`when` lists a trigger twice")
        check_repeat(self.repeat_every)
        repeats = ["repeat_every"] if "repeat_every" in self.model_fields_set else []
        repeats += [f"environments.{stack}.repeat_every" for stack, o in self.environments.items()
                    if o.repeat_every is not None]
        if self.is_metric and repeats:
            raise ValueError(f"@{repeats[0]}: {METRIC_REPEAT}")
        for stack, override in self.environments.items():
            try:
                self.check_override(override)
            except ValueError as exc:
                path, message = split_location(str(exc))
                where = ".".join(p for p in ("environments", stack, path) if p)
                if isinstance(exc, InvalidValue):  # keeps the check that refused it
                    raise InvalidValue(f"@{where}: {message}", exc.check) from None
                raise ValueError(f"@{where}: {message}") from None
        return self

    @model_validator(mode="after")
    def _routing(self) -> AlertRule:
        check_routing(self)
        return self

    def check_override(self, override: Override) -> None:
        metric_only = [k for k in ("critical", "warning", "resolve", "window", "anomaly")
                       if getattr(override, k) is not None]
        if metric_only and not self.is_metric:
            raise ValueError(f"@{metric_only[0]}: '{metric_only[0]}' applies only to metric "
                             "rules")
        if self.anomaly is not None or override.anomaly is not None:
            check_anomaly_override(self, override)
        elif self.is_metric and metric_only:
            check_metric(self, override.critical or self.critical or "",
                         override.warning if override.warning is not None else self.warning,
                         override.resolve if override.resolve is not None else self.resolve,
                         override.window or self.window or "")
        if override.repeat_every is not None:
            check_repeat(override.repeat_every)

    @property
    def dataset(self) -> str:
        if self.query is not None:
            return self.query.dataset
        return PRESETS[self.measure].dataset if self.measure in PRESETS else "events"

    @property
    def unit(self) -> str:
        if self.measure in PRESETS:
            return PRESETS[self.measure].unit
        return "count"


def check_routing(rule: AlertRule) -> None:
    """The routing keys of a rule and its overrides: a warning level routed on its own needs
    a metric rule with a warning threshold in that stack; ``only`` lists each stack once and
    no override turns one of them off. Overrides of stacks ``only`` leaves out are refused by
    the check ``rule/override-outside-only``, which points at them."""
    given = [k for k in ("warning_priority", "warning_channels") if getattr(rule, k)]
    given += [f"environments.{stack}.{k}" for stack, o in rule.environments.items()
              for k in ("warning_priority", "warning_channels") if getattr(o, k) is not None]
    if given and not rule.is_metric:
        raise ValueError(f"@{given[0]}: only a metric rule has a warning level to route; an "
                         "issue rule tells its priority's channels")
    warned = [stack for stack, o in rule.environments.items() if o.warning is not None]
    if rule.is_metric and rule.warning is None and not warned:
        for key in ("warning_priority", "warning_channels"):
            if getattr(rule, key):
                raise ValueError(f"@{key}: the rule has no warning threshold (warning: above "
                                 "N), so it has no warning level to route")
    for stack, override in rule.environments.items():
        for key in ("warning_priority", "warning_channels"):
            if getattr(override, key) is not None and rule.warning is None \
                    and override.warning is None:
                raise ValueError(f"@environments.{stack}.{key}: the rule has no warning "
                                 f"threshold in stack '{stack}', so it has no warning level "
                                 "to route there")
    if rule.only is not None:
        twice = sorted({s for s in rule.only if rule.only.count(s) > 1})
        if twice:
            raise ValueError(f"@only: lists the stack '{twice[0]}' more than once")
        for stack in rule.only:
            listed = rule.environments.get(stack)
            if listed is not None and not listed.enabled:
                raise ValueError(f"@environments.{stack}.enabled: `only` lists '{stack}' and "
                                 "`enabled: false` turns the rule off there; remove the stack "
                                 "from only, or the enabled: false")


def split_location(message: str) -> tuple[str, str]:
    """``"@critical: too low"`` -> ``("critical", "too low")``; see
    ``config.checks.schema_messages``."""
    if message.startswith("@") and ": " in message:
        path, rest = message[1:].split(": ", 1)
        return path, rest
    return "", message


def _window_seconds(text: str) -> int:
    try:
        return _duration(text, "window")
    except ValueError as exc:
        raise ValueError(f"@window: {exc}") from None


def check_anomaly_rule(rule: AlertRule) -> None:
    """A rule with ``anomaly:`` (``config.anomaly``): no thresholds, a window and a measure
    Sentry's anomaly detection takes."""
    check_no_thresholds([k for k in THRESHOLD_KEYS if getattr(rule, k) is not None])
    if rule.window is not None:
        check_window(_window_seconds(rule.window), rule.window)
    query = rule.query.query if rule.query is not None else PRESETS[rule.measure or ""].query
    check_measure(rule.dataset, f"{query} {rule.search or ''}", rule.measure)


def check_anomaly_override(rule: AlertRule, override: Override) -> None:
    """A stack's override of a rule with ``anomaly:``: another window or anomaly block, never
    thresholds; and ``anomaly:`` only where the rule detects anomalies."""
    if rule.anomaly is None:
        raise InvalidValue("@anomaly: a stack can change the anomaly detection of a rule with "
                           "`anomaly:`, not turn a rule with thresholds into one; give the "
                           "rule `anomaly:` (and no thresholds), or make a separate rule",
                           THRESHOLDS_CHECK)
    check_no_thresholds([k for k in ("critical", "warning", "resolve")
                         if getattr(override, k) is not None])
    if override.window is not None:
        check_window(_window_seconds(override.window), override.window)


def check_repeat(text: str) -> None:
    try:
        seconds = _duration(text, "repeat_every")
    except ValueError as exc:
        raise ValueError(f"@repeat_every: {exc}") from None
    # How often actions may repeat for one issue: Sentry accepts 5 minutes to 30 days.
    if not FREQUENCY_MIN_SECONDS <= seconds <= FREQUENCY_MAX_SECONDS:
        raise InvalidValue("@repeat_every: repeat_every must be between 5m and 30d",
                           "schema/range")


def check_metric(
    rule: AlertRule, critical: str, warning: str | None, resolve: str | None, window: str
) -> None:
    """Sentry's rules for a monitor's window and thresholds, with our units."""
    try:
        seconds = _duration(window, "window")
    except ValueError as exc:
        raise ValueError(f"@window: {exc}") from None
    problem = window_problem(rule.dataset, seconds)
    if problem:
        raise ValueError(f"@window: {window}: {problem}")
    levels: dict[str, Threshold] = {"critical": _threshold("critical", critical, rule)}
    if warning is not None:
        levels["warning"] = _threshold("warning", warning, rule)
    if resolve is not None:
        levels["resolve"] = _threshold("resolve", resolve, rule)
    crit = levels["critical"]
    warn = levels.get("warning")
    # A change rule's levels are sizes of the change in its own direction: a fall of 50% is
    # worse than a fall of 25%, so they order as an 'above' rule's do.
    order = "above" if rule.change is not None else crit.direction
    if warn is not None:
        if warn.direction != crit.direction:
            raise ValueError("@warning: critical and warning must both be 'above' or both "
                             "'below'")
        if order == "above" and crit.value < warn.value:
            raise ValueError("@warning: the critical threshold must be at or above the warning "
                             "threshold")
        if order == "below" and crit.value > warn.value:
            raise ValueError("@warning: the critical threshold must be at or below the warning "
                             "threshold")
    res = levels.get("resolve")
    if res is not None:
        lowest = warn or crit
        if res.direction == crit.direction:
            other = "below" if crit.direction == "above" else "above"
            raise ValueError(f"@resolve: resolve must go the other way: '{crit.direction}' "
                             f"alerts resolve '{other}' a value")
        if rule.change is not None and res.value > lowest.value:
            raise ValueError(f"@resolve: a change rule resolves on a smaller change than it "
                             f"alerts on: at most {lowest.value:g}%")
        if rule.change is None and crit.direction == "above" and res.value > lowest.value:
            raise ValueError("@resolve: the resolve threshold must not be above the lowest "
                             "alert threshold")
        if rule.change is None and crit.direction == "below" and res.value < lowest.value:
            raise ValueError("@resolve: the resolve threshold must not be below the lowest "
                             "alert threshold")


def _threshold(label: str, text: str, rule: AlertRule) -> Threshold:
    try:
        threshold = parse_threshold(text)
    except ValueError as exc:
        raise ValueError(f"@{label}: {exc}") from None
    unit = rule.unit
    if rule.change is not None:
        if threshold.unit not in ("%", ""):
            raise ValueError(f"@{label}: a change is measured in percent, e.g. 'above 50%'")
        if threshold.value < 0:
            raise ValueError(f"@{label}: a change is a size in percent, 0 or more: 'above' "
                             "is a rise and 'below' a fall (e.g. 'below 50%')")
        return threshold
    if threshold.unit == "ms" and unit != "ms":
        raise ValueError(f"@{label}: {rule.measure or 'this measure'} is not a duration; "
                         "give a plain number")
    if threshold.unit == "%" and unit not in ("%", "ratio"):
        raise ValueError(f"@{label}: {rule.measure or 'this measure'} is not a percentage")
    if unit in ("%", "ratio") and not 0 <= threshold.value <= 100:
        raise ValueError(f"@{label}: a percentage is between 0 and 100")
    if threshold.value < 0 and rule.measure is not None:
        # Durations and counts are never negative: such a rule would fire always or never.
        kind = "a duration" if unit == "ms" else "a count"
        raise ValueError(f"@{label}: {rule.measure} is {kind}, never negative; give a "
                         f"threshold of 0 or more (got '{text}')")
    return threshold


class AlertsFile(Strict):
    """One ``alerts/*.yaml`` file."""

    version: FormatVersion
    """The format version of this file: 1 (required)."""
    alerts: tuple[AlertRule, ...] = ()
    """The alert rules of this file, grouped by concern."""



class _RoutedOverride(Protocol):
    @property
    def priority(self) -> str | None: ...
    @property
    def channels(self) -> tuple[str, ...] | None: ...


class Routed(Protocol):
    """What is routed by priority: an alert rule, or a cron monitor's alert (config.crons)."""

    @property
    def priority(self) -> str: ...
    @property
    def channels(self) -> tuple[str, ...]: ...
    @property
    def environments(self) -> Mapping[str, _RoutedOverride]: ...


# Priority -> stack -> the channels it notifies there (``Organization.routes``).
Routes = Mapping[str, Mapping[str, tuple[str, ...]]]


def rule_channels(rule: Routed, stack: str, routes: Routes) -> tuple[str, ...]:
    """The channels ``rule`` notifies in ``stack``: its priority's route there, then its own.
    ``routes`` is ``Organization.routes``."""
    override = rule.environments.get(stack)
    priority = override.priority if override and override.priority else rule.priority
    extra = override.channels if override and override.channels is not None else rule.channels
    names = list(routes.get(priority, {}).get(stack, ()))
    names += [c for c in extra if c not in names]
    return tuple(names)


def legacy_problems(rule: AlertRule, channel_kinds: dict[str, tuple[str, bool]],
                    channels: tuple[str, ...]) -> list[str]:
    """What the retired alert-rule API cannot express for ``rule`` sent to ``channels``.
    ``channel_kinds`` maps a channel to (kind, whether it can be used by the legacy API)."""
    problems = []
    if rule.change is not None:
        problems.append("percent-change alerts need the monitors backend (the legacy "
                        "provider has no comparison period)")
    if rule.anomaly is not None:
        # pulumiverse_sentry 0.0.9's SentryMetricAlert has no detection type or sensitivity.
        problems.append("anomaly detection needs the monitors backend (the legacy provider "
                        "has no detection type or sensitivity)")
    counts = [f for f in rule.filters if f.events is not None or f.users is not None]
    if len(rule.when) > 1 and counts:
        problems.append("the legacy backend cannot combine several `when` triggers with event "
                        "or user counts (its conditions share one any/all switch); split the "
                        "rule or use the monitors backend")
    for name in channels:
        kind, usable = channel_kinds.get(name, ("", True))
        if not usable:
            problems.append(f"channel '{name}' ({kind}) cannot be used by the legacy backend: "
                            "it supports email to a team or issue owners, Microsoft Teams, "
                            "Slack, Discord, GitHub and PagerDuty with service_id")
        elif rule.is_metric and kind == "github":
            problems.append(f"channel '{name}': legacy metric alerts cannot create GitHub issues")
        elif rule.is_metric and kind == "email-owners":
            problems.append(f"channel '{name}': legacy metric alerts cannot email issue owners")
    return problems
