"""``validate`` after the configuration checks: each stack declared in a child process, and
what the children send back (``sentry_iac.policies.validate``)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sentry_iac.config.errors import SpecError, SpecErrors
from sentry_iac.config.loader import load_spec
from sentry_iac.offline.engine import run_offline
from sentry_iac.policies import validate
from sentry_iac.policies.offline import check_plan
from sentry_iac.policies.validate import StackCheck, check_stack, check_stacks
from tests.helpers import EXAMPLE, copy_project


def test_the_children_report_what_planning_here_reports(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "IN_PROCESS_UP_TO", 0)
    spec = load_spec(EXAMPLE)
    expected = []
    for stack in sorted(spec.stacks):
        plan = run_offline(EXAMPLE, stack, spec)
        expected.append(StackCheck(stack, len(plan.resources), tuple(check_plan(plan, spec))))
    assert check_stacks(EXAMPLE, spec) == expected
    assert [c.resources > 0 for c in expected] == [True, True]


def test_a_violation_found_in_a_child_reaches_the_parent(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(validate, "IN_PROCESS_UP_TO", 0)
    project = copy_project(tmp_path / "p")
    org = project / "org.yaml"
    # An owner no policy allows: the owner stack's plan registers the member.
    text = org.read_text(encoding="utf-8")
    assert "    role: manager\n" in text
    org.write_text(text.replace("    role: manager\n", "    role: owner\n", 1), encoding="utf-8")
    spec = load_spec(project)
    found = {c.stack: [v.check for v in c.violations] for c in check_stacks(project, spec)}
    assert found[spec.org.owner_stack] == ["no-unlisted-owners"]
    assert found == {s: [v.check for v in check_stack(project, spec, s).violations]
                     for s in spec.stacks}


@pytest.mark.parametrize("at_once", [1, 2])
def test_one_or_two_at_once_give_the_same_answer(at_once: int,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    spec = load_spec(EXAMPLE)
    monkeypatch.setattr(validate, "IN_PROCESS_UP_TO", 0)
    monkeypatch.setattr(validate, "workers", lambda _: at_once)
    assert [c.stack for c in check_stacks(EXAMPLE, spec)] == sorted(spec.stacks)


def _in_a_fresh_process(check_stack: str) -> str:
    """What ``check_stacks`` of the example does in a fresh interpreter (which may fork, unlike
    this test process once Pulumi's engine ran in it) with ``check_stack`` replaced."""
    script = textwrap.dedent(f"""
        import os, sys
        from pathlib import Path
        from sentry_iac.config.loader import load_spec
        from sentry_iac.policies import validate
        {check_stack}
        validate.check_stack = replaced
        validate.IN_PROCESS_UP_TO = 0  # the example is small: make it fork all the same
        assert validate.fork_is_safe()
        try:
            validate.check_stacks(Path(sys.argv[1]), load_spec(Path(sys.argv[1])))
        except BaseException as exc:
            print(type(exc).__name__, exc, *getattr(exc, "__notes__", []))
    """)
    done = subprocess.run([sys.executable, "-c", script, str(EXAMPLE)], capture_output=True,
                          text=True, timeout=120, check=True)
    return done.stdout


def test_an_error_raised_in_a_child_is_raised_in_the_parent() -> None:
    out = _in_a_fresh_process("def replaced(root, spec, stack):\n"
                              "            raise KeyError(f'no {stack}')")
    assert out.startswith("KeyError 'no production'")
    assert "in a child process" in out and "replaced" in out


def test_a_process_that_ran_pulumi_plans_here_instead_of_forking() -> None:
    run_offline(EXAMPLE, "staging", load_spec(EXAMPLE))  # Pulumi (and gRPC) now loaded
    assert not validate.fork_is_safe()


def test_spec_errors_travel_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = load_spec(EXAMPLE)
    error = SpecError("org.yaml", 3, 1, "teams", "a problem", "ref/unknown-team")

    def refused(root: Path, spec: object, stack: str) -> StackCheck:
        raise SpecErrors([error])

    monkeypatch.setattr(validate, "check_stack", refused)
    with pytest.raises(SpecErrors) as raised:
        check_stacks(EXAMPLE, spec)
    assert raised.value.errors == [error]


def test_a_child_that_dies_is_reported() -> None:
    out = _in_a_fresh_process("def replaced(root, spec, stack):\n"
                              "            os._exit(3)")
    assert out.startswith("ChildFailed") and "exit status 3" in out


def test_two_plans_at_once_only_while_both_fit_in_memory(
        monkeypatch: pytest.MonkeyPatch) -> None:
    spec = load_spec(EXAMPLE)
    sizes = {s: validate.estimated_resources(spec, s) for s in spec.stacks}
    assert sizes[spec.org.owner_stack] > min(sizes.values()) > 0
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    monkeypatch.setattr(validate, "BYTES_PER_RESOURCE", 1)
    # Each child is charged the parent's size beside its own declarations.
    monkeypatch.setattr(validate, "_resident_bytes", lambda: 10)
    monkeypatch.setattr(validate, "MEMORY_BUDGET", 30 + sum(sizes.values()))
    assert validate.workers(spec) == 2
    monkeypatch.setattr(validate, "MEMORY_BUDGET", 30 + sum(sizes.values()) - 1)
    assert validate.workers(spec) == 1
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0}, raising=False)
    monkeypatch.setattr(validate, "MEMORY_BUDGET", 1 << 40)
    assert validate.workers(spec) == 1


def test_the_estimate_is_near_the_plans_count() -> None:
    spec = load_spec(EXAMPLE)
    for stack in spec.stacks:
        planned = len(run_offline(EXAMPLE, stack, spec).resources)
        assert planned / 2 <= validate.estimated_resources(spec, stack) <= planned * 2, stack


def test_drained_and_young_plans_are_the_same_and_give_the_collector_back(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from sentry_iac.offline import runner

    spec = load_spec(EXAMPLE)
    whole = {s: run_offline(EXAMPLE, s, spec).as_json() for s in spec.stacks}
    monkeypatch.setattr(runner, "DRAIN_EVERY", 7)  # the example's stacks drain several times
    collected: list[int] = []
    collect_young = runner._collect_young

    def counted() -> None:
        collected.append(gc.get_freeze_count())
        collect_young()

    monkeypatch.setattr(runner, "_collect_young", counted)
    assert gc.isenabled()
    for stack in spec.stacks:
        young = run_offline(EXAMPLE, stack, spec, young_collections=True)
        assert gc.isenabled() and gc.get_freeze_count() == 0
        assert young.as_json() == whole[stack]
        assert run_offline(EXAMPLE, stack, spec).as_json() == whole[stack]
    assert len(collected) >= 2


def test_small_stacks_are_declared_here_without_a_child(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = load_spec(EXAMPLE)
    assert sum(validate.estimated_resources(spec, s) for s in spec.stacks) <= \
        validate.IN_PROCESS_UP_TO
    started: list[object] = []
    monkeypatch.setattr(validate._Child, "start", lambda work: started.append(work))
    assert [c.stack for c in check_stacks(EXAMPLE, spec)] == sorted(spec.stacks)
    assert started == []
