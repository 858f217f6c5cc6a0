"""Sentry's alert actions -> named channels in ``org.yaml`` (the inverse of ``Resolver.action``).

Each distinct destination becomes one channel, named after what it reaches (``email-backend``,
``pagerduty-spms``, ``msteams-spms-alerts``); alerts that reach the same place share it.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from sentry_iac.config.models import Channel
from sentry_iac.importer.convert.names import UniqueNames, slugify
from sentry_iac.importer.convert.problems import NotExpressible
from sentry_iac.importer.read.snapshot import Json, Snapshot
from sentry_iac.sentry.actions import (
    ACTIVE_MEMBERS,
    OPSGENIE_DEFAULT_PRIORITY,
    PAGERDUTY_DEFAULT_SEVERITY,
    TARGET_TABLES,
)

_NO_CHANNEL_KIND = ("Sentry apps, webhooks, Jira, Azure DevOps and GitHub Enterprise have no "
                    "channel kind in sentry-iac")


class ChannelBook:
    """The channels found so far: ``channels`` maps name -> its YAML (``{kind: settings}``)."""

    def __init__(self, snapshot: Snapshot, members: dict[str, str]) -> None:
        """``members`` maps a user id to the email of a member the import declares."""
        self.integrations = {str(i["id"]): i for i in snapshot.integrations}
        self.teams = {str(t["id"]): str(t["slug"]) for t in snapshot.teams}
        self.members = members
        self.channels: dict[str, Json] = {}
        self._by_content: dict[str, str] = {}
        self._names = UniqueNames()

    def convert(self, action: Json) -> tuple[str, Json]:
        """(wanted name, channel) for an action, not registered yet; ``NotExpressible`` when
        no channel of ours can say it. Whether it is exact is settled by rendering it again
        (``verify``)."""
        kind, base, settings = self._convert(action)
        channel = {kind: settings}
        try:
            Channel.model_validate(channel)
        except ValidationError as exc:
            message = exc.errors()[0]["msg"]
            raise NotExpressible(f"its {kind} action does not fit a channel: {message}") from None
        return slugify(base, fallback=kind), channel

    def register(self, wanted: str, channel: Json) -> str:
        """The name of ``channel``: the one it already has, else ``wanted`` made unique."""
        content = json.dumps(channel, sort_keys=True)
        if content not in self._by_content:
            name = self._names.take(wanted)
            self._by_content[content] = name
            self.channels[name] = channel
        return self._by_content[content]

    def _integration(self, action: Json, kind: str) -> Json:
        integration = self.integrations.get(str(action.get("integrationId")))
        if integration is None or integration["provider"].get("key") != kind:
            raise NotExpressible(f"its {kind} action names integration "
                                 f"{action.get('integrationId')}, which is not installed")
        return integration

    def _convert(self, action: Json) -> tuple[str, str, dict[str, Any]]:
        kind = str(action.get("type"))
        config: Json = action.get("config") or {}
        data: Json = action.get("data") or {}
        target = config.get("targetIdentifier")
        if kind == "email":
            return self._email(config, data)
        if kind in ("pagerduty", "opsgenie"):
            integration = self._integration(action, kind)
            table, column = TARGET_TABLES[kind]
            rows = integration["configData"].get(table) or []
            row = next((r for r in rows if str(r.get("id")) == str(target)), None)
            if row is None:
                raise NotExpressible(f"its {kind} action names {column} {target}, which the "
                                     f"integration '{integration['name']}' does not list")
            name = str(row[column])
            if kind == "pagerduty":
                settings: dict[str, Any] = {"service": name}
                severity = data.get("priority", PAGERDUTY_DEFAULT_SEVERITY)
                if severity != PAGERDUTY_DEFAULT_SEVERITY:
                    settings["severity"] = severity
            else:
                settings = {"team": name}
                if data.get("priority", OPSGENIE_DEFAULT_PRIORITY) != OPSGENIE_DEFAULT_PRIORITY:
                    settings["priority"] = data["priority"]
            return kind, f"{kind}-{name}", settings
        if kind in ("msteams", "slack"):
            integration = self._integration(action, kind)
            channel = str(config.get("targetDisplay") or "")
            if kind == "slack":
                channel = channel if channel.startswith(("#", "@")) else f"#{channel}"
                return kind, f"slack-{channel}", {"workspace": integration["name"],
                                                  "channel": channel}
            return kind, f"msteams-{channel}", {"team": integration["name"], "channel": channel}
        if kind == "discord":
            integration = self._integration(action, kind)
            return kind, f"discord-{target}", {"server": integration["name"],
                                               "channel_id": str(target)}
        if kind == "github":
            fields = data.get("additionalFields") or {}
            repo = str(fields.get("repo") or "")
            settings = {"repo": repo}
            if fields.get("labels"):
                settings["labels"] = list(fields["labels"])
            return kind, f"github-{repo.rsplit('/', 1)[-1]}", settings
        raise NotExpressible(f"its '{kind}' action: {_NO_CHANNEL_KIND}")

    def _email(self, config: Json, data: Json) -> tuple[str, str, dict[str, Any]]:
        target_type = config.get("targetType")
        target = str(config.get("targetIdentifier"))
        if target_type == "issue_owners":
            fallthrough = data.get("fallthroughType", ACTIVE_MEMBERS)
            if fallthrough != ACTIVE_MEMBERS:
                raise NotExpressible(f"it emails issue owners with fallthrough '{fallthrough}'; "
                                     "sentry-iac falls through to active members only")
            return "email", "issue-owners", {"issue_owners": True}
        if target_type == "team":
            if target not in self.teams:
                raise NotExpressible(f"it emails team {target}, which is not in the "
                                     "organisation")
            return "email", f"email-{self.teams[target]}", {"team": self.teams[target]}
        if target_type == "user":
            if target not in self.members:
                raise NotExpressible(f"it emails user {target}, who is not an imported member")
            email = self.members[target]
            return "email", f"email-{email.split('@', 1)[0]}", {"member": email}
        raise NotExpressible(f"it emails a target of type '{target_type}'")
