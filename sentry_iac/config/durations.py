"""Durations as people write them (``30s``, ``5m``, ``1h``, ``1d``, ``1w``) and thresholds
(``above 10``, ``below 99.5%``, ``above 3s``)."""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Literal

from sentry_iac.config.base import MAX_NUMBER

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_DURATION = re.compile(r"^(\d+)\s*([smhdw])$")
_THRESHOLD = re.compile(r"^(above|below)\s+(-?\d+(?:\.\d+)?)\s*(ms|s|%)?$")


# Both parsers are pure and their answers immutable, and a large configuration spells the
# same few durations and thresholds thousands of times: answers are remembered (not errors).
@functools.lru_cache(maxsize=1024)
def parse_duration(text: str) -> int:
    """Seconds in ``text``; ValueError with the accepted forms otherwise."""
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a duration; write a number and a unit: s, m, h, d "
                         "or w (e.g. 5m, 1h, 1d)")
    count = match.group(1)
    if len(count) > len(str(MAX_NUMBER)) or int(count) > MAX_NUMBER:
        raise ValueError(f"'{_shorten(text)}' is too long a duration: the number is at most "
                         f"{MAX_NUMBER}")
    return int(count) * _UNITS[match.group(2)]


def _shorten(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:40]}..."


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
    return _parse_threshold(str(text))


@functools.lru_cache(maxsize=1024)
def _parse_threshold(text: str) -> Threshold:
    match = _THRESHOLD.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a threshold; write 'above N' or 'below N', with an "
                         "optional unit ms, s or % (e.g. 'above 10', 'above 3s', 'below 99.5%')")
    direction, number, unit = match.group(1), float(match.group(2)), match.group(3) or ""
    if unit == "s":
        number, unit = number * 1000, "ms"
    if not math.isfinite(number) or abs(number) > MAX_NUMBER:
        raise ValueError(f"'{_shorten(str(text))}': the number is too large; a threshold is at "
                         f"most {MAX_NUMBER}" + (" ms" if unit == "ms" else ""))
    return Threshold(direction, number, unit)  # type: ignore[arg-type]
