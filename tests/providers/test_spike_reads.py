"""Spike protection's Read answers from the organisation's project list, whose items carry the
switch (``quotas:spike-protection-disabled`` is in Sentry's ``OPTION_KEYS``), and reads the
project on its own where the list cannot tell. In-process, beside the engine tests of
``tests/engine/test_quotas.py`` that drive the same Reads through Pulumi's provider host."""

from __future__ import annotations

from typing import Any

from sentry_iac.providers.spike import SpikeProtectionProvider
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.spike import DISABLED
from tests.providers.scaffold import configured

LIST = "/api/0/organizations/dbca/projects/"
BACKEND, FRONTEND = "spms-backend", "spms-frontend"


def _props(project: str, enabled: bool = True) -> dict[str, Any]:
    return {"organization": "dbca", "project": project, "enabled": enabled}


def _gets(fake: FakeSentry) -> list[str]:
    return [e.path for e in fake.exchanges if e.method == "GET"]


def test_the_switch_of_every_project_comes_from_one_project_list(fake: FakeSentry) -> None:
    fake.org.projects[BACKEND].options[DISABLED] = True  # turned off in Sentry's UI
    provider = configured(SpikeProtectionProvider(), fake)
    fake.clear_exchanges()
    backend = provider.read(f"dbca/{BACKEND}", _props(BACKEND)).outs
    frontend = provider.read(f"dbca/{FRONTEND}", _props(FRONTEND)).outs
    assert backend["enabled"] is False  # drift: the YAML says on
    assert frontend["enabled"] is None  # never set: Sentry holds no row
    assert _gets(fake) == [LIST]


def test_without_access_to_the_options_the_project_is_read_on_its_own(fake: FakeSentry) -> None:
    fake.org.project_access = False  # the list leaves the options out
    fake.org.projects[BACKEND].options[DISABLED] = False
    provider = configured(SpikeProtectionProvider(), fake)
    fake.clear_exchanges()
    assert provider.read(f"dbca/{BACKEND}", _props(BACKEND)).outs["enabled"] is True
    assert _gets(fake) == [LIST, f"/api/0/projects/dbca/{BACKEND}/"]


def test_after_a_write_the_list_no_longer_answers_for_the_switch(fake: FakeSentry) -> None:
    provider = configured(SpikeProtectionProvider(), fake)
    provider.read(f"dbca/{FRONTEND}", _props(FRONTEND))  # the list is fetched, and kept
    provider.create(_props(BACKEND, enabled=False))
    fake.org.projects[BACKEND].options[DISABLED] = False  # then turned on in Sentry's UI
    fake.clear_exchanges()
    # The list fetched before the write said "never set": Sentry is asked again.
    assert provider.read(f"dbca/{BACKEND}", _props(BACKEND)).outs["enabled"] is True
    assert _gets(fake) != []
