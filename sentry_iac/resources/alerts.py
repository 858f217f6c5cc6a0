"""Alert rules -> resources for one stack, through the backend its config selects.

Each rule is a component (``sentry-iac:index:AlertRule``, named by its id) holding, per project,
a ``Monitor`` and an ``Alert`` for a metric rule or an ``Alert`` for an issue rule. Logical names
come from rule ids and project slugs, so renaming a rule never replaces it.
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

from sentry_iac.config.alerts import AlertRule
from sentry_iac.config.loader import Spec
from sentry_iac.config.stack_views import StackRule, stack_rules
from sentry_iac.providers.alert_resources import Alert, Monitor
from sentry_iac.resources.legacy_alerts import legacy_alert
from sentry_iac.resources.lifecycle import component_options, renamed_aliases
from sentry_iac.resources.payloads.monitors import detector_payload, workflow_payload


def project_renamed(item: StackRule) -> list[pulumi.Alias]:
    """Aliases for a rule's resources whose project was renamed (their names carry its slug)."""
    return renamed_aliases(item.key, item.project.slug, item.project.previous_slugs)


class AlertRuleComponent(pulumi.ComponentResource):
    def __init__(self, rule: AlertRule, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("sentry-iac:index:AlertRule", rule.id, None,
                         component_options(rule.id, rule.previous_ids, opts))


def anomaly_sources(spec: Spec, item: StackRule) -> dict[str, str] | None:
    """Where an anomaly rule's ``anomaly:`` and ``window`` are declared (this stack's override
    first), by the monitor's API fields: the provider names them when Sentry refuses the
    monitor (``providers.anomaly``). None for rules with thresholds."""
    if item.anomaly is None:
        return None
    found = next(((name, index, rule) for name, alerts_file in spec.alert_files()
                  for index, rule in enumerate(alerts_file.alerts) if rule.id == item.rule.id),
                 None)
    if found is None:
        return None
    name, index, rule = found
    override = rule.environments.get(item.stack)
    places = {}
    for key in ("anomaly", "window"):
        overridden = override is not None and getattr(override, key) is not None
        path = ("environments", item.stack, key) if overridden else (key,)
        places[key] = spec.where(("alerts", index, *path), file=name)
    return {"config.detectionType": places["anomaly"], "conditionGroup": places["anomaly"],
            "dataSources.0.timeWindow": places["window"]}


def _monitors_backend(item: StackRule, organization: str, parent: pulumi.Resource,
                      depends_on: list[pulumi.Resource],
                      adopted: Mapping[tuple[str, str], str] | None = None,
                      sources: Mapping[str, str] | None = None) -> None:
    opts = pulumi.ResourceOptions(parent=parent, depends_on=depends_on,
                                  aliases=project_renamed(item))
    adopted = adopted or {}
    detectors: list[pulumi.Input[str]] = []
    if item.rule.is_metric:
        monitor = Monitor(item.key, organization=organization, project=item.project.slug,
                          detector=detector_payload(item),
                          adopt=adopted.get(("Monitor", item.key)), opts=opts,
                          renamed_from=item.project.previous_slugs, sources=sources)
        detectors.append(monitor.id)
    Alert(item.key, organization=organization, project=item.project.slug,
          workflow=workflow_payload(item), detectors=detectors, priority=item.priority,
          adopt=adopted.get(("Alert", item.key)), opts=opts,
          renamed_from=item.project.previous_slugs)


def build_alerts(
    spec: Spec, stack: str, projects: Mapping[str, pulumi.Resource],
    team_ids: Mapping[str, pulumi.Output[str]], opts: pulumi.ResourceOptions,
) -> None:
    """Register this stack's alert rules; ``projects`` are the project components (the
    monitors wait for them, so a project exists before its monitors)."""
    backend = spec.stack(stack).alerts_backend
    adopted = spec.adoptions.get(stack, {})  # objects `sentry-iac import` found in Sentry
    components: dict[str, AlertRuleComponent] = {}
    for item in stack_rules(spec, stack):
        component = components.get(item.rule.id)
        if component is None:
            component = components[item.rule.id] = AlertRuleComponent(item.rule, opts)
        depends_on = [projects[item.project.slug]]
        if backend == "legacy":
            legacy_alert(item, spec.org.organization, team_ids, component, depends_on)
        else:
            _monitors_backend(item, spec.org.organization, component, depends_on, adopted,
                              anomaly_sources(spec, item))
