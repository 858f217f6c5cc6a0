"""Ownership rules and inbound filters in words, one line each, for ``plan``, ``render`` and
``diff``.

The words are made from our vocabulary (the YAML's keys and values): ``render`` and ``diff``
read them from the models, ``plan``, which sees only what the program registered, turns
Sentry's fields back into them (``*_from_fields``, with the inverses of ``sentry_iac.sentry``),
so every command says the same thing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sentry_iac.config.models import Project
from sentry_iac.sentry import filters, ownership

_MATCHED = {ownership.PATH: "files", ownership.MODULE: "modules", ownership.URL: "URLs"}
_ASSIGNS = {
    "issue-owners": "assigns new issues to their owners",
    "suspect-commits": "assigns new issues to the suspect commit's author, else the owners",
    "off": "assigns nobody",
}
_FILTERED = {
    "browser_extensions": "errors from browser extensions",
    "localhost": "events from localhost",
    "web_crawlers": "events from web crawlers",
    "health_checks": "health-check transactions",
    "legacy_browsers": "errors from legacy browsers",
    "react_hydration_errors": "React hydration errors",
    "chunk_load_errors": "chunk-load errors",
}
_BROWSERS = {"internet-explorer": "Internet Explorer", "edge": "Edge", "safari": "Safari",
             "firefox": "Firefox", "chrome": "Chrome", "opera": "Opera", "android": "Android",
             "opera-mini": "Opera Mini"}
# key -> (what a list drops, what an empty list is)
_LISTED = {"error_messages": ("errors whose message matches", "error messages"),
           "releases": ("events of releases", "releases"),
           "ip_addresses": ("events from", "IP addresses")}
# Our keys in the order the YAML documents them.
_FILTER_ORDER = (*filters.SWITCHES, *filters.OPTIONS)


def _owner(text: str) -> str:
    return f"team {text[1:]}" if text.startswith("#") else text


def _rule(line: str) -> str:
    try:
        parsed = ownership.parse_line(line)
    except ownership.RuleTextError:
        return line
    if parsed is None:
        return line
    kind, pattern, owners = parsed
    what = (f"tag {kind.removeprefix(ownership.TAG_PREFIX)} {pattern}"
            if kind.startswith(ownership.TAG_PREFIX) else f"{_MATCHED.get(kind, kind)} {pattern}")
    return f"{what} → {', '.join(_owner(o) for o in owners)}"


def ownership_parts(rules: str | None, fallthrough: bool | None, auto_assign: str | None,
                    sync_code_owners: bool | None) -> dict[str, str]:
    """YAML key under ``ownership`` -> its words, for the declared (not None) ones; ``rules``
    is Sentry's rule text, one rule a line."""
    out: dict[str, str] = {}
    if rules is not None:
        lines = [line for line in rules.splitlines() if line.strip()]
        out["rules"] = "; ".join(_rule(line) for line in lines) or "no rules"
    if fallthrough is not None:
        out["fallthrough"] = ("unmatched issues are everyone's in the project" if fallthrough
                              else "unmatched issues have no owner")
    if auto_assign is not None:
        out["auto_assign"] = _ASSIGNS.get(auto_assign, auto_assign)
    if sync_code_owners is not None:
        out["sync_code_owners"] = ("syncs CODEOWNERS on each release" if sync_code_owners
                                   else "does not sync CODEOWNERS")
    return out


def ownership_from_fields(fields: Mapping[str, Any]) -> dict[str, str]:
    """``ownership_parts`` of Sentry's ownership fields (a registered resource's settings)."""
    assign = fields.get(ownership.AUTO_ASSIGNMENT)
    raw = fields.get(ownership.RAW)
    return ownership_parts(
        None if raw is None else str(raw), fields.get(ownership.FALLTHROUGH),
        None if assign is None else ownership.AUTO_ASSIGN_WORDS.get(str(assign), str(assign)),
        fields.get(ownership.CODEOWNERS_AUTO_SYNC))


def _quoted(entries: list[str]) -> str:
    return ", ".join(f"'{entry}'" for entry in entries)


def filter_parts(declared: Mapping[str, Any]) -> dict[str, str]:
    """YAML key under ``inbound_filters`` -> ``drops ...`` / ``keeps ...``, for the declared
    (not None) ones, in the YAML's order."""
    out: dict[str, str] = {}
    ordered = [k for k in _FILTER_ORDER if k in declared] + [
        k for k in declared if k not in _FILTER_ORDER]
    for key in ordered:
        value = declared[key]
        if value is None:
            continue
        if key in _LISTED:
            what, empty = _LISTED[key]
            out[key] = f"drops {what} {_quoted(list(value))}" if value else f"drops no {empty}"
        elif isinstance(value, list | tuple):
            browsers = ", ".join(_BROWSERS.get(str(name), str(name)) for name in value)
            out[key] = f"drops errors from old browsers ({browsers})"
        else:
            out[key] = f"{'drops' if value else 'keeps'} {_FILTERED.get(key, key)}"
    return out


def filters_from_fields(fields: Mapping[str, Any]) -> dict[str, str]:
    """``filter_parts`` of Sentry's filter ids and options (a registered resource's settings)."""
    declared: dict[str, Any] = {}
    for field, value in fields.items():
        key = filters.KEYS.get(field, field)
        if field in filters.LIST_OPTIONS:
            declared[key] = [line for line in str(value).splitlines() if line]
        elif isinstance(value, list):
            declared[key] = [filters.LEGACY_BROWSER_WORDS.get(str(c), str(c)) for c in value]
        else:
            declared[key] = value
    return filter_parts(declared)


def ownership_sentence(parts: Mapping[str, str]) -> str:
    """``files backend/** → team science-projects; unmatched issues are everyone's ...``."""
    return "; ".join(parts.values()) or "nothing managed"


def filters_sentence(parts: Mapping[str, str]) -> str:
    """``drops errors from browser extensions, events from localhost; keeps ...``."""
    drops = [p.removeprefix("drops ") for p in parts.values() if p.startswith("drops ")]
    keeps = [p.removeprefix("keeps ") for p in parts.values() if p.startswith("keeps ")]
    words = [f"drops {', '.join(drops)}" if drops else "",
             f"keeps {', '.join(keeps)}" if keeps else ""]
    return "; ".join(w for w in words if w) or "nothing managed"


def project_values(project: Project) -> dict[str, str]:
    """``ownership.<key>`` and ``inbound_filters.<key>`` -> words, for ``diff``."""
    out: dict[str, str] = {}
    declared = project.ownership
    if declared is not None:
        parts = ownership_parts(declared.rules_text(), declared.fallthrough,
                                declared.auto_assign, declared.sync_code_owners)
        out.update({f"ownership.{key}": words for key, words in parts.items()})
    if project.inbound_filters is not None:
        values = project.inbound_filters.model_dump(exclude_none=True)
        out.update({f"inbound_filters.{key}": words
                    for key, words in filter_parts(values).items()})
    return out


def _under(values: Mapping[str, str], prefix: str) -> dict[str, str]:
    return {k.removeprefix(prefix): v for k, v in values.items() if k.startswith(prefix)}


def project_lines(values: Mapping[str, str]) -> list[str]:
    """``render``'s lines for a project (from its ``project_values``): its issue owners and its
    inbound filters, one line each."""
    lines = []
    if owners := _under(values, "ownership."):
        lines.append(f"Issue owners: {ownership_sentence(owners)}.")
    if dropped := _under(values, "inbound_filters."):
        lines.append(f"Inbound filters: {filters_sentence(dropped)}.")
    return lines
