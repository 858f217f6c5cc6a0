"""Crontab schedules as Sentry's Crons accept them: five fields (minute, hour, day of month,
month, day of week) of numbers, names, ``*``, ranges ``a-b``, lists ``a,b`` and steps ``/n``,
or one of Sentry's nicknames (``@daily``...). Sentry refuses six-field crontabs ("Only 5 field
crontab syntax is supported") and expressions that never fire ("Schedule is invalid"), so both
are caught here, with the field and value that is wrong.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sentry_iac.config.errors import InvalidValue

# Sentry's NONSTANDARD_CRONTAB_SCHEDULES (@reboot cannot be monitored).
NICKNAMES = {
    "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@hourly": "0 * * * *",
}  # fmt: skip
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
# The longest each month can be (February in a leap year), for "never fires".
MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True)
class Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()  # names[i] means low + i

    def number(self, text: str) -> int:
        if text.isdigit():
            value = int(text)
            if not self.low <= value <= self.high:
                raise InvalidValue(f"{self.name} {value} is out of range {self.low}-{self.high}",
                                   "schema/crontab")
            return value
        if text.lower() in self.names:
            return self.low + self.names.index(text.lower())
        if self.names:
            raise InvalidValue(f"{self.name} '{text}' is not a number {self.low}-{self.high} or "
                               f"a name ({', '.join(self.names)})", "schema/crontab")
        raise InvalidValue(f"{self.name} '{text}' is not a number {self.low}-{self.high}",
                           "schema/crontab")


FIELDS = (
    Field("minute", 0, 59),
    Field("hour", 0, 23),
    Field("day of month", 1, 31),
    Field("month", 1, 12, MONTHS),
    Field("day of week", 0, 7, DAYS),  # 0 and 7 are both Sunday
)
_ITEM = re.compile(r"^(?P<base>\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:/(?P<step>[^/]*))?$")


@dataclass(frozen=True)
class Crontab:
    """A valid schedule: its five fields as Sentry stores them, and the values each allows."""

    expression: str
    values: tuple[frozenset[int], ...]


def _item(field: Field, text: str) -> set[int]:
    match = _ITEM.match(text)
    if not match:
        raise InvalidValue(f"{field.name} '{text}' is not understood; use numbers, names, *, "
                           "ranges a-b, lists a,b and steps /n", "schema/crontab")
    base, step_text = match.group("base"), match.group("step")
    if base == "*":
        low, high = field.low, field.high
    elif "-" in base:
        first, last = base.split("-", 1)
        low, high = field.number(first), field.number(last)
        if low > high:
            raise InvalidValue(f"{field.name} range {base} runs backwards; write the smaller "
                               "value first", "schema/crontab")
    else:
        low = high = field.number(base)
        if step_text is not None:
            high = field.high  # 'a/n': from a to the end of the field, every n
    step = 1
    if step_text is not None:
        if not step_text.isdigit() or not 1 <= int(step_text) <= field.high:
            raise InvalidValue(f"{field.name} step '/{step_text}' must be a whole number from 1 "
                               f"to {field.high}", "schema/crontab")
        step = int(step_text)
    return set(range(low, high + 1, step))


def _never_fires(days: frozenset[int], months: frozenset[int]) -> bool:
    return all(day > MONTH_DAYS[month - 1] for month in months for day in days)


def parse_crontab(text: str) -> Crontab:
    """The schedule in ``text``; ValueError saying which field is wrong and why."""
    expression = " ".join(text.split())
    if expression.startswith("@"):
        if expression not in NICKNAMES:
            raise InvalidValue(f"'{expression}' is not one of Sentry's nicknames: "
                               f"{', '.join(NICKNAMES)}", "schema/crontab")
        expression = NICKNAMES[expression]
    parts = expression.split(" ")
    if len(parts) != len(FIELDS):
        raise InvalidValue(f"a crontab has 5 fields (minute hour day-of-month month "
                           f"day-of-week), found {len(parts)}; Sentry supports only 5",
                           "schema/crontab")
    values = []
    for field, part in zip(FIELDS, parts, strict=True):
        allowed: set[int] = set()
        for item in part.split(","):
            allowed |= _item(field, item)
        values.append(frozenset(allowed))
    # With a day of week given, cron fires on either; with '*' there, the days of month must
    # exist in some chosen month (there is no 31 February).
    if parts[4] == "*" and _never_fires(values[2], values[3]):
        raise InvalidValue(f"'{expression}' never fires: none of the chosen months has those days",
                           "schema/crontab")
    return Crontab(expression, tuple(values))
