"""How far an import has got: a counter on a terminal, one log line per step otherwise."""

from __future__ import annotations

import sys
from typing import TextIO


class Progress:
    """``step`` starts a named step (with a total when known), ``advance`` counts items."""

    def __init__(self, stream: TextIO | None = None, *, tty: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self._label = ""
        self._done = 0
        self._total: int | None = None

    def step(self, label: str, total: int | None = None) -> None:
        self._end_line()
        self._label, self._done, self._total = label, 0, total
        if self.tty:
            self._draw()
        else:
            # Logs and CI keep one line per step; a counter would flood them.
            print(f"sentry-iac import: {label}", file=self.stream, flush=True)

    def advance(self, count: int = 1) -> None:
        self._done += count
        if self.tty:
            self._draw()

    def close(self) -> None:
        self._end_line()
        self._label = ""

    def _draw(self) -> None:
        total = f"/{self._total}" if self._total is not None else ""
        self.stream.write(f"\r\x1b[K{self._label}: {self._done}{total}")
        self.stream.flush()

    def _end_line(self) -> None:
        if self.tty and self._label:
            self.stream.write("\n")
            self.stream.flush()
