"""Spike protection per project and its notifications, through Sentry's REST API.

* ``SpikeProtectionProvider``: ``POST`` (on) and ``DELETE`` (off) ``organizations/{org}/
  spike-protections/`` with ``{"projects": [slug]}``, read back from the project option
  ``quotas:spike-protection-disabled`` (``sentry_iac.sentry.spike`` says what of it is public).
  ``create`` writes only when Sentry's switch is not already as the YAML says (null, never set,
  counts as not so); ``delete`` leaves the switch as it is (Terraform's
  ``sentry_project_spike_protection`` turns it off when removed; here removal releases).
* ``SpikeNotificationProvider``: one notification action (``organizations/{org}/notifications/
  actions/``, trigger ``spike-protection``) per destination, with the projects it covers.
  ``create`` takes over an action Sentry already has for the same destination (an interrupted
  up, or one made in Sentry's UI that ``import`` found) instead of making a second, and writes
  only when its projects differ; the answer Sentry gives (its ids: a Slack channel's, the
  projects') is kept as ``applied``, and ``read`` answers ``live`` in the same form, so a
  refresh shows an edit in Sentry's UI. ``delete`` leaves the action in Sentry (released).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pulumi.dynamic as dyn

from sentry_iac.providers import project_reads
from sentry_iac.providers.drift import report
from sentry_iac.providers.errors import SentryNotFoundError
from sentry_iac.providers.paths import api_path
from sentry_iac.providers.resolve import ResolveError, Resolver
from sentry_iac.providers.runtime import SentryApiProvider
from sentry_iac.sentry.project_options import listed_options
from sentry_iac.sentry.spike import (
    DEFAULT_TARGET,
    DISABLED_OPTION,
    OWNERS_AND_MANAGERS,
    SERVICES,
    TARGET_SPECIFIC,
    TRIGGER,
)

if TYPE_CHECKING:  # the HTTP client is loaded where a provider runs, not where it is declared
    from sentry_iac.providers.client import SentryClient

APPLIED, LIVE = "applied", "live"
# The fields of Sentry's answer (OutgoingNotificationActionSerializer) that say where it goes.
_COMPARED = ("serviceType", "integrationId", "targetType", "targetIdentifier", "targetDisplay")


class SpikeProtectionUnavailableError(RuntimeError):
    """Sentry has no spike-protections endpoint: a self-hosted Sentry."""


def enabled_in(options: Mapping[str, Any]) -> bool | None:
    """Spike protection of a project's options (the detail's, or the project list's: both
    raw): on, off, or None (never set)."""
    disabled = options.get(DISABLED_OPTION)
    return None if disabled is None else not bool(disabled)


def live_enabled(project: dict[str, Any]) -> bool | None:
    """Spike protection of a project answer: on, off, or None (never set)."""
    return enabled_in(project.get("options") or {})


def _switch_id(props: Mapping[str, Any]) -> str:
    """The resource's id, ``org/project``: also what it is in the project list's answer."""
    return f"{props['organization']}/{props['project']}"


class SpikeProtectionProvider(SentryApiProvider):
    identity = ("organization", "project")

    def check_inputs(self, news: dict[str, Any]) -> list[dyn.CheckFailure]:
        if not isinstance(news.get("enabled"), bool):
            return [dyn.CheckFailure("enabled", "enabled must be true or false")]
        return []

    def diff_inputs(self, _id: str, olds: dict[str, Any], news: dict[str, Any]
                    ) -> dyn.DiffResult:
        replaces = self.replacements(olds, news)
        moved = [k for k in self.identity if olds.get(k) != news.get(k)]
        changed = olds.get("enabled") != news.get("enabled")
        return dyn.DiffResult(changes=bool(moved or changed), replaces=replaces,
                              stables=list(self.identity), delete_before_replace=False)

    def _project(self, client: SentryClient, props: dict[str, Any]) -> dict[str, Any]:
        return client.get_object(api_path("projects", props["organization"], props["project"]))

    def _write(self, client: SentryClient, props: dict[str, Any]) -> bool:
        """Set the switch as the YAML says, if it is not; whether anything was written."""
        wanted = bool(props["enabled"])
        if live_enabled(self._project(client, props)) == wanted:
            return False
        org, slug = str(props["organization"]), str(props["project"])
        path = api_path("organizations", org, "spike-protections")
        body = {"projects": [slug]}
        try:
            if wanted:
                client.post(path, body)
            else:
                client.delete(path, json=body)
        except SentryNotFoundError:
            raise SpikeProtectionUnavailableError(
                f"{props.get('source') or 'spike_protection'}: Sentry has no spike-protections "
                "endpoint: spike protection is sentry.io's (getsentry), and a self-hosted "
                "Sentry has none. Remove spike_protection from org.yaml") from None
        finally:  # the project list and a shared GET no longer answer for the switch
            project_reads.wrote(self.reads(), project_reads.project_path(org, slug), org,
                                _switch_id(props))
        now = live_enabled(self._project(client, props))
        if now != wanted:
            raise RuntimeError(f"Sentry answered the spike-protection change of project "
                               f"'{props['project']}' but still reads it as "
                               f"{'unset' if now is None else ('on' if now else 'off')}")
        return True

    def create_object(self, props: dict[str, Any]) -> dyn.CreateResult:
        with self.client() as client:
            written = self._write(client, props)
        return dyn.CreateResult(_switch_id(props),
                                outs={**props, "written": written})

    def read_object(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        org, slug = str(props["organization"]), str(props["project"])
        with self.client() as client:
            # From the organisation's project list, shared by every kind's Reads (the switch
            # is one of the options it carries, raw as the detail answers it); a project it
            # cannot answer for is read on its own: 404 when it is gone, and the engine drops
            # this.
            reads = self.reads()
            item = project_reads.listed_project(reads, client, org, slug,
                                                reader="SpikeProtection", item=id_)
            options = None if item is None else listed_options(item)
            if options is not None:
                live = enabled_in(options)
            else:
                live = live_enabled(project_reads.shared_get(
                    reads, client, project_reads.project_path(org, slug),
                    reader="SpikeProtection"))
        return dyn.ReadResult(id_, {**props, "enabled": live})

    def update_object(self, _id: str, olds: dict[str, Any], news: dict[str, Any]
                      ) -> dyn.UpdateResult:
        with self.client() as client:
            live = live_enabled(self._project(client, news))
            if live != olds.get("enabled"):
                report(f"SpikeProtection '{news['project']}'", {"enabled": olds.get("enabled")},
                       {"enabled": live}, "this update writes the YAML's value back")
            written = self._write(client, news)
        return dyn.UpdateResult(outs={**news, "written": written})

    def delete_object(self, _id: str, props: dict[str, Any]) -> None:
        return None  # released: Sentry keeps the switch as it is


def _comparable(action: dict[str, Any]) -> dict[str, Any]:
    """Where an action of Sentry's answer goes, and the projects it covers (ids, sorted)."""
    out: dict[str, Any] = {key: (None if action.get(key) is None else str(action.get(key)))
                           for key in _COMPARED}
    out["projects"] = sorted(str(p) for p in action.get("projects") or [])
    return out


class SpikeNotificationProvider(SentryApiProvider):
    """``destination`` is a channel in our terms (``payloads.quotas.destination``)."""

    identity = ("organization", "via")

    def check_inputs(self, news: dict[str, Any]) -> list[dyn.CheckFailure]:
        kind = (news.get("destination") or {}).get("kind")
        if kind not in (*SERVICES, OWNERS_AND_MANAGERS):
            return [dyn.CheckFailure("destination", f"a spike notification cannot go to a "
                                                    f"{kind} channel")]
        if not news.get("projects"):
            return [dyn.CheckFailure("projects", "a spike notification needs a project")]
        return []

    def diff_inputs(self, _id: str, olds: dict[str, Any], news: dict[str, Any]
                    ) -> dyn.DiffResult:
        replaces = self.replacements(olds, news)
        changed = any(olds.get(k) != news.get(k) for k in ("destination", "projects"))
        drifted = olds.get(LIVE) is not None and olds.get(LIVE) != olds.get(APPLIED)
        if drifted:
            report(f"SpikeNotification '{news.get('via')}'", olds.get(APPLIED), olds.get(LIVE),
                   "the next up writes the YAML's values back")
        return dyn.DiffResult(changes=bool(replaces or changed or drifted), replaces=replaces,
                              stables=list(self.identity), delete_before_replace=False)

    # -- Sentry's terms ------------------------------------------------------------------------

    def _body(self, resolver: Resolver, props: dict[str, Any]) -> dict[str, Any]:
        """The request (NotificationActionSerializer: snake_case, as Sentry's schema documents
        it), with integration and target ids looked up by name."""
        dest = props["destination"]
        kind = dest["kind"]
        body: dict[str, Any] = {"trigger_type": TRIGGER, "target_type": TARGET_SPECIFIC,
                                "projects": list(props["projects"])}
        if kind == OWNERS_AND_MANAGERS:
            return {**body, "service_type": OWNERS_AND_MANAGERS,
                    "target_identifier": DEFAULT_TARGET, "target_display": DEFAULT_TARGET}
        if kind == "slack":
            integration = resolver.integration("slack", dest["workspace"])
            # Only the name: Sentry looks the channel's id up in Slack (validate_slack_channel).
            return {**body, "service_type": "slack", "integration_id": int(integration["id"]),
                    "target_display": dest["channel"]}
        if kind == "pagerduty":
            integration_id, service = resolver.pagerduty_service(dest["service"])
            return {**body, "service_type": "pagerduty", "integration_id": int(integration_id),
                    "target_identifier": service, "target_display": dest["service"]}
        if kind == "opsgenie":
            integration_id, team = resolver.opsgenie_team(dest["team"])
            return {**body, "service_type": "opsgenie", "integration_id": int(integration_id),
                    "target_identifier": team, "target_display": dest["team"]}
        raise ResolveError(f"a spike notification cannot go to a {kind} channel")

    def _project_ids(self, resolver: Resolver, props: dict[str, Any]) -> list[str]:
        return sorted(resolver.project_id(slug) for slug in props["projects"])

    def _same_destination(self, action: dict[str, Any], body: dict[str, Any]) -> bool:
        """Whether an action of Sentry's answer (camelCase) goes where ``body`` sends one."""
        if action.get("triggerType") != TRIGGER or action.get("serviceType") != body[
                "service_type"]:
            return False
        if str(action.get("integrationId")) != str(body.get("integration_id")):
            return False
        if body["service_type"] == "slack":  # Sentry keeps the display name as it was sent
            return str(action.get("targetDisplay") or "").lstrip("#@") == \
                str(body["target_display"]).lstrip("#@")
        return str(action.get("targetIdentifier")) == str(body.get("target_identifier"))

    def _path(self, props: dict[str, Any], *rest: str) -> str:
        return api_path("organizations", props["organization"], "notifications", "actions",
                        *rest)

    def _existing(self, client: SentryClient, props: dict[str, Any],
                  body: dict[str, Any]) -> dict[str, Any] | None:
        for action in client.paginate(self._path(props), {"triggerType": TRIGGER}):
            if self._same_destination(action, body):
                return action
        return None

    # -- the provider contract ---------------------------------------------------------------

    def create_object(self, props: dict[str, Any]) -> dyn.CreateResult:
        with self.client() as client:
            resolver = Resolver(client, props["organization"], self.lookups())
            body = self._body(resolver, props)
            wanted = self._project_ids(resolver, props)
            found = self._existing(client, props, body)
            if found is None:
                action = client.create(self._path(props), body)
                adopted = False
            elif sorted(str(p) for p in found.get("projects") or []) == wanted:
                action, adopted = found, True
            else:
                action = client.put(self._path(props, str(found["id"])), body)
                adopted = True
        applied = _comparable(action)
        return dyn.CreateResult(str(action["id"]), outs={
            **props, APPLIED: applied, LIVE: applied, "adopted": adopted})

    def read_object(self, id_: str, props: dict[str, Any]) -> dyn.ReadResult:
        with self.client() as client:  # 404 once deleted in Sentry: the engine drops it
            action = client.get_object(self._path(props, id_))
        return dyn.ReadResult(id_, {**props, LIVE: _comparable(action)})

    def update_object(self, id_: str, olds: dict[str, Any], news: dict[str, Any]
                      ) -> dyn.UpdateResult:
        with self.client() as client:
            resolver = Resolver(client, news["organization"], self.lookups())
            body = self._body(resolver, news)
            live = _comparable(client.get_object(self._path(news, id_)))
            report(f"SpikeNotification '{news['via']}'", olds.get(APPLIED), live,
                   "this update overwrites it with the YAML's values")
            action = client.put(self._path(news, id_), body)
        applied = _comparable(action if isinstance(action, dict) else {})
        return dyn.UpdateResult(outs={**news, APPLIED: applied, LIVE: applied})

    def delete_object(self, _id: str, props: dict[str, Any]) -> None:
        return None  # released: the action stays in Sentry (remove it in Sentry's UI)
