"""A cron's timezone is checked one name at a time; the oracle is the standard library's own
``zoneinfo.available_timezones()``, on this machine's tz database and on made-up ones."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterator
from pathlib import Path

import pytest

from sentry_iac.config import timezones
from sentry_iac.config.timezones import has_timezones, is_known_timezone

# Names the list leaves out or spells otherwise: special directories and files, paths that
# reach a zone in another spelling, tz database files that are not zones, case.
AWKWARD = ("right/UTC", "posix/UTC", "posix/Europe/London", "posixrules", "Factory",
           "Europe/../UTC", "./UTC", "/UTC", "UTC/", "", "zone.tab", "tzdata.zi",
           "iso3166.tab", "leapseconds", "leap-seconds.list", "localtime", "Etc", "America",
           "Europe//London", "utc", "Europe/London/", "Etc/GMT+5", "Etc/GMT-14",
           "America/Argentina/Buenos_Aires", "Not/AZone", "Perth", "Europe\\London", "UTC\0")


@pytest.fixture
def fresh() -> Iterator[None]:
    """No answer remembered from another tz path, before and after."""
    timezones._in_database.cache_clear()
    yield
    zoneinfo.reset_tzpath()
    timezones._in_database.cache_clear()


def _oracle() -> set[str]:
    return zoneinfo.available_timezones() - {"Factory"}


def test_every_zone_of_this_machine_and_every_awkward_name_is_answered_as_the_list_would(
        fresh: None) -> None:
    listed = _oracle()
    names = sorted(zoneinfo.available_timezones()) + list(AWKWARD)
    wrong = [name for name in names if is_known_timezone(name) != (name in listed)]
    assert wrong == []
    assert has_timezones() == bool(zoneinfo.available_timezones() or timezones._roots())


def _zone(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"TZif2" + bytes(40))  # the magic is all the list looks at


def test_a_made_up_tz_path_with_links_special_folders_and_non_zones(
        fresh: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezones, "_listed_in_full", lambda: None)  # as without tzdata
    first, second = tmp_path / "first", tmp_path / "second"
    for name in ("UTC", "Europe/London", "Deep/A/B/C", "right/UTC", "posix/UTC", "posixrules",
                 "Factory", "Inner/right/Zone", "Inner/posix/Zone"):
        _zone(first / name)
    (first / "zone.tab").write_text("# not a zone\n")
    (first / "Empty").write_bytes(b"")
    (first / "Linked").symlink_to(first / "Europe", target_is_directory=True)
    (first / "AliasOfUTC").symlink_to(first / "UTC")
    (first / "Broken").symlink_to(first / "nowhere")
    _zone(second / "OnlySecond")
    _zone(second / "Europe/Paris")
    zoneinfo.reset_tzpath(to=[str(first), str(second), str(tmp_path / "missing")])

    listed = _oracle()
    assert "Linked/London" not in listed and "AliasOfUTC" in listed  # the oracle's own view
    names = sorted(listed | set(AWKWARD) | {
        "Linked/London", "Linked", "AliasOfUTC", "Broken", "Empty", "zone.tab", "Deep/A/B",
        "Inner/right/Zone", "Inner/posix/Zone", "OnlySecond", "Europe/Paris", "Deep/A/B/C"})
    wrong = [name for name in names if is_known_timezone(name) != (name in listed)]
    assert wrong == []
    assert has_timezones()


def test_without_a_tz_database_every_name_is_left_to_sentry(
        fresh: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezones, "_listed_in_full", lambda: None)
    zoneinfo.reset_tzpath(to=[str(tmp_path / "missing")])
    assert zoneinfo.available_timezones() == set()
    assert not has_timezones()
