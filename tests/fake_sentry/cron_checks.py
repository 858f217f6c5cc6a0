"""Cron monitor payload checks with Sentry's texts (``MonitorValidator`` and ``ConfigValidator``
in ``src/sentry/monitors/validators.py``). Written independently of sentry-iac's own crontab
parser, so a bug there is not mirrored here.

Where each rule lives (``monitors/validators.py`` unless said otherwise):

- ``MonitorValidator``: ``project`` ``ProjectField`` ("Invalid project"), ``name``
  ``CharField(max_length=128)``, ``slug`` ``SentrySerializerSlugField`` (``SLUG_ERROR``) and
  ``validate_slug`` ('The slug "<s>" is already in use.'), ``status`` ``ChoiceField``
  (active/disabled), ``owner`` ``ActorField`` (``api/fields/actor.py``), ``is_muted``
  ``BooleanField``, ``config`` ``ConfigValidator``. Unknown keys are dropped (plain DRF).
- ``ConfigValidator``: ``checkin_margin`` ``MissedMarginField`` (an ``EmptyIntegerField``,
  1..``MAX_MARGIN``, and 0 is turned into 1), ``max_runtime``, ``failure_issue_threshold``,
  ``recovery_threshold`` ``EmptyIntegerField``s (1..``MAX_TIMEOUT`` / ``MAX_THRESHOLD``,
  ``monitors/constants.py``; "" means null), ``timezone`` ``ChoiceField`` over
  ``AVAILABLE_TIMEZONES`` (blank dropped); ``validate``: the schedule texts below, the crontab
  walked by cronsim (``monitors/schedule.py``).
- ``bind`` makes the config partial and inherit the stored config on update.
"""

from __future__ import annotations

import re
import zoneinfo
from typing import Any

from tests.fake_sentry.actors import check_owner
from tests.fake_sentry.groups import choice_error, dict_error
from tests.fake_sentry.state import FakeCronMonitor, FakeOrganization
from tests.fake_sentry.validation import REQUIRED, Invalid, boolean, drf_int, integer, string

# monitors/constants.py MAX_MARGIN / MAX_TIMEOUT and MAX_THRESHOLD. source not found for the
# values (the constants file was not read): from SENTRY_API.md and Sentry's docs.
MAX_MINUTES, MAX_THRESHOLD = 40320, 720
INTERVAL_NAMES = ("year", "month", "week", "day", "hour", "minute")
# NONSTANDARD_CRONTAB_SCHEDULES
NICKNAMES = {"@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
             "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@hourly": "0 * * * *"}
SLUG_ERROR = ("Enter a valid slug consisting of lowercase letters, numbers, underscores or "
              "hyphens. It cannot be entirely numeric.")
_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_NAMES = {3: "jan feb mar apr may jun jul aug sep oct nov dec".split(),
          4: "sun mon tue wed thu fri sat".split()}
_ITEM = re.compile(r"^(\*|\w+(-\w+)?)(/\d+)?$")
_INTEGERS = {"checkin_margin": MAX_MINUTES, "max_runtime": MAX_MINUTES,
             "failure_issue_threshold": MAX_THRESHOLD, "recovery_threshold": MAX_THRESHOLD}


def _value(field: int, text: str) -> int | None:
    if text.isdigit():
        return int(text)
    names = _NAMES.get(field, [])
    return names.index(text.lower()) + _RANGES[field][0] if text.lower() in names else None


def _crontab_ok(expression: str) -> bool:
    """Whether cronsim could walk the schedule (ranges, names, steps; no 31 February)."""
    parts = expression.split(" ")
    for field, part in enumerate(parts):
        low, high = _RANGES[field]
        for item in part.split(","):
            if not _ITEM.match(item):
                return False
            base, _, step = item.partition("/")
            if step and not 1 <= int(step) <= high:
                return False
            if base == "*":
                continue
            ends = [_value(field, v) for v in base.split("-")]
            if any(v is None or not low <= v <= high for v in ends):
                return False
            if len(ends) == 2 and ends[0] > ends[1]:  # type: ignore[operator]
                return False
    if parts[4] == "*" and parts[2].isdigit() and parts[3].isdigit():
        return int(parts[2]) <= (29, 31, 30)[0 if parts[3] == "2" else
                                             2 if parts[3] in ("4", "6", "9", "11") else 1]
    return True


def _schedule(schedule_type: Any, schedule: Any) -> tuple[Any, dict[str, Any]]:
    """The schedule as Sentry stores it, or its error (``ConfigValidator.validate``)."""
    if schedule_type == "interval":
        if isinstance(schedule, dict):  # the {"type", "value", "unit"} form
            schedule = [schedule.get("value"), schedule.get("unit")]
        # Sentry takes the first two items of a longer list and fails (500) on a shorter one;
        # the fake refuses both.
        if not isinstance(schedule, list) or len(schedule) != 2:
            return None, {"schedule": ["Invalid schedule for for 'interval' type"]}
        if not isinstance(schedule[0], int):  # isinstance: True counts as 1, as in Sentry
            return None, {"schedule": ["Invalid schedule for schedule unit count"]}
        if schedule[0] <= 0:
            return None, {"schedule": ["Interval must be greater than zero"]}
        if schedule[1] not in INTERVAL_NAMES:
            return None, {"schedule": ["Invalid schedule for schedule unit name"]}
        return schedule, {}
    if isinstance(schedule, dict):  # the {"type", "value"} form
        schedule = schedule.get("value")
    if not isinstance(schedule, str):
        return None, {"schedule": ["Invalid schedule for 'crontab' type"]}
    expression = " ".join(schedule.split())
    if expression.startswith("@"):
        if expression not in NICKNAMES:
            return None, {"schedule": ["Schedule was not parseable"]}
        expression = NICKNAMES[expression]
    if len(expression.split(" ")) > 5:
        return None, {"schedule": ["Only 5 field crontab syntax is supported"]}
    if len(expression.split(" ")) < 5 or not _crontab_ok(expression):
        return None, {"schedule": ["Schedule is invalid"]}
    return expression, {}


def clean_config(config: Any, current: dict[str, Any] | None) -> dict[str, Any]:
    """The config to store (merged over ``current`` on update), or ``Invalid``."""
    if not isinstance(config, dict):
        raise Invalid({"config": {"non_field_errors": [dict_error(config)]}})
    merged = {**(current or {}), **config}
    errors: dict[str, Any] = {}
    for key, highest in _INTEGERS.items():
        raw = merged.get(key)
        if raw == "":
            raw = None  # EmptyIntegerField: an empty string is null
        if key == "checkin_margin" and drf_int(raw) == 0:
            raw = 1  # MissedMarginField.to_internal_value keeps old upserts with 0 working
        value, problems = integer(1, highest, nullable=True)(raw)
        if problems:
            errors[key] = problems
        merged[key] = value
    timezone = merged.get("timezone") or "UTC"
    if timezone not in zoneinfo.available_timezones():
        errors["timezone"] = [choice_error(timezone)]
    merged["timezone"] = timezone
    schedule_type = merged.get("schedule_type")
    schedule = merged.get("schedule")
    if isinstance(schedule, dict) and schedule.get("type"):
        schedule_type = schedule["type"] if schedule["type"] in ("crontab", "interval") else None
    if "schedule" not in merged:
        errors["schedule"] = [REQUIRED]
    elif "schedule_type" in config and config["schedule_type"] not in ("crontab", "interval"):
        errors["schedule_type"] = [choice_error(config["schedule_type"])]  # the ChoiceField
    elif schedule_type not in ("crontab", "interval"):
        errors["schedule_type"] = ["Missing or invalid schedule type"]
    else:
        merged["schedule_type"] = schedule_type
        schedule, schedule_errors = _schedule(schedule_type, schedule)
        errors.update(schedule_errors)
        merged["schedule"] = schedule
    if errors:
        raise Invalid({"config": errors})
    return {key: merged.get(key) for key in ("schedule_type", "schedule", "checkin_margin",
                                             "max_runtime", "timezone",
                                             "failure_issue_threshold", "recovery_threshold")}


def clean_monitor(
    org: FakeOrganization, body: dict[str, Any], current: FakeCronMonitor | None
) -> dict[str, Any]:
    """Validated fields (snake_case) of a create (``current`` None) or a partial update."""
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    if current is None:
        for key in ("project", "name", "config"):
            if key not in body:
                errors[key] = [REQUIRED]
    if "project" in body:
        project = org.find_project(str(body["project"]))
        if project is None:
            errors["project"] = ["Invalid project"]
        else:
            values["project_id"] = project.id
    if "name" in body:
        name, problems = string(128, allow_blank=False)(body["name"])
        errors.update({"name": problems} if problems else {})
        values["name"] = name
    if "slug" in body:
        slug = body["slug"]
        if not isinstance(slug, str) or not re.match(r"^(?![0-9]+$)[a-z0-9_-]{1,50}$", slug):
            errors["slug"] = [SLUG_ERROR]
        elif slug in org.monitors and (current is None or current.slug != slug):
            errors["slug"] = [f'The slug "{slug}" is already in use.']
        values["slug"] = slug
    if "status" in body:
        if body["status"] not in ("active", "disabled"):
            errors["status"] = [choice_error(body["status"])]
        values["status"] = body["status"]
    if "owner" in body:
        owner, problems = check_owner(org, body["owner"])
        errors.update({"owner": problems} if problems else {})
        values["owner"] = owner
    if "is_muted" in body:
        muted, problems = boolean(body["is_muted"])
        errors.update({"is_muted": problems} if problems else {})
        values["is_muted"] = muted
    if "config" in body:
        try:
            values["config"] = clean_config(body["config"], current.config if current else None)
        except Invalid as exc:
            errors.update(exc.errors)
    if errors:
        raise Invalid(errors)
    return values
