"""Durations as people write them (``30s``, ``5m``, ``1h``, ``1d``, ``1w``) and thresholds
(``above 10``, ``below 99.5%``, ``above 3s``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"^(\d+)\s*([smhdw])$")
_THRESHOLD = re.compile(r"^(above|below)\s+(-?\d+(?:\.\d+)?)\s*(ms|s|%)?$")


def parse_duration(text: str) -> int:
    """Seconds in ``text``; ValueError with the accepted forms otherwise."""
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a duration; write a number and a unit: s, m, h, d "
                         "or w (e.g. 5m, 1h, 1d)")
    return int(match.group(1)) * _UNITS[match.group(2)]


def format_duration(seconds: int) -> str:
    for unit in ("w", "d", "h", "m"):
        if seconds % _UNITS[unit] == 0 and seconds >= _UNITS[unit]:
            return f"{seconds // _UNITS[unit]}{unit}"
    return f"{seconds}s"


Direction = Literal["above", "below"]


@dataclass(frozen=True)
class Threshold:
    """A threshold in the metric's own unit (milliseconds for durations, percent for rates)."""

    direction: Direction
    value: float
    unit: str  # "", "ms" or "%"

    def __str__(self) -> str:
        number = f"{self.value:g}"
        unit = "%" if self.unit == "%" else (" ms" if self.unit == "ms" else "")
        return f"{self.direction} {number}{unit}"


def parse_threshold(text: str) -> Threshold:
    match = _THRESHOLD.match(str(text).strip())
    if not match:
        raise ValueError(f"'{text}' is not a threshold; write 'above N' or 'below N', with an "
                         "optional unit ms, s or % (e.g. 'above 10', 'above 3s', 'below 99.5%')")
    direction, number, unit = match.group(1), float(match.group(2)), match.group(3) or ""
    if unit == "s":
        number, unit = number * 1000, "ms"
    return Threshold(direction, number, unit)  # type: ignore[arg-type]
