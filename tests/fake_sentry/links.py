"""``workflowIds`` on a monitor and ``detectorIds`` on an alert: the exact set of links.

Sentry reads both keys raw (``request.data.get``), so only the camelCase spelling counts
(SENTRY_ALERTS_API.md section 1.3). Ids may be ints or numeric strings.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tests.fake_sentry.casing import snake
from tests.fake_sentry.groups import list_error
from tests.fake_sentry.validation import Invalid, drf_int


def requested_links(
    body: Mapping[str, Any], key: str, known: Mapping[str, Any], noun: str
) -> set[str] | None:
    """The ids under camelCase ``key`` (None when absent); unknown ids are a 400."""
    if key not in body:
        return None
    raw = body[key]
    field = snake(key)
    if raw is None:
        return set()
    if not isinstance(raw, list):
        raise Invalid({field: {field: [list_error(raw)]}})
    # ListField(child=IntegerField()): DRF's integer rules, item by item.
    bad = {str(n): ["A valid integer is required."]
           for n, item in enumerate(raw) if drf_int(item) is None}
    if bad:
        raise Invalid({field: {field: bad}})
    ids = {str(drf_int(item)) for item in raw}
    missing = ids - set(known)
    if missing:
        shown = "{" + ", ".join(sorted(missing, key=int)) + "}"
        raise Invalid({field: {"non_field_errors": [f"Some {noun} do not exist: {shown}"]}})
    return ids
