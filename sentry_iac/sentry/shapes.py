"""The shapes of the main alerting payloads, as sentry-iac sends them: a detector (metric
monitor), a workflow (alert) and their data conditions (SENTRY_ALERTS_API.md §2).

Actions stay ``dict``s: a payload names channels in our terms until the alert provider
resolves them to Sentry's actions at deploy time.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class DataCondition(TypedDict):
    """One condition: its type, what it compares with, and the result when it matches (a
    priority level in a detector, ``True`` in a workflow)."""

    type: str
    comparison: Any
    conditionResult: int | bool


class ConditionGroup(TypedDict):
    logicType: str
    conditions: list[DataCondition]


class MetricQuery(TypedDict):
    """What a metric monitor measures."""

    dataset: str
    aggregate: str
    query: str
    eventTypes: list[str]
    queryType: int


class DataSource(MetricQuery):
    """A detector's data source: its query, over a window, in one environment."""

    timeWindow: int  # seconds
    environment: str | None


class DetectorConfig(TypedDict):
    detectionType: str
    comparisonDelta: NotRequired[int]  # seconds, for percent detection


class Detector(TypedDict):
    """The body of ``POST /organizations/{org}/projects/{project}/detectors/``."""

    name: str
    type: str
    enabled: bool
    description: str | None
    dataSources: list[DataSource]
    config: DetectorConfig
    conditionGroup: ConditionGroup


class ActionFilter(TypedDict):
    """Conditions an issue must meet, and the actions taken when it does."""

    logicType: str
    conditions: list[DataCondition]
    actions: list[dict[str, Any]]


class Triggers(TypedDict):
    # snake_case, as Sentry's published schema spells it inside `triggers` (its serializer
    # converts camelCase anyway; see SENTRY_ALERTS_API.md §2.1).
    logic_type: str
    conditions: list[DataCondition]


class WorkflowConfig(TypedDict):
    frequency: int  # minutes between notices for one issue


class Workflow(TypedDict):
    """The body of ``POST /organizations/{org}/workflows/`` without ``detectorIds``."""

    name: str
    enabled: bool
    environment: str | None
    config: WorkflowConfig
    triggers: Triggers
    actionFilters: list[ActionFilter]
