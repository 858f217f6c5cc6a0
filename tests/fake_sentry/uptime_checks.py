"""What an uptime monitor (detector of type ``uptime_domain_failure``) request must satisfy,
with Sentry's texts. Bodies arrive snake_cased (``casing``); errors are built with snake keys
and camelCased by the caller. Written from Sentry's source, independently of sentry-iac.

Where each rule lives (getsentry/sentry ``src/sentry/``):

- ``workflow_engine/endpoints/validators/base/detector.py`` ``BaseDetectorTypeValidator``:
  ``name`` ``CharField(required=True, max_length=200)``, ``description`` (null and blank
  allowed), ``enabled`` ``BooleanField``, ``owner`` ``OwnerActorField``;
  ``validate_data_sources``: "Only one data source is allowed for this detector type." when
  ``enforce_single_datasource`` (set by the uptime validator) and more than one is sent;
  ``create`` builds the detector without ``enabled`` (the model's default, on), always makes a
  condition group of logic type ``any`` (empty unless conditions are sent) and runs
  ``enforce_config_schema`` ({"config": [str(error)]}); ``update`` writes the fields sent.
- ``uptime/endpoints/validators.py``:
  ``UptimeMonitorDataSourceValidator``: ``url`` ``URLField(required=True, max_length=255)``;
  ``interval_seconds`` ``ChoiceField`` of ``UptimeSubscription.IntervalSeconds`` (DRF looks
  the choice up by ``str(value)``: 60 and "60" pass, 60.0 does not); ``timeout_ms``
  ``IntegerField(min_value=1000, max_value=60_000)``; ``method`` ``ChoiceField`` of
  ``SupportedHTTPMethods``; ``headers`` ``JSONField`` then ``_validate_headers``
  (``HEADERS_LIST_SCHEMA``: "Expected array of header tuples."); ``trace_sampling``
  ``BooleanField(default=False)``; ``body`` ``CharField(allow_null=True)`` (DRF trims it;
  blank is refused); ``validate`` -> ``_validate_request_size`` ("Request is too large, max
  size is 1000 bytes", a non-field error of the data source; ``compute_http_request_size``);
  ``create_source`` defaults the method to GET and the headers to none.
  ``UptimeDomainCheckFailureConfigValidator``: ``environment`` ``CharField(max_length=64,
  allow_null=True)``, ``recovery_threshold`` / ``downtime_threshold``
  ``IntegerField(min_value=1)`` with defaults 1 and 3 (``uptime/types.py``), ``mode``
  ``IntegerField(default=MANUAL)``; ``bind`` makes it partial and merged with the stored
  config on update; ``validate``: a non-superuser may only create MANUAL monitors ("Only
  superusers can modify `mode`"), and one updating a monitor that is not MANUAL switches it
  to MANUAL. ``UptimeDomainCheckFailureValidator``: ``create`` then calls
  ``enable_uptime_detector(ensure_assignment=True)``, so a new monitor is on whatever was
  sent, unless no seat is free (then it stays off); ``validate_enabled`` refuses to turn a
  monitor on without a seat; ``update_data_source`` keeps every stored field the PUT leaves
  out (``NOT_SET``).
- ``uptime/grouptype.py`` ``UptimeDomainCheckFailure.detector_settings.config_schema``:
  ``mode``, ``environment``, ``recovery_threshold`` and ``downtime_threshold`` required, no
  other key (``additionalProperties: false``).
- ``uptime/models.py`` ``UptimeSubscription``: the intervals, the methods.

DRF's ``URLField`` is Django's ``URLValidator`` (``django/core/validators.py``: schemes http,
https, ftp, ftps; a host name, IPv4, [IPv6] or ``localhost``; "Enter a valid URL.").

Not modelled: ``check_url_limits`` counts monitors of every organisation by registered domain
(the public suffix list, ``MAX_MONITORS_PER_DOMAIN``), which a one-organisation fake cannot.
"""

from __future__ import annotations

import re
from typing import Any

from jsonschema import Draft202012Validator

from tests.fake_sentry.actors import check_owner
from tests.fake_sentry.state import FakeDetector, FakeOrganization
from tests.fake_sentry.validation import REQUIRED, Invalid, boolean, integer, string

UPTIME_DETECTOR = "uptime_domain_failure"
UPTIME_SOURCE = "uptime_subscription"
INTERVALS = (60, 300, 600, 1200, 1800, 3600)  # UptimeSubscription.IntervalSeconds
METHODS = ("GET", "POST", "HEAD", "PUT", "DELETE", "PATCH", "OPTIONS")  # SupportedHTTPMethods
MAX_REQUEST_SIZE_BYTES = 1000
MANUAL = 1  # UptimeMonitorMode.MANUAL
DEFAULT_RECOVERY, DEFAULT_DOWNTIME = 1, 3  # DEFAULT_RECOVERY_THRESHOLD, ..._DOWNTIME_...
HEADERS_LIST = Draft202012Validator({
    "type": "array",
    "items": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "string"}]},
})
CONFIG_SCHEMA = Draft202012Validator({
    "type": "object",
    "required": ["mode", "environment", "recovery_threshold", "downtime_threshold"],
    "properties": {
        "mode": {"type": ["integer"], "enum": [1, 2, 3]},
        "environment": {"type": ["string", "null"]},
        "recovery_threshold": {"type": "integer", "minimum": 1},
        "downtime_threshold": {"type": "integer", "minimum": 1},
    },
    "additionalProperties": False,
})
# Django's URLValidator.regex, its parts as Django spells them.
_UL = "\u00a1-\uffff"
_IPV4 = (r"(?:0|25[0-5]|2[0-4][0-9]|1[0-9]?[0-9]?|[1-9][0-9]?)"
         r"(?:\.(?:0|25[0-5]|2[0-4][0-9]|1[0-9]?[0-9]?|[1-9][0-9]?)){3}")
_IPV6 = r"\[[0-9a-f:.]+\]"
_HOSTNAME = rf"[a-z{_UL}0-9](?:[a-z{_UL}0-9-]{{0,61}}[a-z{_UL}0-9])?"
_DOMAIN = rf"(?:\.(?!-)[a-z{_UL}0-9-]{{1,63}}(?<!-))*"
_TLD = rf"\.(?!-)(?:[a-z{_UL}-]{{2,63}}|xn--[a-z0-9]{{1,59}})(?<!-)\.?"
_URL = re.compile(
    rf"^(?:[a-z0-9.+-]*)://(?:[^\s:@/]+(?::[^\s:@/]*)?@)?"
    rf"(?:{_IPV4}|{_IPV6}|(?:{_HOSTNAME}{_DOMAIN}{_TLD}|localhost))"
    r"(?::[0-9]{1,5})?(?:[/?#][^\s]*)?\Z", re.IGNORECASE)
URL_SCHEMES = ("http", "https", "ftp", "ftps")
NOT_A_URL = "Enter a valid URL."
TOO_LARGE = f"Request is too large, max size is {MAX_REQUEST_SIZE_BYTES} bytes"
NO_SEAT = "No seats available"  # the quota backend's reason (result.reason); the text varies


def _url(value: Any) -> tuple[Any, list[str]]:
    """DRF ``URLField``: a ``CharField`` (trimmed, not blank, at most 255) whose validators,
    the length's and Django's ``URLValidator``, all report."""
    text, errors = string(255, allow_blank=False)(value)
    if value is None or isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None, errors
    candidate = str(value).strip()
    if not candidate:
        return None, errors
    scheme = candidate.split("://", 1)[0].lower() if "://" in candidate else ""
    if scheme not in URL_SCHEMES or any(c in candidate for c in "\t\r\n") \
            or not _URL.match(candidate):
        errors = [*errors, NOT_A_URL]
    return (None if errors else text), errors


def _interval(value: Any) -> tuple[Any, list[str]]:
    by_text = {str(choice): choice for choice in INTERVALS}
    if str(value) in by_text and not isinstance(value, bool):
        return by_text[str(value)], []
    return None, [f'"{value}" is not a valid choice.']


def _method(value: Any) -> tuple[Any, list[str]]:
    if value in METHODS:
        return value, []
    return None, [f'"{value}" is not a valid choice.']


def _headers(value: Any) -> tuple[Any, list[str]]:
    if any(HEADERS_LIST.iter_errors(value)):
        return None, ["Expected array of header tuples."]
    return value, []


def _body(value: Any) -> tuple[Any, list[str]]:
    return string(nullable=True, allow_blank=False)(value)


SOURCE_FIELDS = {"url": _url, "interval_seconds": _interval,
                 "timeout_ms": integer(1000, 60_000), "method": _method,
                 "headers": _headers, "trace_sampling": boolean, "body": _body}
SOURCE_REQUIRED = ("url", "interval_seconds", "timeout_ms")


def request_size(method: str, url: str, headers: list[Any], body: str | None) -> int:
    """``compute_http_request_size``."""
    size = len(f"{method} {url} HTTP/1.1\r\n")
    size += sum(len(k) + len(v.encode("utf-8")) + len("\r\n") for k, v in headers)
    if body is not None:
        size += len(body.encode("utf-8")) + len("\r\n")
    return size


def _source(value: Any, stored: dict[str, Any] | None) -> dict[str, Any]:
    """One data source: its fields checked, merged over the stored ones on update."""
    if not isinstance(value, dict):
        kind = "null" if value is None else type(value).__name__
        raise Invalid({"non_field_errors": [
            f"Invalid data. Expected a dictionary, but got {kind}."]})
    errors: dict[str, Any] = {}
    clean: dict[str, Any] = {}
    for name, checker in SOURCE_FIELDS.items():
        if name in value:
            result, messages = checker(value[name])
            (errors if messages else clean)[name] = messages or result
        elif stored is None and name in SOURCE_REQUIRED:
            errors[name] = [REQUIRED]
    if errors:
        raise Invalid(errors)
    merged = {**(stored or {"method": "GET", "headers": [], "body": None,
                             "trace_sampling": False}), **clean}
    if request_size(merged["method"], merged["url"], merged["headers"],
                    merged["body"]) > MAX_REQUEST_SIZE_BYTES:
        raise Invalid({"non_field_errors": [TOO_LARGE]})
    return merged


def _data_source(org: FakeOrganization, value: Any, current: FakeDetector | None
                 ) -> dict[str, Any]:
    if not isinstance(value, list):
        raise Invalid({"data_sources": [
            f'Expected a list of items but got type "{type(value).__name__}".']})
    if len(value) > 1:
        raise Invalid({"data_sources": ["Only one data source is allowed for this detector "
                                        "type."]})
    stored = current.data_source if current is not None else None
    try:
        query = _source(value[0], stored["query"] if stored else None) if value else None
    except Invalid as exc:
        raise Invalid({"data_sources": {"0": exc.errors}}) from None
    if query is None:
        return stored or {}
    ids = ({k: stored[k] for k in ("id", "source_id")} if stored else
           {"id": org.next_id(), "source_id": org.next_id()})
    return {**ids, "type": UPTIME_SOURCE, "query": query}


def _config(value: Any, current: FakeDetector | None) -> dict[str, Any]:
    if not isinstance(value, dict):
        kind = "null" if value is None else type(value).__name__
        raise Invalid({"config": {"non_field_errors": [
            f"Invalid data. Expected a dictionary, but got {kind}."]}})
    errors: dict[str, Any] = {}
    clean: dict[str, Any] = {}
    checks = {"environment": string(64, nullable=True),
              "recovery_threshold": integer(1), "downtime_threshold": integer(1),
              "mode": integer()}
    for name, checker in checks.items():
        if name in value:
            result, messages = checker(value[name])
            (errors if messages else clean)[name] = messages or result
    if errors:
        raise Invalid({"config": errors})
    if current is not None:  # bind(): partial, merged over the stored config
        stored_mode = current.config.get("mode", MANUAL)
        merged = {**current.config, **clean}
        if "mode" in clean and clean["mode"] not in (stored_mode, MANUAL):
            raise Invalid({"config": ["Only superusers can modify `mode`"]})
        if stored_mode != MANUAL:  # a non-superuser's edit makes it a manual monitor
            merged["mode"] = MANUAL
        return merged
    if clean.get("mode", MANUAL) != MANUAL:
        raise Invalid({"config": ["Only superusers can modify `mode`"]})
    return {"recovery_threshold": DEFAULT_RECOVERY, "downtime_threshold": DEFAULT_DOWNTIME,
            "mode": MANUAL, **clean}


def _schema(config: dict[str, Any]) -> None:
    problem = next(iter(CONFIG_SCHEMA.iter_errors(config)), None)
    if problem is not None:
        raise Invalid({"config": [problem.message]})  # str(error)'s first line


def clean_uptime_detector(org: FakeOrganization, body: dict[str, Any],
                          current: FakeDetector | None) -> dict[str, Any]:
    """Validated FakeDetector fields from a snake_case body (partial when ``current``)."""
    values: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    if "name" in body:
        name, messages = string(200, allow_blank=False)(body["name"])
        (errors if messages else values)["name"] = messages or name
    elif current is None:
        errors["name"] = [REQUIRED]
    if "description" in body:
        text, messages = string(nullable=True)(body["description"])
        (errors if messages else values)["description"] = messages or text
    if "enabled" in body:
        flag, messages = boolean(body["enabled"])
        if not messages and flag and current is not None and not current.enabled \
                and org.uptime_seats is not None and _used_seats(org) >= org.uptime_seats:
            messages = [NO_SEAT]  # validate_enabled
        (errors if messages else values)["enabled"] = messages or flag
    if "owner" in body:
        owner, messages = check_owner(org, body["owner"])
        (errors if messages else values)["owner"] = messages or owner
    if errors:
        raise Invalid(errors)
    if "data_sources" in body:
        values["data_source"] = _data_source(org, body["data_sources"], current)
    if "config" in body:
        values["config"] = _config(body["config"], current)
    if current is None:
        config = values.get("config", {})
        _schema(config)
        # create() never reads `enabled`; enable_uptime_detector turns it on if a seat is free
        values["enabled"] = org.uptime_seats is None or _used_seats(org) < org.uptime_seats
        values["condition_group"] = {"id": org.next_id(), "logic_type": "any",
                                     "conditions": []}
    elif "config" in values:
        _schema(values["config"])
    return values


def _used_seats(org: FakeOrganization) -> int:
    return sum(1 for d in org.detectors.values() if d.type == UPTIME_DETECTOR and d.enabled)


def uptime_data_source(org: FakeOrganization, source: dict[str, Any]) -> dict[str, Any]:
    """An uptime detector's data source as the detector endpoints show it
    (``DataSourceSerializer`` around ``UptimeSubscriptionSerializer``)."""
    query = source["query"]
    return {"id": source["id"], "organizationId": org.id, "type": UPTIME_SOURCE,
            "sourceId": source["source_id"],
            "queryObj": {"url": query["url"], "method": query["method"], "body": query["body"],
                         "headers": query["headers"],
                         "intervalSeconds": query["interval_seconds"],
                         "timeoutMs": query["timeout_ms"],
                         "traceSampling": query["trace_sampling"],
                         "assertion": query.get("assertion")}}
