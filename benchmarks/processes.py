"""Whole processes, timed as a user waits for them: start-up imports, the work and the printing.

``run_process`` starts one command and reports its wall-clock time, the CPU time of it and of
every process it started (user + system), and its peak memory: the largest sum of the resident
sets of the process and its descendants, sampled every few milliseconds from ``/proc`` (where
there is no ``/proc``, the process's own ``ru_maxrss``, which never counts two processes at
once). ``paired`` runs several commands in turn, each round in a rotated order, so that the
machine's load falls on all of them alike and each ratio compares runs taken back to back.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

SAMPLE_EVERY = 0.02  # seconds between two looks at the process tree's memory
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass(frozen=True)
class ProcessRun:
    """One command, run once."""

    seconds: float  # wall clock, from start to exit
    cpu: float  # user + system seconds of the process and the children it waited for
    peak_mb: float  # the process tree's largest resident memory at once

    def as_json(self) -> dict[str, float]:
        return {"seconds": self.seconds, "cpu": self.cpu, "peak_mb": self.peak_mb}


def script_env() -> dict[str, str]:
    """The environment a user's shell gives the commands: bytecode cached as Python caches it
    by default (an environment that forbids writing it would time compiling every module)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * _PAGE // 1024
    except (OSError, ValueError, IndexError):
        return 0


def _children(pid: int) -> list[int]:
    found = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as listed:
                found += [int(child) for child in listed.read().split()]
        except (OSError, ValueError):
            continue
    return found


def tree_rss_kb(pid: int) -> int:
    """The resident memory of ``pid`` and all its descendants, now."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += _rss_kb(current)
        todo += _children(current)
    return total


class _Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.peak_kb = max(self.peak_kb, tree_rss_kb(self.pid))
            self.done.wait(SAMPLE_EVERY)


def run_process(argv: Sequence[str], *, cwd: Path, env: Mapping[str, str] | None = None,
                stdout: Path | None = None) -> ProcessRun:
    """Run ``argv`` to its end (it must succeed); its output goes to ``stdout`` or nowhere."""
    out = open(stdout, "wb") if stdout is not None else subprocess.DEVNULL  # noqa: SIM115
    try:
        start = time.perf_counter()
        process = subprocess.Popen(list(argv), cwd=cwd, env=dict(env or script_env()),
                                   stdout=out, stderr=subprocess.PIPE)
        sampler = _Sampler(process.pid)
        sampler.start()
        assert process.stderr is not None
        errors = process.stderr.read()  # until it exits (keeps its pipe from filling)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        sampler.done.set()
        sampler.join()
    finally:
        if stdout is not None:
            out.close()  # type: ignore[union-attr]
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {process.returncode}:\n"
                           f"{errors.decode(errors='replace')[-2000:]}")
    peak_kb = max(sampler.peak_kb, usage.ru_maxrss)  # ru_maxrss: KiB on Linux
    return ProcessRun(seconds, usage.ru_utime + usage.ru_stime, peak_kb / 1024)


@dataclass(frozen=True)
class Paired:
    """Several commands run ``repeat`` times each, in turn."""

    runs: dict[str, list[ProcessRun]]

    def best(self, name: str) -> ProcessRun:
        """The fastest run of ``name`` (another process's load only ever slows one down)."""
        return min(self.runs[name], key=lambda run: run.seconds)

    def ratio(self, name: str, base: str) -> float:
        """The median, over the rounds, of ``name``'s time over ``base``'s in the same round."""
        return statistics.median(a.seconds / b.seconds
                                 for a, b in zip(self.runs[name], self.runs[base], strict=True))

    def cpu_ratio(self, name: str, base: str) -> float:
        """The same for CPU time, which other processes disturb less than wall time."""
        return statistics.median(a.cpu / b.cpu
                                 for a, b in zip(self.runs[name], self.runs[base], strict=True))


def paired(commands: Mapping[str, tuple[Sequence[str], Path | None]], *, cwd: Path,
           repeat: int) -> Paired:
    """Run each of ``commands`` (name -> argv and where its output goes) ``repeat`` times: one
    round runs each once, the order rotating from round to round."""
    names = list(commands)
    runs: dict[str, list[ProcessRun]] = {name: [] for name in names}
    for round_ in range(repeat):
        order = names[round_ % len(names):] + names[:round_ % len(names)]
        for name in order:
            argv, stdout = commands[name]
            runs[name].append(run_process(argv, cwd=cwd, stdout=stdout))
    return Paired(runs)


def sentry_iac() -> list[str]:
    """The ``sentry-iac`` script of this environment, as a user runs it."""
    script = Path(sys.executable).parent / "sentry-iac"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from sentry_iac.cli.app import run; run()"]
