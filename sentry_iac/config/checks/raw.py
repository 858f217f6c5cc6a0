"""Reading raw YAML data safely: entries of the wrong shape are skipped, as the model
validation reports them. Shared by every check family."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any


def known(names: Iterable[str]) -> str:
    """The names a message offers instead, sorted: ``a, b`` or ``none declared``."""
    listed = sorted(names)
    return ", ".join(listed) if listed else "none declared"


def mapping(data: Any, key: str) -> dict[str, Any]:
    """``data[key]`` when both are mappings, else an empty mapping."""
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, dict) else {}


def entries(data: Any, key: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(index, mapping) for each mapping in the list ``data[key]``."""
    items = data.get(key) if isinstance(data, dict) else None
    for index, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict):
            yield index, item


def texts(value: Any) -> Iterator[tuple[int, str]]:
    """(index, text) for each text in the list ``value``."""
    for index, item in enumerate(value if isinstance(value, list) else []):
        if isinstance(item, str):
            yield index, item


def text(entry: Any, key: str) -> str | None:
    """``entry[key]`` when it is a text."""
    value = entry.get(key) if isinstance(entry, dict) else None
    return value if isinstance(value, str) else None


def names(data: Any, key: str, field: str) -> set[str]:
    """The text ``field`` of each entry of the list ``data[key]``: the declared slugs."""
    return {name for _, entry in entries(data, key) if (name := text(entry, field))}


def crons(org: Any) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """(key path, mapping) of every cron of every project."""
    for i, project in entries(org, "projects"):
        for j, cron in entries(project, "crons"):
            yield ("projects", i, "crons", j), cron


def uptime_checks(org: Any) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """(key path, mapping) of every uptime check of every project."""
    for i, project in entries(org, "projects"):
        for j, check in entries(project, "uptime"):
            yield ("projects", i, "uptime", j), check


def routed_items(org: Any) -> Iterator[tuple[tuple[str | int, ...], dict[str, Any], str]]:
    """(key path, mapping, "cron" or "uptime check") of every cron and uptime check: what
    routes by priority in ``org.yaml`` itself."""
    for base, cron in crons(org):
        yield base, cron, "cron"
    for base, check in uptime_checks(org):
        yield base, check, "uptime check"


def is_off(overrides: dict[str, Any], stack: str, item: Any = None) -> bool:
    """Whether ``environments: {<stack>: {enabled: false}}`` turns the item off there, or (an
    uptime check) it is paused there: ``paused: true`` for the stack, or for the check unless
    the stack says ``paused: false``."""
    here = overrides.get(stack)
    if isinstance(here, dict) and here.get("enabled") is False:
        return True
    paused = here.get("paused") if isinstance(here, dict) else None
    if paused is None and isinstance(item, dict):
        paused = item.get("paused")
    return paused is True


def off_in(item: dict[str, Any], stack: str, overrides: dict[str, Any] | None = None) -> bool:
    """Whether an alert rule, cron or uptime check is off in ``stack``: ``enabled: false``
    there (an uptime check: paused there), or a rule's ``only`` that leaves the stack out.
    ``overrides`` is its ``environments`` when at hand."""
    only = item.get("only")
    if isinstance(only, list) and stack not in only:
        return True
    return is_off(mapping(item, "environments") if overrides is None else overrides, stack, item)
