"""Problems found in the configuration, in the form people act on:
``file:line:col: path: what [check-id]``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

# A check id: `family/name`, short and lowercase (config.checks.registry lists them all).
CHECK_ID = re.compile(r"^[a-z]+/[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True, order=True)
class SpecError:
    """One problem, placed at a file, line and column (0 when the file itself is the problem),
    with the id of the check that found it."""

    file: str
    line: int
    column: int
    path: str
    message: str
    # Last, so that sorting (file, line, column...) orders problems as before ids existed.
    check: str

    def __post_init__(self) -> None:
        if not CHECK_ID.match(self.check):
            raise ValueError(f"not a check id: {self.check!r} (expected family/name)")

    def __str__(self) -> str:
        where = self.file if self.line == 0 else f"{self.file}:{self.line}:{self.column}"
        what = f"{self.path}: {self.message}" if self.path else self.message
        return f"{where}: {what} [{self.check}]"


class InvalidValue(ValueError):
    """A model validator's refusal that names a more specific check than ``schema/invalid``;
    pydantic keeps the exception in the error's ``ctx["error"]``."""

    def __init__(self, message: str, check: str) -> None:
        super().__init__(message)
        self.check = check


class SpecErrors(Exception):
    """Every problem found in one run; raised together so nothing is fixed one rerun at a time."""

    def __init__(self, errors: Iterable[SpecError]) -> None:
        self.errors: list[SpecError] = sorted(set(errors))
        super().__init__("\n".join(str(e) for e in self.errors))
