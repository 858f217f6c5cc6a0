"""The checks. Each takes every resource of a stack (in a neutral form both engines can give)
and the organisation's policy settings, and returns what violates it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sentry_iac.config.models import PAGING_KINDS
from sentry_iac.sentry.anomaly import ANOMALY_DETECTION

LEGACY_PAGING = ("PagerDutyNotifyServiceAction", "OpsgenieNotifyTeamAction")
DSN_OUTPUTS = frozenset({"dsnPublic", "dsnSecret"})


@dataclass(frozen=True)
class Resource:
    """A resource as a policy sees it: short type, logical name, input properties
    (camelCase, as Pulumi sends them) and the outputs it marks secret."""

    type: str
    name: str
    props: Mapping[str, Any]
    secret_outputs: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Settings:
    """What an organisation decides in ``org.yaml`` under ``policies:``."""

    allowed_owners: frozenset[str] = frozenset()
    paging_environments: frozenset[str] = frozenset({"production"})


@dataclass(frozen=True)
class Violation:
    check: str
    resource: str
    message: str

    def __str__(self) -> str:
        return f"policy {self.check}: {self.resource}: {self.message}"


CheckFn = Callable[[list[Resource], Settings], Iterable[tuple[str, str]]]


@dataclass(frozen=True)
class Check:
    name: str
    description: str
    run: CheckFn


def _of(resources: list[Resource], *types: str) -> list[Resource]:
    return [r for r in resources if r.type in types]


def _actions(alert: Resource) -> list[dict[str, Any]]:
    workflow = alert.props.get("workflow") or {}
    return [a for f in workflow.get("actionFilters") or [] for a in f.get("actions") or []]


def _legacy_actions(alert: Resource) -> list[dict[str, Any]]:
    if alert.type == "SentryIssueAlert":
        return list(alert.props.get("actions") or [])
    return [a for t in alert.props.get("triggers") or [] for a in t.get("actions") or []]


def project_has_owning_team(resources: list[Resource], _: Settings) -> Iterable[tuple[str, str]]:
    for project in _of(resources, "SentryProject"):
        if not project.props.get("teams"):
            yield project.name, "has no team; give it at least one owning team"


def _key(value: Any) -> str:
    """A property value as a set member (CrossGuard may hand over values that do not hash)."""
    return value if isinstance(value, str) else repr(value)


def _paged(resources: list[Resource]) -> set[tuple[str, str]]:
    """(project, environment) pairs in which some critical rule pages someone. Collected once,
    so the check is linear: 500 projects x 3,000 alerts took 0.3 s as a nested search."""
    paged: set[tuple[str, str]] = set()
    # An alert on a metric monitor has no environment of its own: its monitor, of the same
    # logical name, measures one (resources.payloads.monitors.workflow_payload).
    measured = {monitor.name: source.get("environment") for monitor in _of(resources, "Monitor")
                for source in ((monitor.props.get("detector") or {}).get("dataSources")
                               or [{}])[:1]}
    for a in _of(resources, "Alert"):
        if a.props.get("priority") == "critical" and any(
                x.get("kind") in PAGING_KINDS for x in _actions(a)):
            workflow = a.props.get("workflow") or {}
            environment = workflow.get("environment") or measured.get(a.name)
            paged.add((_key(a.props.get("project")), _key(environment)))
    # An uptime alert's monitor, of the same logical name, opens issues in one environment.
    checked = {m.name: ((m.props.get("detector") or {}).get("config") or {}).get("environment")
               for m in _of(resources, "UptimeMonitor")}
    for a in _of(resources, "UptimeAlert"):
        if a.props.get("priority") == "critical" and any(
                x.get("kind") in PAGING_KINDS for x in _actions(a)):
            paged.add((_key(a.props.get("project")), _key(checked.get(a.name))))
    for a in _of(resources, "SentryIssueAlert", "SentryMetricAlert"):
        if any(str(x.get("id", "")).endswith(LEGACY_PAGING) or x.get("type") in PAGING_KINDS
               for x in _legacy_actions(a)):
            paged.add((_key(a.props.get("project")), _key(a.props.get("environment"))))
    return paged


def production_pages_on_critical(
    resources: list[Resource], settings: Settings
) -> Iterable[tuple[str, str]]:
    """Every project deployed in a paging environment has a critical rule that pages."""
    paged = _paged(resources)
    for key in _of(resources, "SentryKey"):
        environment = key.props.get("name")
        if environment not in settings.paging_environments:
            continue
        project = key.props.get("project")
        if (_key(project), _key(environment)) not in paged:
            yield key.name, (f"project '{project}' has no critical rule in {environment} that "
                             "pages someone (PagerDuty or Opsgenie)")


def rule_reaches_a_channel(resources: list[Resource], _: Settings) -> Iterable[tuple[str, str]]:
    # cron and uptime alerts route like rules
    for alert in _of(resources, "Alert", "CronAlert", "UptimeAlert"):
        if not _actions(alert):
            yield alert.name, "notifies no channel"
    for alert in _of(resources, "SentryIssueAlert", "SentryMetricAlert"):
        if not _legacy_actions(alert):
            yield alert.name, "notifies no channel"


def metric_alerts_resolve(resources: list[Resource], _: Settings) -> Iterable[tuple[str, str]]:
    for monitor in _of(resources, "Monitor"):
        group = (monitor.props.get("detector") or {}).get("conditionGroup") or {}
        conditions = group.get("conditions") or []
        # An anomaly monitor resolves when Seer no longer sees an anomaly, and Sentry wants no
        # resolution condition of it (MetricIssueConditionGroupValidator.validate_conditions).
        if any(c.get("type") == ANOMALY_DETECTION for c in conditions):
            continue
        if not any(c.get("conditionResult") == 0 for c in conditions):
            yield monitor.name, "has no resolution condition, so its issues never resolve"


def dsn_outputs_are_secret(resources: list[Resource], _: Settings) -> Iterable[tuple[str, str]]:
    for key in _of(resources, "SentryKey"):
        missing = sorted(DSN_OUTPUTS - key.secret_outputs)
        if missing:
            yield key.name, f"outputs {', '.join(missing)} are not marked secret"


def no_unlisted_owners(resources: list[Resource], settings: Settings) -> Iterable[tuple[str, str]]:
    for member in _of(resources, "SentryOrganizationMember"):
        email = str(member.props.get("email", "")).lower()
        if member.props.get("role") == "owner" and email not in settings.allowed_owners:
            yield member.name, (f"{email} is an owner but not listed in policies.allowed_owners "
                                "in org.yaml")


CHECKS: tuple[Check, ...] = (
    Check("project-has-owning-team", "Every project has an owning team.",
          project_has_owning_team),
    Check("production-pages-on-critical", "Every project in a paging environment "
          "(production) has a critical rule routed to PagerDuty or Opsgenie.",
          production_pages_on_critical),
    Check("rule-reaches-a-channel", "Every alert rule notifies at least one channel.",
          rule_reaches_a_channel),
    Check("metric-alerts-resolve", "Every metric monitor has a resolution condition (anomaly "
                                "monitors resolve by themselves).",
          metric_alerts_resolve),
    Check("dsn-outputs-secret", "Client keys mark their DSN outputs secret.",
          dsn_outputs_are_secret),
    Check("no-unlisted-owners", "No member is an owner unless listed in "
          "policies.allowed_owners.", no_unlisted_owners),
)


def run_checks(resources: list[Resource], settings: Settings) -> list[Violation]:
    return [Violation(check.name, name, message)
            for check in CHECKS for name, message in check.run(resources, settings)]
