"""Condition groups: the shared checks and the "arrays are authoritative, items keep ids" rule.

SENTRY_ALERTS_API.md sections 2.1 and 2.12: on PUT an item sent with its ``id`` is updated in
place, one without is created anew, and one left out is deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tests.fake_sentry.state import FakeOrganization
from tests.fake_sentry.validation import REQUIRED

LOGIC_TYPES = ("any", "any-short", "all", "none")


def choice_error(value: Any) -> str:
    return f'"{value}" is not a valid choice.'


def list_error(value: Any) -> str:
    return f'Expected a list of items but got type "{type(value).__name__}".'


def dict_error(value: Any) -> str:
    kind = "null" if value is None else type(value).__name__
    return f"Invalid data. Expected a dictionary, but got {kind}."


def group_errors(group: Any, *, conditions_required: bool = True) -> dict[str, Any]:
    """Field errors of a group's ``logic_type`` and ``conditions`` (not of the items)."""
    if not isinstance(group, dict):
        return {"non_field_errors": [dict_error(group)]}
    errors: dict[str, Any] = {}
    if "logic_type" not in group:
        errors["logic_type"] = [REQUIRED]
    elif group["logic_type"] not in LOGIC_TYPES:
        errors["logic_type"] = [choice_error(group["logic_type"])]
    conditions = group.get("conditions")
    if conditions is None and conditions_required:
        errors["conditions"] = [
            REQUIRED if "conditions" not in group else "This field may not be null."
        ]
    elif conditions is not None and not isinstance(conditions, list):
        errors["conditions"] = [list_error(conditions)]
    return errors


def item_errors(
    items: list[Any], check: Any, known_ids: Iterable[str], what: str
) -> list[dict[str, Any]] | None:
    """Per-item errors (``{}`` for good items, as DRF lists them), or None when all are good.

    ``check(item)`` gives one item's errors; an ``id`` not among ``known_ids`` is refused.
    """
    known = set(known_ids)
    found: list[dict[str, Any]] = []
    for item in items:
        if not isinstance(item, dict):
            found.append({"non_field_errors": [dict_error(item)]})
            continue
        errors = check(item)
        if "id" in item and str(item["id"]) not in known:
            errors.setdefault("non_field_errors", []).append(what.format(id=item["id"]))
        found.append(errors)
    return found if any(found) else None


def keep_or_new_id(org: FakeOrganization, item: dict[str, Any]) -> str:
    """The id an item keeps (sent with one that belongs) or gets."""
    return str(item["id"]) if "id" in item else org.next_id()
