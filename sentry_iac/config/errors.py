"""Problems found in the configuration, in the form people act on: ``file:line:col: path: what``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class SpecError:
    """One problem, placed at a file, line and column (0 when the file itself is the problem)."""

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file if self.line == 0 else f"{self.file}:{self.line}:{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class SpecErrors(Exception):
    """Every problem found in one run; raised together so nothing is fixed one rerun at a time."""

    def __init__(self, errors: Iterable[SpecError]) -> None:
        self.errors: list[SpecError] = sorted(set(errors))
        super().__init__("\n".join(str(e) for e in self.errors))
