"""What ``sentry-iac validate`` does once the configuration checks have passed: every stack's
resources declared by the program (``offline.declarations``: the SDK's own constructors and
serialization, without the engine's round trip, a tenth of a plan's time) and the policies run
on them.

Each stack is declared in a child process forked from the one that loaded the spec, so the spec
is loaded and checked once and handed over without being copied or pickled. A child sends back
only its stack's resource count and policy violations; its declarations end with it, so no
process ever holds two stacks'. Two children run at once where there are two cores and both fit
in ``MEMORY_BUDGET`` with the parent; otherwise one after another. Where ``fork`` is missing,
or the stacks are small (``IN_PROCESS_UP_TO``), they are declared here, one after another, each
dropped once its policies ran.
"""

from __future__ import annotations

import functools
import os
import pickle
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sentry_iac.config.errors import SpecErrors
from sentry_iac.config.loader import Spec
from sentry_iac.config.stack_views import rule_is_on
from sentry_iac.policies.checks import Violation

# The memory that validating may hold at once, parent and children together. A stack's
# declarations cost about ``BYTES_PER_RESOURCE`` a resource at their peak, Pulumi's import
# included (measured, the collector paused: 330 MB for the 39,604 resources of a 10,000-rule
# organisation's production stack, 241 MB for its staging stack's 29,302), and a child may come
# to hold a copy of each page of its parent's (reference counts are written to), so each child
# is charged the parent's size as well. At 10,000 rules the parent holds about 150 MB, and the
# two stacks are declared one after the other (measured both ways: 22 s and 632 MB in turn,
# 12 s and 950 MB at once).
MEMORY_BUDGET = 1 << 30
BYTES_PER_RESOURCE = 8_500
# Stacks this small together (estimated resources) are declared here, one after the other:
# their declarations are a few megabytes and milliseconds, and a child per stack would import
# Pulumi once more (0.6 s of CPU) for nothing.
IN_PROCESS_UP_TO = 2_000


@dataclass(frozen=True)
class StackCheck:
    """One stack's plan, as ``validate`` reports it."""

    stack: str
    resources: int
    violations: tuple[Violation, ...]


def check_stack(root: Path, spec: Spec, stack: str) -> StackCheck:
    """Declare ``stack``'s resources and run the policies on them (in this process)."""
    # Declaring imports Pulumi: only once the configuration is known to be valid.
    from sentry_iac.offline.declarations import declare
    from sentry_iac.policies.offline import check_declarations

    declared = declare(root, stack, spec)  # the collector paused while it declares
    return StackCheck(stack, len(declared), tuple(check_declarations(declared, spec)))


def estimated_resources(spec: Spec, stack: str) -> int:
    """About how many resources ``stack`` registers (rules and projects dominate)."""
    org = spec.org
    items = [len(rule.projects) for file in spec.alerts for rule in file.alerts
             if rule_is_on(rule, stack)]
    per_project = 10 if spec.is_owner(stack) else 2
    return len(items) + 2 * sum(items) + per_project * len(org.projects) + len(org.teams) * 5


def _resident_bytes() -> int:
    """This process's resident memory now (0 where ``/proc`` is missing)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def workers(spec: Spec) -> int:
    """How many stacks to declare at once: two where there are two cores and memory for both
    children beside this process."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
    if cores < 2 or len(spec.stacks) < 2:
        return 1
    largest = sorted((estimated_resources(spec, s) for s in spec.stacks), reverse=True)[:2]
    parent = _resident_bytes()
    both = parent + sum(parent + count * BYTES_PER_RESOURCE for count in largest)
    return 2 if both <= MEMORY_BUDGET else 1


def fork_is_safe() -> bool:
    """Whether this process may fork a child to plan in: not when other threads run or gRPC
    is loaded (a process that already ran Pulumi's engine, as in tests), whose state a forked
    child inherits half-made (a child crashed in ``threading._after_fork``). ``sentry-iac
    validate`` forks before it imports Pulumi, so it always may."""
    return (hasattr(os, "fork") and threading.active_count() == 1
            and "grpc" not in sys.modules)


def check_stacks(root: Path, spec: Spec) -> list[StackCheck]:
    """Every stack of ``spec``, in name order. A plan that fails raises here as it would have
    in this process (a ``SpecErrors``, or the program's own error)."""
    stacks = sorted(spec.stacks)
    small = sum(estimated_resources(spec, stack) for stack in stacks) <= IN_PROCESS_UP_TO
    if small or not fork_is_safe():
        return [check_stack(root, spec, stack) for stack in stacks]
    at_once = workers(spec)
    results: list[StackCheck] = []
    for start in range(0, len(stacks), at_once):
        children = [_Child.start(functools.partial(check_stack, root, spec, stack))
                    for stack in stacks[start:start + at_once]]
        results += [child.result() for child in children]
    return results


class ChildFailed(RuntimeError):
    """A child process ended without an answer (killed, for one, when memory ran out)."""


@dataclass
class _Child:
    pid: int
    answers: int  # the read end of the pipe the child answers on

    @classmethod
    def start(cls, work: Callable[[], Any]) -> _Child:
        # What is buffered now is the parent's to write, not the child's as well.
        sys.stdout.flush()
        sys.stderr.flush()
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: answer, then end without tearing anything down
            os.close(read)
            code = 0
            try:
                with os.fdopen(write, "wb") as out:
                    pickle.dump(_answer(work), out)
                sys.stdout.flush()
                sys.stderr.flush()
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(write)
        return cls(pid, read)

    def result(self) -> Any:
        with os.fdopen(self.answers, "rb") as answers:
            data = answers.read()
        _, status = os.waitpid(self.pid, 0)
        if not data:
            raise ChildFailed(f"planning a stack ended without an answer (exit status "
                              f"{os.waitstatus_to_exitcode(status)})")
        kind, value, where = pickle.loads(data)
        if kind == "ok":
            return value
        if kind == "spec":
            raise SpecErrors(value)
        if isinstance(value, BaseException):
            value.add_note(f"raised while planning, in a child process:\n{where}")
            raise value
        raise ChildFailed(f"planning a stack failed:\n{where}")


def _answer(work: Callable[[], Any]) -> tuple[str, Any, str]:
    """``(kind, value, traceback)`` of ``work()``, as a child sends it to its parent."""
    try:
        return "ok", work(), ""
    except SpecErrors as exc:  # its errors travel, its message is rebuilt from them
        return "spec", list(exc.errors), ""
    except BaseException as exc:
        where = "".join(traceback.format_exception(exc))
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:  # an exception that does not travel: its text does
            return "failed", None, where
        return "raised", exc, where
