"""Pulumi's provider serializer wraps the pickler once per dynamic resource and never unwraps;
sentry-iac's resources undo that, so a program with thousands of them still serializes (that
Pulumi still wraps it: tests/test_pulumi_sdk.py)."""

from __future__ import annotations

from sentry_iac.providers.alerting import MonitorProvider
from sentry_iac.providers.pickling import unwrap_pulumi_pickler
from sentry_iac.pulumi_sdk import serialize_provider


def test_thousands_of_dynamic_resources_serialize() -> None:
    provider = MonitorProvider()
    for _ in range(3000):  # well past Python's default recursion limit of 1000
        unwrap_pulumi_pickler()
        assert serialize_provider(provider)
    unwrap_pulumi_pickler()
