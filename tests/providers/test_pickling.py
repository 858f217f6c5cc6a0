"""Pulumi's provider serializer wraps the pickler once per dynamic resource and never unwraps;
sentry-iac's resources undo that, so a program with thousands of them still serializes."""

from __future__ import annotations

import pickle

from pulumi.dynamic.dynamic import serialize_provider

from sentry_iac.providers.alerting import MonitorProvider
from sentry_iac.providers.pickling import _ORIGINAL_BATCH_SETITEMS, unwrap_pulumi_pickler


def test_pulumi_leaves_the_pickler_wrapped() -> None:
    serialize_provider(MonitorProvider())
    assert pickle._Pickler._batch_setitems is not _ORIGINAL_BATCH_SETITEMS  # type: ignore[attr-defined]
    unwrap_pulumi_pickler()
    assert pickle._Pickler._batch_setitems is _ORIGINAL_BATCH_SETITEMS  # type: ignore[attr-defined]


def test_thousands_of_dynamic_resources_serialize() -> None:
    provider = MonitorProvider()
    for _ in range(3000):  # well past Python's default recursion limit of 1000
        unwrap_pulumi_pickler()
        assert serialize_provider(provider)
    unwrap_pulumi_pickler()
