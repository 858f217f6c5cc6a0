"""The option filters' Read answers from the organisation's project list, whose items carry
their rows (``sentry:blacklisted_ips`` and the rest are in Sentry's ``OPTION_KEYS``), and
reads the project on its own where the list cannot tell. In-process, beside the engine test
of ``tests/engine/test_triage.py`` that drives the same Reads through Pulumi's provider host."""

from __future__ import annotations

from typing import Any

from sentry_iac.providers.inbound_filters import InboundFiltersProvider
from tests.fake_sentry import FakeSentry
from tests.providers.scaffold import configured

LIST = "/api/0/organizations/dbca/projects/"
BACKEND, FRONTEND = "spms-backend", "spms-frontend"
IPS, CHUNKS = "filters:blacklisted_ips", "filters:chunk-load-error"


def _props(project: str, **settings: Any) -> dict[str, Any]:
    return {"organization": "dbca", "project": project, "settings": settings, "sources": {}}


def _gets(fake: FakeSentry) -> list[str]:
    return [e.path for e in fake.exchanges if e.method == "GET"]


def _read(provider: InboundFiltersProvider, project: str, **settings: Any) -> dict[str, Any]:
    outs = provider.read(f"dbca/{project}", _props(project, **settings)).outs or {}
    return dict(outs["settings"])


def test_the_option_filters_of_every_project_come_from_one_project_list(
        fake: FakeSentry) -> None:
    fake.org.projects[BACKEND].options["sentry:blacklisted_ips"] = ["10.0.0.9"]  # in the UI
    fake.org.projects[FRONTEND].options[CHUNKS] = "0"
    provider = configured(InboundFiltersProvider(), fake)
    fake.clear_exchanges()
    assert _read(provider, BACKEND, **{IPS: "10.0.0.1"}) == {IPS: "10.0.0.9"}
    assert _read(provider, FRONTEND, **{IPS: "", CHUNKS: False}) == {IPS: "", CHUNKS: False}
    assert _gets(fake) == [LIST]


def test_a_switch_without_a_row_is_read_from_the_project(fake: FakeSentry) -> None:
    provider = configured(InboundFiltersProvider(), fake)
    fake.clear_exchanges()
    assert _read(provider, BACKEND, **{CHUNKS: True}) == {CHUNKS: True}  # Sentry's default
    assert _gets(fake) == [LIST, f"/api/0/projects/dbca/{BACKEND}/"]


def test_without_access_to_the_options_the_project_is_read_on_its_own(fake: FakeSentry) -> None:
    fake.org.project_access = False  # the list leaves the options out
    fake.org.projects[BACKEND].options["sentry:blacklisted_ips"] = ["10.0.0.9"]
    provider = configured(InboundFiltersProvider(), fake)
    fake.clear_exchanges()
    assert _read(provider, BACKEND, **{IPS: "10.0.0.1"}) == {IPS: "10.0.0.9"}
    assert _gets(fake) == [LIST, f"/api/0/projects/dbca/{BACKEND}/"]


def test_after_a_write_the_list_no_longer_answers_for_the_options(fake: FakeSentry) -> None:
    provider = configured(InboundFiltersProvider(), fake)
    _read(provider, FRONTEND, **{IPS: ""})  # the list is fetched, and kept
    provider.create(_props(BACKEND, **{IPS: "10.0.0.1"}))
    fake.org.projects[BACKEND].options["sentry:blacklisted_ips"] = ["10.0.0.2"]  # then the UI
    fake.clear_exchanges()
    # The list fetched before the write had no row: Sentry is asked again.
    assert _read(provider, BACKEND, **{IPS: "10.0.0.1"}) == {IPS: "10.0.0.2"}
    assert f"/api/0/projects/dbca/{BACKEND}/" in _gets(fake)
