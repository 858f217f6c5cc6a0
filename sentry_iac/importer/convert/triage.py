"""A project's ownership rules and inbound filters -> the YAML.

Only what differs from Sentry's defaults is declared, as for the other settings: left out, it
stays unmanaged and Sentry keeps it. Rules are read line by line with Sentry's grammar
(``sentry_iac.sentry.ownership.parse_line``) and written back the way sentry-iac writes them;
when that text is not the one Sentry holds (comments, another layout) the import says so, and
the first ``up`` writes the new text. Ownership that names an owner the YAML could not declare
(a team without access, a member not imported) leaves all the rules out: writing part of them
would change who owns what.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from sentry_iac.config.filters import InboundFilters
from sentry_iac.config.ownership import Ownership
from sentry_iac.importer.convert.problems import NotExpressible
from sentry_iac.importer.read.snapshot import Json, ProjectData
from sentry_iac.importer.report import Report
from sentry_iac.sentry import filters, ownership

_KEYS = {ownership.PATH: "path", ownership.MODULE: "module", ownership.URL: "url"}


def _owner(text: str, teams: set[str], members: Mapping[str, set[str]]) -> Json:
    if text.startswith("#"):
        if text[1:] not in teams:
            raise NotExpressible(f"team {text} has no access to the project, so Sentry ignores "
                                 "it there and sentry-iac would refuse it")
        return {"team": text[1:]}
    if not members.get(text.lower(), set()) & teams:
        raise NotExpressible(f"{text} is not an imported member of one of the project's teams")
    return {"member": text}


def _rule(line: str, teams: set[str], members: Mapping[str, set[str]]) -> Json | None:
    try:
        parsed = ownership.parse_line(line)
    except ownership.RuleTextError as exc:
        raise NotExpressible(str(exc)) from None
    if parsed is None:
        return None
    kind, pattern, owners = parsed
    if kind == ownership.CODEOWNERS:
        raise NotExpressible("a codeowners: rule comes from a CODEOWNERS import")
    if "\\" in line and ownership.rule_line(kind, pattern, owners) != line.strip(" "):
        raise NotExpressible(f"escapes in {line!r} may not read back the same")
    entry: Json = ({"tag": {kind.removeprefix(ownership.TAG_PREFIX): pattern}}
                   if kind.startswith(ownership.TAG_PREFIX) else {_KEYS[kind]: pattern})
    entry["owners"] = [_owner(owner, teams, members) for owner in owners]
    return entry


def ownership_block(data: ProjectData, teams: list[str], members: Mapping[str, set[str]],
                    subject: str, report: Report) -> Json | None:
    """``ownership:``; ``members`` maps each imported member's email (lower case) to its
    teams."""
    body = data.ownership
    if not body:
        return None
    what = f"{subject} ownership rules"
    out: Json = {}
    raw = str(body.get(ownership.RAW) or "")
    if raw.strip():
        try:
            out["rules"] = [r for line in raw.splitlines()
                            if (r := _rule(line, set(teams), members)) is not None]
        except NotExpressible as exc:
            # The rest of the ownership settings are independent of the rules.
            report.skip(what, f"{exc}; the rules stay in Sentry, unmanaged")
    if body.get(ownership.FALLTHROUGH) is False:
        out["fallthrough"] = False
    word = ownership.AUTO_ASSIGN_WORDS.get(str(body.get(ownership.AUTO_ASSIGNMENT)))
    if word is not None and word != ownership.AUTO_ASSIGN_WORDS[
            ownership.DEFAULTS[ownership.AUTO_ASSIGNMENT]]:
        out["auto_assign"] = word
    if body.get(ownership.CODEOWNERS_AUTO_SYNC) is False:
        out["sync_code_owners"] = False
    if not out:
        return None
    try:
        written = Ownership.model_validate(out).rules_text()
    except ValidationError as exc:
        report.skip(what, f"sentry-iac would refuse them: {exc.errors()[0]['msg']}")
        return None
    if written is not None and written != raw:
        comments = any(line.strip(" ").startswith("#") for line in raw.splitlines())
        report.rewrite(what, "comments are dropped" if comments
                       else "the same rules, in sentry-iac's layout")
    return out


def _switch(key: str, value: Any, subject: str, report: Report) -> Any:
    """Our value for one filter switch, or None to leave it out."""
    filter_id = filters.SWITCHES[key]
    if isinstance(value, list):
        words = [filters.LEGACY_BROWSER_WORDS.get(str(code)) for code in sorted(value)]
        if None in words:
            old = sorted(str(c) for c in value if c not in filters.LEGACY_BROWSER_WORDS)
            report.skip(f"{subject} inbound_filters.{key}",
                        f"Sentry filters the retired browser versions {', '.join(old)}, which "
                        "sentry-iac does not write; the filter stays in Sentry, unmanaged")
            return None
        return words
    if isinstance(value, bool) and value != filters.DEFAULTS[filter_id]:
        return value
    return None


def filters_block(data: ProjectData, subject: str, report: Report) -> Json | None:
    """``inbound_filters:``: the switches and option filters that differ from the defaults."""
    out: Json = {}
    states = {str(f.get("id")): f.get("active") for f in data.filters or []}
    for key, filter_id in filters.SWITCHES.items():
        if filter_id in states and (value := _switch(key, states[filter_id], subject,
                                                     report)) is not None:
            out[key] = value
    stored = data.detail.get(filters.OPTIONS_KEY) or {}
    for key, option in filters.OPTIONS.items():
        if option not in stored:
            continue
        value = stored[option]
        if option in filters.LIST_OPTIONS:
            entries = [line for line in str(value or "").split("\n") if line]
            if entries:
                out[key] = entries
        elif isinstance(value, bool) and value != filters.DEFAULTS[option]:
            out[key] = value
    accepted: Json = {}
    for key, value in out.items():
        try:
            InboundFilters.model_validate({key: value})
        except ValidationError as exc:
            report.skip(f"{subject} inbound_filters.{key}",
                        f"sentry-iac would refuse {value!r}: {exc.errors()[0]['msg']}")
            continue
        accepted[key] = value
    return accepted or None
