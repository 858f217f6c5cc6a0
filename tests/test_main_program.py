"""The real ``__main__.py``, as the Pulumi CLI runs it, registers what the offline engine's direct
call of the program registers. Everything else plans through the direct call, so this is the one
test that runs the file itself."""

from __future__ import annotations

import runpy

import pytest

from sentry_iac.config.loader import load_spec
from sentry_iac.offline.engine import run_program, run_under_mocks
from sentry_iac.offline.mocks import SpecMocks
from tests.helpers import EXAMPLE

STACK = "staging"


def test_main_file_registers_what_the_direct_call_registers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Under the CLI the program needs a token (it is not offline); as for `pulumi preview`, it
    # checks none with Sentry, so nothing leaves the machine.
    monkeypatch.setenv("SENTRY_AUTH_TOKEN", "sntrys_main-program-test-token")
    monkeypatch.delenv("SENTRY_IAC_READ_ONLY_TOKEN", raising=False)
    spec = load_spec(EXAMPLE)

    def run_main_file() -> None:
        runpy.run_path(str(EXAMPLE / "__main__.py"), run_name="__main__")

    from_main = run_under_mocks(EXAMPLE, STACK, spec.project, SpecMocks(spec),
                                run_main_file, preview=True)
    direct = run_program(EXAMPLE, STACK, spec.project, spec)

    registered = from_main.monitor.registered
    types = {r.type.rsplit(":", 1)[-1] for r in registered}
    assert {"SentryKey", "Monitor", "Alert", "CronAlert", "Dashboard"} <= types
    provider = next(r for r in registered if r.type == "pulumi:providers:sentry")
    assert provider.inputs["token"] == "[secret]"
    # Registration order follows the SDK's scheduling, which varies from run to run (plans
    # print in their own order), so the two are compared by URN.
    by_urn = {r.urn: r for r in registered}
    assert len(by_urn) == len(registered) == len(direct.monitor.registered)
    assert by_urn == {r.urn: r for r in direct.monitor.registered}
    assert sorted(map(repr, from_main.mocks.lookups)) == sorted(map(repr, direct.mocks.lookups))
    assert from_main.outputs == direct.outputs
