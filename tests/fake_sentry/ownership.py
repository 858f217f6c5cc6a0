"""``GET/PUT /api/0/projects/{org}/{project}/ownership/``, as getsentry/sentry answers them.

Sources (getsentry/sentry):

- ``src/sentry/issues/endpoints/project_ownership.py`` (before 2024 under ``api/endpoints/``):
  ``ProjectOwnershipEndpoint.get_ownership`` (an unsaved row with the model's defaults when the
  project never saved one), ``.put`` (fields other than ``raw`` need ``project:write``:
  ``PermissionDenied``; the answer is ``Response(serialize(ownership))``, status **200**, where
  the OpenAPI schema says 202), ``ProjectOwnershipRequestSerializer`` (``raw`` CharField
  allow_blank, ``fallthrough``/``codeownersAutoSync`` BooleanField, ``autoAssignment``
  CharField with ``validate_autoAssignment``: ``{"autoAssignment": "Invalid selection."}``
  raised inside a field validator, so DRF nests it under the field; ``validate``: the
  ``DEFAULT_MAX_RAW_LENGTH`` of 100,000 unless the stored text is already longer;
  ``_validate_no_codeowners``; ``_validate_team_ownership``: team owners need ``team:admin``
  or open membership (the fake's token user is in no team); ``save``: blank ``raw`` is stored
  as null, ``__modify_auto_assignment``).
- ``src/sentry/issues/ownership/grammar.py``: ``create_schema_from_issue_owners`` (parse
  errors as "Parse error: <rule> (line L, column C)", where the fake names the rule and column
  of the first character it cannot read, as near as it can to parsimonious's report;
  "Missing owner in rule: type:pattern" unless codeowners), ``resolve_actors`` (a team needs
  access to the project; a user must be active and in one of the project's teams),
  ``get_invalid_owner_details`` (the messages, sorted, after "Invalid rule owners: ").
- ``src/sentry/api/serializers/models/projectownership.py``: the answer's fields and the three
  auto-assignment texts; ``src/sentry/models/projectownership.py``: the defaults.
"""

from __future__ import annotations

import re
from typing import Any

from tests.fake_sentry.replies import HttpError
from tests.fake_sentry.state import DATE_UPDATED, FakeOrganization, FakeProject
from tests.fake_sentry.validation import Invalid, boolean

MAX_RAW_LENGTH = 100_000
SUSPECT_COMMITS = "Auto Assign to Suspect Commits"
ISSUE_OWNER = "Auto Assign to Issue Owner"
OFF = "Turn off Auto-Assignment"
CHOICES = (SUSPECT_COMMITS, ISSUE_OWNER, OFF)
_MATCHER = re.compile(r"(url|path|module|codeowners|tags.[^:]+):")
_QUOTED = re.compile(r'"([^"\\]*(?:\\.[^"\\]*)*)"')


def _row(project: FakeProject) -> dict[str, Any]:
    if project.ownership is None:
        # ProjectOwnership(project=project, last_updated=None, date_created=None), unsaved.
        return {"raw": None, "fallthrough": True, "auto_assignment": True,
                "suspect_committer_auto_assignment": False, "codeowners_auto_sync": True,
                "date_created": None, "last_updated": None}
    return project.ownership


def serialized(project: FakeProject) -> dict[str, Any]:
    row = _row(project)
    assignment = (SUSPECT_COMMITS if row["auto_assignment"]
                  and row["suspect_committer_auto_assignment"] else
                  ISSUE_OWNER if row["auto_assignment"] else OFF)
    return {"raw": row["raw"], "fallthrough": row["fallthrough"],
            "dateCreated": row["date_created"], "lastUpdated": row["last_updated"],
            "isActive": True, "autoAssignment": assignment,
            "codeownersAutoSync": row["codeowners_auto_sync"]}


def parse(raw: str) -> list[tuple[str, str, list[str]]]:
    """(type, pattern, owners) of each rule, as ``ownership_grammar`` reads them; raises
    Invalid with Sentry's parse error for text it does not read."""
    rules = []
    for number, line in enumerate(re.split(r"[\r\n]", raw), start=1):
        text = line.lstrip(" ")
        column = len(line) - len(text) + 1
        if not text or text.startswith("#"):
            continue
        found = _MATCHER.match(text)
        kind = found.group(1) if found else "path"
        rest = text[found.end():] if found else text
        quoted = _QUOTED.match(rest)
        if quoted:
            pattern = quoted.group(1).encode("ascii", "backslashreplace").decode("unicode-escape")
            rest = rest[quoted.end():]
        else:
            identifier = re.match(r"\S+", rest)
            if identifier is None:
                raise Invalid({"raw": [f"Parse error: any_identifier (line {number}, column "
                                       f"{column + len(text) - len(rest)})"]})
            pattern, rest = identifier.group(0), rest[identifier.end():]
        owners = []
        while rest:
            spaces = len(rest) - len(rest.lstrip(" "))
            owner = re.match(r"#?\S+", rest[spaces:])
            if spaces == 0 or owner is None:
                raise Invalid({"raw": [f"Parse error: line (line {number}, column "
                                       f"{column + len(text) - len(rest)})"]})
            owners.append(owner.group(0))
            rest = rest[spaces + owner.end():]
        rules.append((kind, pattern, owners))
    return rules


def _bad_owners(org: FakeOrganization, project: FakeProject, owners: set[str]) -> list[str]:
    messages = []
    for owner in owners:
        if owner.startswith("#"):
            if owner[1:] not in project.teams:
                messages.append(f"Team {owner} does not have access to project "
                                f"'{project.slug}'.")
            continue
        member = next((m for m in org.members.values()
                       if m.email.lower() == owner.lower() and m.user_id is not None), None)
        if member is None:
            messages.append(f"User {owner} is not a member of this organization.")
        elif not set(member.team_roles) & set(project.teams):
            messages.append(f"User {owner} does not have access to project '{project.slug}'.")
    return sorted(messages)


def _check_raw(org: FakeOrganization, project: FakeProject, raw: str,
               scopes: frozenset[str]) -> None:
    existing = _row(project)["raw"] or ""
    if len(raw) > MAX_RAW_LENGTH and len(existing) <= MAX_RAW_LENGTH:
        raise Invalid({"raw": [f"Raw needs to be <= {MAX_RAW_LENGTH} characters in length"]})
    rules = parse(raw)
    for kind, pattern, owners in rules:
        if not owners and kind != "codeowners":
            raise Invalid({"raw": [f"Missing owner in rule: {kind}:{pattern}"]})
    bad = _bad_owners(org, project, {o.lower() if not o.startswith("#") else o
                                     for _, _, owners in rules for o in owners})
    if bad:
        raise Invalid({"raw": ["Invalid rule owners: " + " ".join(bad)]})
    if any(kind == "codeowners" for kind, _, _ in rules):
        raise Invalid({"raw": ["Codeowner type paths can only be added by importing CODEOWNER "
                               "files"]})
    teams = any(o.startswith("#") for _, _, owners in rules for o in owners)
    if teams and "team:admin" not in scopes and not org.settings.get("openMembership"):
        raise Invalid({"raw": ["You do not have permission to assign ownership to one or more "
                               "teams."]})


def update(org: FakeOrganization, project: FakeProject, body: Any,
           scopes: frozenset[str]) -> dict[str, Any]:
    if not isinstance(body, dict):
        kind = "null" if body is None else type(body).__name__
        raise Invalid({"non_field_errors": [f"Invalid data. Expected a dictionary, but got "
                                            f"{kind}."]})
    if list(body) != ["raw"] and not scopes & {"project:write", "project:admin"}:
        raise HttpError(403, {"detail": "You do not have permission to perform this action."})
    errors: dict[str, Any] = {}
    values: dict[str, Any] = {}
    if "raw" in body:
        if not isinstance(body["raw"], str):
            errors["raw"] = ["Not a valid string."]
        else:
            values["raw"] = body["raw"]
    for field in ("fallthrough", "codeownersAutoSync"):
        if field in body:
            value, problems = boolean(body[field])
            if problems:
                errors[field] = problems
            else:
                values[field] = value
    if "autoAssignment" in body:
        choice = body["autoAssignment"]
        if not isinstance(choice, str) or not choice:
            errors["autoAssignment"] = ["This field may not be blank."]
        elif choice not in CHOICES:
            errors["autoAssignment"] = {"autoAssignment": ["Invalid selection."]}
        else:
            values["autoAssignment"] = choice
    if errors:
        raise Invalid(errors)
    if "raw" in values:
        _check_raw(org, project, values["raw"], scopes)
    row = dict(_row(project))
    if "raw" in values:
        row["raw"] = values["raw"] if values["raw"].strip() else None
    if "fallthrough" in values:
        row["fallthrough"] = values["fallthrough"]
    if "codeownersAutoSync" in values:
        row["codeowners_auto_sync"] = values["codeownersAutoSync"]
    if "autoAssignment" in values:
        row["auto_assignment"] = values["autoAssignment"] != OFF
        row["suspect_committer_auto_assignment"] = values["autoAssignment"] == SUSPECT_COMMITS
    if row != _row(project):
        row["date_created"] = row["date_created"] or DATE_UPDATED
        row["last_updated"] = DATE_UPDATED
        project.ownership = row
    return serialized(project)
