"""Client key rate limits, spike protection and spike notifications -> the YAML.

Each is declared only where Sentry holds a value: a key without a limit, a project whose
spike-protection option was never set, an organisation without spike notifications leave the
YAML without the key, so nothing is managed that was not chosen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sentry_iac.config.durations import format_duration
from sentry_iac.importer.convert.channels import ChannelBook
from sentry_iac.importer.convert.problems import NotExpressible
from sentry_iac.importer.read.snapshot import Json, ProjectData, Snapshot
from sentry_iac.importer.report import Report
from sentry_iac.sentry.keys import RATE_LIMIT, WINDOW_MAX_SECONDS
from sentry_iac.sentry.spike import DISABLED_OPTION, OWNERS_AND_MANAGERS, SERVICES, TRIGGER


def _limit(key: Json | None) -> Json | None:
    """A key's ``rateLimit`` as ``{count, per}``; None when it has none (or none we can
    write: Sentry's window is at most a day, as ours is)."""
    limit = (key or {}).get(RATE_LIMIT)
    if not isinstance(limit, dict) or not limit.get("count") or not limit.get("window"):
        return None
    window = int(limit["window"])
    if window > WINDOW_MAX_SECONDS:
        return None
    return {"count": int(limit["count"]), "per": format_duration(window)}


def rate_limit(data: ProjectData, key_ids: Mapping[str, str]) -> Json | None:
    """``rate_limit`` of a project from the key each stack adopts (stack -> key id): one limit
    when every stack's key has the same, else one per stack."""
    keys = {str(k["id"]): k for k in data.keys}
    limits = {stack: _limit(keys.get(key_id)) for stack, key_id in key_ids.items()}
    found = {stack: limit for stack, limit in limits.items() if limit is not None}
    if not found:
        return None
    values = list(found.values())
    if len(found) == len(limits) and all(v == values[0] for v in values):
        return dict(values[0])
    return {"environments": found}


def spike_protection(detail: Json) -> bool | None:
    """True or false where Sentry's option is set; None (not managed) where it never was."""
    disabled = (detail.get("options") or {}).get(DISABLED_OPTION)
    return None if disabled is None else not bool(disabled)


def _as_workflow_action(action: Json) -> Json:
    """A notification action in the shape ChannelBook reads (a workflow action's)."""
    return {"type": action.get("serviceType"), "integrationId": action.get("integrationId"),
            "data": {}, "config": {"targetType": action.get("targetType"),
                                   "targetIdentifier": action.get("targetIdentifier"),
                                   "targetDisplay": action.get("targetDisplay")}}


def spike_notifications(snapshot: Snapshot, book: ChannelBook, declared: Iterable[str],
                        report: Report) -> tuple[Json | None, dict[str, str]]:
    """``spike_notifications`` and the Sentry id of each destination's action (by the name
    the program gives its resource), from the organisation's spike-protection actions."""
    declared = list(declared)
    channels: list[str] = []
    owners = False
    ids: dict[str, str] = {}
    covered: set[str] | None = None
    for action in snapshot.notification_actions:
        if action.get("triggerType") != TRIGGER:
            continue
        subject = f"spike notification {action.get('id')}"
        service = str(action.get("serviceType"))
        slugs = {snapshot.project_slug(p) for p in action.get("projects") or []}
        projects = {s for s in slugs if s is not None}
        if covered is not None and projects != covered:
            report.skip(subject, "it covers other projects than the organisation's other spike "
                                 "notifications; sentry-iac declares one list for all")
            continue
        if service == OWNERS_AND_MANAGERS:
            name = "owners-and-managers"
            owners = True
        elif service in SERVICES.values():
            try:
                wanted, channel = book.convert(_as_workflow_action(action))
            except NotExpressible as exc:
                report.skip(subject, str(exc))
                continue
            name = book.register(wanted, channel)
            channels.append(name)
        else:
            report.skip(subject, f"its {service} service is not one sentry-iac sends spike "
                                 "notifications to (slack, pagerduty, opsgenie, or the email "
                                 "to owners and managers)")
            continue
        covered = projects
        ids[name] = str(action["id"])
        report.adopted["spike notifications"] += 1
    if not ids:
        return None, {}
    out: dict[str, Any] = {}
    if channels:
        out["channels"] = channels
    if owners:
        out["owners_and_managers"] = True
    if covered is not None and sorted(covered) != sorted(declared):
        out["projects"] = sorted(covered)
    return out, ids
