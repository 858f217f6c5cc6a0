"""An edit made in Sentry's UI that the next update overwrites is named first, field by field
with both values, where the engine shows a dynamic provider's output: at the update itself
(even when the YAML change behind it is elsewhere in the object), and in the preview once a
refresh has seen it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.engine.engine import Deployment, Resource, StackEngine
from tests.engine.sentry import edit_in_sentry, empty_organization
from tests.fake_sentry import FakeSentry
from tests.fake_sentry.fixtures import FAKE_TOKEN
from tests.helpers import copy_project

MONITOR = "high-error-rate/spms-backend"
EDITED = "conditions[0].comparison: Sentry has 99999, the last up wrote 10"


def _drift_lines(deployment: Deployment) -> list[str]:
    lines = deployment.host_stderr
    return [line for i, line in enumerate(lines) if line.startswith("    ")
            and any(head.startswith("sentry-iac: Monitor 'High error rate [production]'")
                    for head in lines[:i])]


@contextmanager
def edited_in_sentry(tmp_path: Path) -> Iterator[tuple[Path, FakeSentry, StackEngine, Resource]]:
    """The production stack deployed, then its monitor's threshold raised in Sentry's UI."""
    program = copy_project(tmp_path / "project")
    with empty_organization() as fake:
        engine = StackEngine(program, "production", fake, token=FAKE_TOKEN)
        assert engine.up().ok
        monitor = next(r for r in engine.state.values()
                       if r.kind == "Monitor" and r.name == MONITOR)
        edit_in_sentry(fake, monitor)
        yield program, fake, engine, monitor


def test_an_update_names_the_edits_in_sentry_it_overwrites(tmp_path: Path) -> None:
    with edited_in_sentry(tmp_path) as (program, fake, engine, monitor):
        errors = program / "alerts" / "errors.yaml"
        errors.write_text(errors.read_text().replace(
            "    window: 1m\n    critical: above 10", "    window: 5m\n    critical: above 10"))

        preview = engine.preview()  # no refresh: the state cannot know of the edit yet
        assert preview.ok and not _drift_lines(preview)
        up = engine.up()
        assert up.ok, up.explain()
        assert any("this update overwrites it with the YAML's values" in line
                   for line in up.host_stderr), up.host_stderr
        assert EDITED in [line.strip() for line in _drift_lines(up)]
        assert "dataSources[0].timeWindow" not in "\n".join(_drift_lines(up))  # the YAML's own
        group = fake.org.detectors[monitor.id].condition_group
        assert group is not None and group["conditions"][0]["comparison"] == 10


def test_a_preview_after_refresh_names_what_the_next_up_writes_back(tmp_path: Path) -> None:
    with edited_in_sentry(tmp_path) as (_, _, engine, _):
        assert engine.refresh().ok
        preview = engine.preview()
        assert preview.ok and preview.exchanges == []
        assert any("the next up writes the YAML's values back" in line
                   for line in preview.host_stderr)
        assert [line.strip() for line in _drift_lines(preview)] == [EDITED]


def test_a_settings_update_names_the_fields_it_overwrites(tmp_path: Path) -> None:
    """Settings are written field by field: only a field the YAML changes is written, and if
    Sentry's UI changed it since the last up, both values are named first."""
    program = copy_project(tmp_path / "project")
    with empty_organization() as fake:
        engine = StackEngine(program, "production", fake, token=FAKE_TOKEN)
        assert engine.up().ok
        fake.org.settings["storeCrashReports"] = 5  # in Sentry's UI
        fake.org.settings["scrubIPAddresses"] = False  # another field, the YAML leaves alone
        org = program / "org.yaml"
        org.write_text(org.read_text().replace("store_crash_reports: 0",
                                               "store_crash_reports: 10"))
        up = engine.up()
        assert up.ok, up.explain()
        lines = [line.strip() for line in up.host_stderr]
        assert "storeCrashReports: Sentry has 5, the last up wrote 0" in lines, lines
        assert not [line for line in lines if line.startswith("scrubIPAddresses")]
        assert fake.org.settings["storeCrashReports"] == 10
        assert fake.org.settings["scrubIPAddresses"] is False  # not written back
