"""The organisation's own checks: the config at the repository's root (``org.yaml``,
``alerts/*.yaml``, ``Pulumi.<stack>.yaml``), which its owners change in pull requests.

These tests belong to whoever owns that config, not to the tool: they fail only when the config
is wrong, and say where (``file:line:col``). Adding a valid project or rule leaves them green;
no snapshot has to be regenerated. The tool's own tests never read the root config: they use
the frozen copy in ``tests/fixtures/example/``. A fork replaces the root config and keeps these.

``uv run pytest tests/test_config.py -rP`` also prints each stack's ``render`` (what the
reviewer reads in the pull request); it is shown, not compared."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sentry_iac.cli.app import main
from sentry_iac.config.errors import SpecErrors
from sentry_iac.config.loader import Spec, load_spec
from sentry_iac.config.stack_views import stack_crons, stack_rules
from sentry_iac.offline.engine import run_offline
from sentry_iac.policies.offline import check_plan
from tests.helpers import PROJECT_ROOT

CONFIG = PROJECT_ROOT  # the organisation this repository declares
STACKS = sorted(p.name.split(".")[1] for p in CONFIG.glob("Pulumi.*.yaml"))


def loaded() -> Spec:
    """The root config, loaded; a config that does not load fails the test with validate's
    messages (a failure, not a fixture's error)."""
    try:
        return load_spec(CONFIG)
    except SpecErrors as exc:
        pytest.fail("\n".join(str(e) for e in exc.errors), pytrace=False)


def declarations(spec: Spec) -> Iterator[tuple[str, str]]:
    """(logical name, ``file:line:col: path``) of each project, member, cron and rule, so a
    policy's finding about a resource points at the lines that declare it."""
    for i, project in enumerate(spec.org.projects):
        yield project.slug, spec.where(("projects", i))
        for j, cron in enumerate(project.crons):
            yield f"{project.slug}/{cron.slug}", spec.where(("projects", i, "crons", j))
    for i, member in enumerate(spec.org.members):
        yield member.email, spec.where(("members", i))
    for name, alerts_file in spec.alert_files():
        for i, rule in enumerate(alerts_file.alerts):
            yield rule.id, spec.where(("alerts", i), file=name)


def located(spec: Spec, resource: str) -> str:
    where = dict(declarations(spec))
    return where.get(resource) or where.get(resource.split("/")[0]) or "org.yaml"


def test_the_config_validates(capsys: pytest.CaptureFixture[str]) -> None:
    # validate: every file against the models and the checks, every stack planned, every policy.
    code = main(["validate", "--dir", str(CONFIG)])
    out, err = capsys.readouterr()
    assert code == 0, f"sentry-iac validate found problems:\n{out}{err}"


def test_there_are_stacks() -> None:
    assert STACKS, f"no Pulumi.<stack>.yaml in {CONFIG}"


@pytest.mark.parametrize("stack", STACKS)
def test_every_policy_passes(stack: str) -> None:
    spec = loaded()
    try:
        plan = run_offline(CONFIG, stack, spec)
    except SpecErrors as exc:
        pytest.fail("\n".join(str(e) for e in exc.errors), pytrace=False)
    found = [f"{located(spec, v.resource)}: stack '{stack}': {v}" for v in check_plan(plan, spec)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("stack", STACKS)
def test_every_rule_and_cron_reaches_a_channel(stack: str) -> None:
    spec = loaded()
    where = dict(declarations(spec))
    silent = [f"{where[item.rule.id]}: rule '{item.rule.id}' on {item.project.slug} reaches no "
              f"channel in stack '{stack}' (priority {item.priority})"
              for item in stack_rules(spec, stack) if not item.channels]
    silent += [f"{where[item.key]}: cron '{item.key}' reaches no channel in stack '{stack}' "
               f"(priority {item.priority})"
               for item in stack_crons(spec.org, stack) if not item.channels]
    assert not silent, "\n".join(silent)


def test_the_rule_tests_pass(capsys: pytest.CaptureFixture[str]) -> None:
    # rule-tests/*.yaml: what the alerts must do, played through the payloads each stack sends.
    if not list((CONFIG / "rule-tests").glob("*.yaml")):
        pytest.skip("no rule-tests/*.yaml in this configuration")
    code = main(["test", "--dir", str(CONFIG)])
    out, err = capsys.readouterr()
    assert code == 0, f"sentry-iac test failed:\n{out}{err}"


@pytest.mark.parametrize("stack", STACKS)
def test_render_shows_the_stack(stack: str, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["render", "--stack", stack, "--dir", str(CONFIG)])
    out, err = capsys.readouterr()
    assert code == 0, f"sentry-iac render --stack {stack} failed:\n{out}{err}"
    assert out.strip()
    print(out)  # shown with -rP (and under a failure), never compared
