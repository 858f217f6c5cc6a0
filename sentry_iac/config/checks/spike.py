"""``spike/...``: spike-protection notifications sent where Sentry documents them.

Which services a spike-protection notification may use is registered in getsentry (private:
``ActionTrigger.GS_SPIKE_PROTECTION``, notifications/models/notificationaction.py); Sentry's
serializer documents email, slack, sentry_notification, pagerduty and opsgenie
(notification_action_request.py), and terraform-provider-sentry's ``sentry_notification_action``
accepts exactly those. Of our channel kinds, slack, pagerduty and opsgenie are among them;
Sentry's own notification is ``owners_and_managers: true``. What an ``email`` action targets is
documented nowhere, so email channels are refused too.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentry_iac.config.checks.context import CheckContext, Finding
from sentry_iac.config.checks.registry import check
from sentry_iac.sentry.spike import SERVICES


@check("spike/channel-kind", "spike_notifications names a channel of a kind Sentry does not "
                             "document for spike notifications", after_validation=True)
def channel_kind(context: CheckContext) -> Iterator[Finding]:
    org, source = context.model, context.org_source
    if org is None or source is None or org.spike_notifications is None:
        return
    allowed = ", ".join(SERVICES)
    for j, name in enumerate(org.spike_notifications.channels):
        channel = org.channels.get(name)
        if channel is not None and channel.kind not in SERVICES:
            yield Finding(source, ("spike_notifications", "channels", j), (
                f"'{name}' is {_article(channel.kind)} {channel.kind} channel; Sentry "
                f"documents spike-protection notifications for {allowed} (and its own email "
                "to the owners and managers: owners_and_managers: true)"))


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
