"""Spike protection and its notifications in Sentry's words (stdlib only).

What is public, and where:

* The switch lives in the project option ``quotas:spike-protection-disabled``
  (``models/options/project_option.py`` lists it; ``api/serializers/models/project.py``
  ``DetailedProjectSerializer.format_options`` answers it raw under ``options``: null until it
  is first set). The endpoints that turn it on and off, ``POST`` and ``DELETE
  organizations/{org}/spike-protections/`` with ``{"projects": [slug, ...]}`` (201 and 200),
  are getsentry's (private): only Sentry's OpenAPI schema and terraform-provider-sentry
  (``resource_project_spike_protection.go``) are evidence of how they behave. Self-hosted
  Sentry has neither the endpoints nor spike protection.
* Notifications are notification actions (``notifications/models/notificationaction.py``):
  trigger ``spike-protection`` is ``ActionTrigger.GS_SPIKE_PROTECTION`` ("registrations in
  getsentry"), so which services it may use is private too. Sentry's serializer documents
  ``email``, ``slack``, ``sentry_notification``, ``pagerduty`` and ``opsgenie``
  (``notifications/api/serializers/notification_action_request.py``), Terraform's
  ``sentry_notification_action`` accepts exactly those, and Sentry's API docs show
  ``sentry_notification`` with target ``default`` as "organization owners and managers can
  receive an email when a spike occurs".
"""

from __future__ import annotations

from typing import Final

DISABLED_OPTION: Final = "quotas:spike-protection-disabled"
TRIGGER: Final = "spike-protection"
TARGET_SPECIFIC: Final = "specific"
# Our channel kind -> Sentry's service type, for the kinds sentry-iac sends spike
# notifications to; the organisation's owners and managers are Sentry's own notification.
SERVICES = {"slack": "slack", "pagerduty": "pagerduty", "opsgenie": "opsgenie"}
OWNERS_AND_MANAGERS: Final = "sentry_notification"
DEFAULT_TARGET: Final = "default"  # the sentry_notification target in Sentry's docs
