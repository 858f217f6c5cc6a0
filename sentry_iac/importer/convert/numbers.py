"""Numbers and thresholds as the YAML writes them: ``above 10``, ``below 99.5%``, ``above 3s``."""

from __future__ import annotations


def plain(value: float) -> str:
    """``10.0`` -> ``"10"``, ``0.1 + 0.2`` -> ``"0.3"``: no float noise, no exponent."""
    rounded = round(float(value), 9)
    if rounded.is_integer():
        return str(int(rounded))
    return format(rounded, "f").rstrip("0").rstrip(".")


def number(value: float) -> int | float:
    """A YAML number: an int when it is whole."""
    rounded = round(float(value), 9)
    return int(rounded) if rounded.is_integer() else rounded


def threshold(direction: str, value: float, unit: str) -> str:
    """``unit`` is the measure's: count, ms, % or ratio (a ratio is written in percent)."""
    if unit == "ms":
        seconds = round(float(value), 9) / 1000
        if float(seconds).is_integer() and seconds >= 1:
            return f"{direction} {plain(seconds)}s"
        return f"{direction} {plain(value)}ms"
    if unit in ("%", "ratio"):
        return f"{direction} {plain(value)}%"
    return f"{direction} {plain(value)}"
