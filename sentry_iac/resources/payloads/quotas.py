"""Client key rate limits and spike protection as sent to Sentry. Pulumi-free.

A key's limit goes to pulumiverse_sentry's ``SentryKey`` (``rate_limit_count`` and
``rate_limit_window``, which terraform-provider-sentry 0.11.2 sends as ``rateLimit``); spike
protection and its notifications go to sentry-iac's own providers (``providers.spike``), which
resolve channel names to Sentry's ids at deploy time.
"""

from __future__ import annotations

from typing import Any

from sentry_iac.config.models import Channel, Organization, Project
from sentry_iac.sentry.keys import COUNT_INPUT, WINDOW_INPUT
from sentry_iac.sentry.spike import OWNERS_AND_MANAGERS

# The destination name of Sentry's own notification (no channel of the YAML).
OWNERS_DESTINATION = "owners-and-managers"


def key_rate_limit(project: Project, stack: str) -> dict[str, int]:
    """The ``SentryKey`` inputs of ``stack``'s key limit; empty when it is not managed."""
    limit = project.rate_limit.for_stack(stack) if project.rate_limit is not None else None
    if limit is None:
        return {}
    return {COUNT_INPUT: limit.count, WINDOW_INPUT: limit.window}


def destination(name: str, channel: Channel) -> dict[str, Any]:
    """A channel as the notification provider resolves it: its kind and settings."""
    kind = channel.kind
    settings = getattr(channel, kind).model_dump(exclude_none=True, exclude_defaults=True)
    return {"via": name, "kind": kind, **settings}


def spike_destinations(org: Organization) -> list[dict[str, Any]]:
    """Every destination of ``spike_notifications``, in the order the YAML lists them."""
    notices = org.spike_notifications
    if notices is None:
        return []
    out = [destination(name, org.channels[name]) for name in notices.channels]
    if notices.owners_and_managers:
        out.append({"via": OWNERS_DESTINATION, "kind": OWNERS_AND_MANAGERS})
    return out


def spike_projects(org: Organization) -> list[str]:
    """The projects whose spikes are told: those listed, else every declared project."""
    notices = org.spike_notifications
    if notices is not None and notices.projects is not None:
        return list(notices.projects)
    return [p.slug for p in org.projects]
