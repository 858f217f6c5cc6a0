"""A guard around a bug in Pulumi's Python SDK.

``pulumi.dynamic.serialize_provider`` wraps ``pickle._Pickler._batch_setitems`` to sort dicts and
never unwraps it, so every dynamic resource created in one process adds a wrapper. A program
with about a thousand dynamic resources (alert rules in a large organisation) then fails with
"maximum recursion depth exceeded". Each dynamic resource of sentry-iac puts the original back
before Pulumi wraps it again, so the depth stays at one wrapper.
"""

from __future__ import annotations

from sentry_iac.pulumi_sdk import restore_batch_setitems


def unwrap_pulumi_pickler() -> None:
    restore_batch_setitems()
