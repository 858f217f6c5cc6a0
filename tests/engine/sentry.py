"""The fake Sentry as the engine tests find it, and the changes they make to it behind the
stack's back (as a person would in Sentry's UI)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.engine.engine import Resource
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN

SETTINGS_KINDS = ("OrganizationPrivacy", "OrganizationSecurity", "ProjectPrivacy",
                  "ProjectDetails", "ProjectFingerprinting", "ProjectPerformanceIssues",
                  "EnvironmentVisibility")
OBJECT_KINDS = ("Monitor", "Alert", "CronMonitor", "CronAlert", "Dashboard")
# A member's declared team role: the example's manager is team admin on science-projects.
ACCESS_KINDS = ("TeamRole",)
# Nothing of theirs can be edited in Sentry: no drift to see or repair (Sentry's defaults are
# taken off once; a repository is linked or not).
ONCE_KINDS = ("ProjectDefaults", "Repository")
MANAGING_KINDS = SETTINGS_KINDS + OBJECT_KINDS + ACCESS_KINDS
ALL_KINDS = MANAGING_KINDS + ONCE_KINDS


@contextmanager
def empty_organization(slug: str = "dbca", *, slugs_in_project_queries: bool = True
                       ) -> Iterator[FakeSentry]:
    """An organisation with only what is installed by hand in Sentry: the integrations the
    example's channels name. Teams, projects and members come from the first `up`.
    ``slugs_in_project_queries=False`` is Sentry before 2026, which takes only numeric ids in
    ``?project=`` (fake_sentry.listing.project_ids)."""
    with FakeSentry(token=FAKE_TOKEN, org_slug=slug) as fake:
        org = fake.org
        org.project_slugs_in_queries = slugs_in_project_queries
        org.add_integration("pagerduty", name="DBCA PagerDuty", services=["SPMS"])
        org.add_integration("msteams", name="DBCA")
        org.add_integration("github", name="dbca-wa")
        yield fake
    assert not fake.internal_errors, "\n".join(fake.internal_errors)


def _workflow(fake: FakeSentry, resource: Resource) -> Any:
    return fake.org.workflows[resource.id]


def edit_in_sentry(fake: FakeSentry, resource: Resource) -> None:
    """Change what ``resource`` manages, as someone would in Sentry's UI."""
    org, kind, inputs = fake.org, resource.kind, resource.inputs
    if kind == "Monitor":
        group = org.detectors[resource.id].condition_group
        assert group is not None
        conditions = group["conditions"]
        conditions[0]["comparison"] = 99999
    elif kind in ("Alert", "CronAlert"):
        _workflow(fake, resource).enabled = False
    elif kind == "CronMonitor":
        org.monitors[inputs["monitor"]["slug"]].config["checkin_margin"] = 7
    elif kind == "Dashboard":
        org.dashboards[resource.id].filters["period"] = "90d"
    elif kind == "EnvironmentVisibility":
        org.projects[inputs["project"]].environments[inputs["environment"]].is_hidden = False
    elif kind in ("OrganizationPrivacy", "OrganizationSecurity"):
        key = next(iter(inputs["settings"]))
        org.settings[key] = _other(org.settings[key])
    elif kind == "ProjectPerformanceIssues":
        project = org.projects[inputs["project"]]
        key = next(k for k in inputs["settings"] if k.endswith("_threshold"))
        project.performance[key] = int(inputs["settings"][key]) + 100
    elif kind == "ProjectDetails":
        project = org.projects[inputs["project"]]
        project.platform = "other"
        project.settings["resolveAge"] = 1
    elif kind == "TeamRole":
        # Demoted to member in Sentry's UI: a manager's team admin came with the role, so the
        # member is now a contributor on the team (no team role was stored for a manager).
        member = org.members[str(resource.outputs["member_id"])]
        member.role = "member"
        member.team_roles[inputs["team"]] = None
    elif kind in ONCE_KINDS:
        return
    else:  # ProjectPrivacy, ProjectFingerprinting: project options
        project = org.projects[inputs["project"]]
        key = next(iter(inputs["settings"]))
        project.settings[key] = _other(project.settings[key])


def _other(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, str):
        return value + "\n# edited in Sentry"
    if isinstance(value, list):
        return [*value, "edited-in-sentry"]
    return (value or 0) + 1


def delete_in_sentry(fake: FakeSentry, resource: Resource) -> None:
    """Remove what ``resource`` manages from Sentry. A settings resource's object (the
    organisation, a project, an environment, which Sentry's UI can hide but not delete) cannot
    go without everything else: a project's (its settings, its environments, Sentry's defaults
    taken off it) goes with its project, deleted for now (``fake.vanish``: left out of the
    project list and 404 under it, until ``fake.restore()``); the organisation's next GET is
    answered 404 (once, whichever of its kinds asks), as Sentry would once it is gone."""
    org, kind, inputs = fake.org, resource.kind, resource.inputs
    # Deleting a monitor or an alert deletes its links too (DetectorWorkflow rows cascade).
    if kind == "Monitor":
        del org.detectors[resource.id]
        org.links = {(d, w) for d, w in org.links if d != resource.id}
    elif kind in ("Alert", "CronAlert"):
        del org.workflows[resource.id]
        org.links = {(d, w) for d, w in org.links if w != resource.id}
    elif kind == "CronMonitor":
        del org.monitors[inputs["monitor"]["slug"]]
    elif kind == "Dashboard":
        del org.dashboards[resource.id]
    elif kind == "Repository":
        org.repositories[resource.id].status = "pending_deletion"  # unlinked in Sentry's UI
    elif kind == "TeamRole":  # the member removed in Sentry's UI (Terraform adds them back)
        fake.vanish_member(str(resource.outputs["member_id"]))
    elif "project" in inputs:
        fake.vanish(inputs["project"])
    else:
        path = settings_path(resource)
        if not any(f.path == path and f.fired < f.times for f in fake.faults.faults):
            fake.fail("GET", path, status=404, times=1,
                      body={"detail": "The requested resource does not exist"})


def settings_path(resource: Resource) -> str:
    inputs = resource.inputs
    if resource.kind.startswith("Organization"):
        return f"/api/0/organizations/{inputs['organization']}/"
    if resource.kind == "ProjectPerformanceIssues":
        return (f"/api/0/projects/{inputs['organization']}/{inputs['project']}/"
                "performance-issues/configure/")
    if resource.kind == "EnvironmentVisibility":
        return (f"/api/0/projects/{inputs['organization']}/{inputs['project']}/"
                f"environments/{inputs['environment']}/")
    return f"/api/0/projects/{inputs['organization']}/{inputs['project']}/"
