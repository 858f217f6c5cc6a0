"""Whether a name is a zone of the tz database, as ``zoneinfo.available_timezones()`` lists them.

Sentry's cron monitors take a timezone from that list (``ConfigValidator.timezone``, a
``ChoiceField`` over ``AVAILABLE_TIMEZONES``). Building the list walks every file under the
time-zone path and opens each one (about 600 files, 75 ms: most of what a small configuration
with a cron spends checking it). One name needs only its own path: ``is_known_timezone``
answers what the list would, reading the few directories and the one file the name spells.
"""

from __future__ import annotations

import os
import zoneinfo
from functools import lru_cache
from importlib.util import find_spec

# tzdata's placeholder "zone" for unset clocks: in the list, but Sentry's users mean a place.
NOT_A_PLACE = frozenset({"Factory"})
# What available_timezones leaves out of its walk: right/ and posix/ at the top of a tz path
# (the same zones again), and posixrules (a link for POSIX TZ strings).
_SKIPPED_DIRECTORIES = frozenset({"right", "posix"})
_SKIPPED_FILES = frozenset({"posixrules"})


@lru_cache(maxsize=1)
def _listed_in_full() -> frozenset[str] | None:
    """The whole list, when the tzdata package is installed: available_timezones then reads
    its list of zones, which no single path spells. None when it is not installed."""
    if find_spec("tzdata") is None:
        return None
    return frozenset(zoneinfo.available_timezones())


def _roots() -> list[str]:
    return [root for root in zoneinfo.TZPATH if os.path.exists(root)]


def has_timezones() -> bool:
    """Whether this machine has a tz database at all (without one, every name is left to
    Sentry: the list would be empty)."""
    listed = _listed_in_full()
    return bool(listed) or bool(_roots())


def _walked_to(root: str, parts: list[str]) -> bool:
    """Whether walking ``root`` as ``os.walk`` does (not into linked directories, not into
    right/ or posix/ at the top) reaches the file ``parts`` names, and it is a zone file."""
    if parts[0] in _SKIPPED_DIRECTORIES and len(parts) > 1:
        return False
    path = root
    for directory in parts[:-1]:
        path = os.path.join(path, directory)
        if os.path.islink(path) or not os.path.isdir(path):
            return False
    path = os.path.join(path, parts[-1])
    if os.path.isdir(path):
        return False
    try:
        with open(path, "rb") as zone:
            return zone.read(4) == b"TZif"
    except OSError:
        return False


@lru_cache(maxsize=1024)
def _in_database(name: str) -> bool:
    listed = _listed_in_full()
    if listed is not None:
        return name in listed
    parts = name.split("/")
    # The list holds relative paths as os.walk spells them: no empty, '.' or '..' part.
    if not name or any(part in ("", ".", "..") for part in parts) or "\\" in name:
        return False
    if name in _SKIPPED_FILES or "\0" in name:
        return False
    return any(_walked_to(root, parts) for root in _roots())


def is_known_timezone(name: str) -> bool:
    """Whether ``name`` is in ``zoneinfo.available_timezones()`` and is a place (not
    ``Factory``)."""
    return name not in NOT_A_PLACE and _in_database(name)
