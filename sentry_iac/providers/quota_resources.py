"""The Pulumi side of team roles and spike protection: dynamic resources with readable type
tokens (``pulumi-python:dynamic/sentry-iac:TeamRole``). Every one is ``retain_on_delete``:
removing it from the YAML releases it, and Sentry keeps the role, switch or notification."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi

from sentry_iac.providers.dynamic import SentryResource
from sentry_iac.providers.resources import released_on_removal
from sentry_iac.providers.spike import SpikeNotificationProvider, SpikeProtectionProvider
from sentry_iac.providers.team_roles import MEMBER_ID, TeamRoleProvider


class TeamRole(SentryResource, module="sentry-iac", name="TeamRole"):
    """A member's declared role on one team (``payloads.access.team_role_inputs``)."""

    def __init__(self, name: str, *, inputs: Mapping[str, Any], member_id: pulumi.Input[str],
                 opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(TeamRoleProvider(), name, {**inputs, MEMBER_ID: member_id},
                         released_on_removal(opts))


class SpikeProtection(SentryResource, module="sentry-iac", name="SpikeProtection"):
    """A project's spike protection, on or off."""

    def __init__(self, name: str, *, organization: str, project: pulumi.Input[str],
                 enabled: bool, source: str, opts: pulumi.ResourceOptions | None = None,
                 renamed_from: Sequence[str] = ()) -> None:
        super().__init__(SpikeProtectionProvider(), name,
                         {"organization": organization, "project": project, "enabled": enabled,
                          "source": source}, released_on_removal(opts), renamed_from)


class SpikeNotification(SentryResource, module="sentry-iac", name="SpikeNotification"):
    """One destination told of spikes, for the projects it covers."""

    def __init__(self, name: str, *, organization: str, destination: Mapping[str, Any],
                 projects: Sequence[str], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(SpikeNotificationProvider(), name,
                         {"organization": organization, "via": destination["via"],
                          "destination": dict(destination), "projects": list(projects)},
                         released_on_removal(opts))
