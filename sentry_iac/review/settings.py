"""Organisation and project settings as flat ``label -> value`` text, labelled by their YAML key
(``privacy.scrub_ip_addresses``), so ``diff`` can say exactly which key changed and how."""

from __future__ import annotations

from typing import Any

from sentry_iac.config.models import Organization, Project
from sentry_iac.config.privacy import ScrubbingRule
from sentry_iac.review import triage

# Keys shown elsewhere (identity, team access, per-stack environment) or not settings at all.
# Uptime checks are said per stack in their own section (review.uptime).
_PROJECT_SKIP = {"slug", "teams", "environments", "privacy", "fingerprinting", "code_mappings",
                 "previous_slugs", "ownership", "inbound_filters", "uptime",
                 "rate_limit"}  # rate_limit: per stack (ProjectView)
# ``policies`` (the checks every change must pass) is shown when the model has it.
_ORGANIZATION_KEYS = ("privacy", "security", "retention", "integrations", "policies")


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _item(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_nested(v)}" for k, v in value.items() if v is not None)
    return _scalar(value)


def _nested(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + _item(value) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_nested(v) for v in value) + "]"
    return _scalar(value)


def _identity(items: list[Any] | tuple[Any, ...]) -> str | None:
    """The key that names each item of a list of mappings (``slug``, ``id``, ...), if any."""
    for key in ("slug", "id", "name", "email"):
        names = [item.get(key) for item in items if isinstance(item, dict)]
        if len(names) == len(items) and all(isinstance(n, str) for n in names) \
                and len(set(names)) == len(names):
            return key
    return None


def flatten(prefix: str, value: Any, out: dict[str, str]) -> None:
    """Nested YAML-shaped data as ``a.b[name].c -> text`` leaves: named items (by slug, id,
    ...) are one leaf per key so a diff names the exact value; other lists are one line."""
    if value is None:
        return
    if isinstance(value, dict):
        for key, item in value.items():
            flatten(f"{prefix}.{key}" if prefix else str(key), item, out)
    elif isinstance(value, list | tuple) and value and (key := _identity(value)):
        for item in value:
            flatten(f"{prefix}[{item[key]}]", {k: v for k, v in item.items() if k != key}, out)
    elif isinstance(value, list | tuple):
        separator = "; " if any(isinstance(v, dict) for v in value) else ", "
        out[prefix] = separator.join(_item(v) for v in value) if value else "none"
    else:
        out[prefix] = _scalar(value)


def scrubbing_rule(rule: ScrubbingRule) -> str:
    """"remove anything in $http.cookies" / "replace pattern 'x' with '[key]' in $message"."""
    what = f"pattern '{rule.pattern}'" if rule.type == "pattern" else rule.type
    how = f" with '{rule.replacement}'" if rule.replacement is not None else ""
    return f"{rule.method} {what}{how} in {', '.join(rule.fields)}"


def project_values(project: Project) -> dict[str, str]:
    """A project's settings (not its slug, teams or environments) as ``key -> text``. Only
    what the YAML spells out: a setting left out is not managed, so it is not shown."""
    out: dict[str, str] = {}
    dumped = project.model_dump(mode="json", exclude_none=True, exclude_unset=True,
                                by_alias=True)
    for key, value in dumped.items():
        if key not in _PROJECT_SKIP:
            flatten(key, value, out)
    if project.privacy is not None:
        privacy = project.privacy.model_dump(mode="json", exclude_none=True, exclude_unset=True)
        privacy.pop("scrubbing_rules", None)
        flatten("privacy", privacy, out)
        if project.privacy.scrubbing_rules is not None:
            out["privacy.scrubbing_rules"] = "; ".join(
                scrubbing_rule(r) for r in project.privacy.scrubbing_rules) or "none"
    if project.fingerprinting is not None:
        out["fingerprinting"] = "; ".join(r.rule_text() for r in project.fingerprinting) or "none"
    out.update(triage.project_values(project))  # issue owners and inbound filters, in words
    for mapping in project.code_mappings:
        out[f"code_mappings[{mapping.stack_root}]"] = (
            f"{mapping.repository}@{mapping.branch}: {mapping.source_root}")
    return out


def organization_values(org: Organization) -> dict[str, str]:
    """Organisation-wide privacy, security, retention and code links as ``key -> text``."""
    out: dict[str, str] = {}
    dumped = org.model_dump(mode="json", exclude_none=True, exclude_unset=True, by_alias=True)
    for key in _ORGANIZATION_KEYS:
        flatten(key, dumped.get(key), out)
    if org.repositories:
        out["repositories"] = ", ".join(r.name for r in org.repositories)
    return out
