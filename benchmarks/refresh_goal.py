"""The refresh's goal, checked on the counted phases: at most ``resources / 50 + 10`` requests,
and what Sentry's API makes the floor.

A refresh reads monitors, alerts, repositories and the projects' settings from paged lists
(100 a page). One kind has no list: a project's performance-issue settings are read from
``/projects/{org}/{project}/performance-issues/configure/`` only
(``sentry:performance_issue_settings`` is not among the options the project list carries,
sentry_iac/sentry/project_options.py), so a refresh costs at least one request per project
with performance settings. The goal is checked on the rest; the floor says by how much the
whole refresh misses it.
"""

from __future__ import annotations

from typing import Any

from benchmarks.api_calls import Phase

PER_PROJECT = "GET project/performance-issues/configure/"


def budget(resources: int) -> float:
    return resources / 50 + 10


def refresh_goal(resources: int, refresh: Phase) -> dict[str, Any]:
    per_project = refresh.calls.get(PER_PROJECT, 0)
    rest = refresh.total - per_project
    return {"resources": resources, "requests": refresh.total, "budget": budget(resources),
            "met": refresh.total <= budget(resources),
            "per_project_reads": per_project, "listed_reads": rest,
            "listed_met": rest <= budget(resources)}


def refresh_lines(label: str, goal: dict[str, Any]) -> list[str]:
    verdict = "met" if goal["met"] else "NOT met"
    listed = "met" if goal["listed_met"] else "NOT met"
    return [
        f"  refresh at {label}: {goal['requests']} requests for {goal['resources']:,} "
        f"resources; at most resources/50 + 10 = {goal['budget']:.0f}: {verdict}",
        f"    {goal['per_project_reads']} of them are one per project (performance-issue "
        "settings: Sentry lists them nowhere in bulk); the other "
        f"{goal['listed_reads']}, within {goal['budget']:.0f}: {listed}",
    ]
