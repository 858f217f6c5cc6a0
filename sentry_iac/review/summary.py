"""The organisation's access, privacy and retention settings in a few short phrases each.
Settings left out of the YAML are not managed, so they are not mentioned."""

from __future__ import annotations

from sentry_iac.config.models import Organization
from sentry_iac.config.privacy import Privacy, ProjectPrivacy
from sentry_iac.config.retention import Retention
from sentry_iac.config.security import Security
from sentry_iac.review.settings import scrubbing_rule

# key -> (phrase when true, phrase when false)
_SWITCHES = {
    "require_2fa": ("two-factor authentication required", "two-factor authentication optional"),
    "open_membership": ("members join teams themselves", "only team admins add members to teams"),
    "allow_join_requests": ("outsiders may ask to join", "no requests to join"),
    "events_member_admin": ("members may delete events", "only admins and above delete events"),
    "alerts_member_write": ("members may edit alerts", "only admins and above edit alerts"),
    "allow_shared_issues": ("issues may be shared by public link", "no public issue links"),
    "enhanced_privacy": ("no source code or personal data in notifications",
                         "notifications may include source code and personal data"),
    "hide_ai_features": ("AI features hidden", "AI features shown"),
}
_ROLES = {
    "default_role": "new members get the role {}",
    "attachments_role": "{} and above download attachments",
    "debug_files_role": "{} and above download debug files",
}


def access(security: Security | None) -> list[str]:
    if security is None:
        return []
    out: list[str] = []
    for key, (yes, no) in _SWITCHES.items():
        value = getattr(security, key)
        if value is not None:
            out.append(yes if value else no)
    for key, template in _ROLES.items():
        role = getattr(security, key)
        if role is not None:
            out.append(template.format(role))
    if security.trusted_relays:
        out.append("trusted relays: " + ", ".join(r.name for r in security.trusted_relays))
    return out


def _code(values: tuple[str, ...]) -> str:
    return ", ".join(f"`{v}`" for v in values) or "none"


def privacy(settings: Privacy | None) -> list[str]:
    """"data scrubbing on", "IP addresses scrubbed", "sensitive fields: `password`, ..."."""
    if settings is None:
        return []
    out: list[str] = []
    if settings.data_scrubber is not None:
        out.append(f"data scrubbing {'on' if settings.data_scrubber else 'off'}")
    if settings.data_scrubber_defaults is not None:
        out.append("Sentry's default sensitive keys " +
                   ("scrubbed" if settings.data_scrubber_defaults else "not scrubbed"))
    if settings.scrub_ip_addresses is not None:
        out.append("IP addresses " + ("scrubbed" if settings.scrub_ip_addresses else "kept"))
    if settings.sensitive_fields is not None:
        out.append(f"sensitive fields: {_code(settings.sensitive_fields)}")
    if settings.safe_fields is not None:
        out.append(f"safe fields: {_code(settings.safe_fields)}")
    reports = settings.store_crash_reports
    if reports is not None:
        out.append({0: "crash reports not stored", -1: "every crash report stored"}.get(
            reports, f"up to {reports} crash reports stored per issue"))
    if isinstance(settings, ProjectPrivacy) and settings.scrubbing_rules is not None:
        rules = [_code_fields(scrubbing_rule(r)) for r in settings.scrubbing_rules]
        out.append("scrubbing rules: " + ("; ".join(rules) or "none"))
    return out


def _code_fields(text: str) -> str:
    # "remove anything in $a, $b" -> "remove anything in `$a`, `$b`" (selectors hold '*').
    head, _, fields = text.rpartition(" in ")
    return f"{head} in {_code(tuple(fields.split(', ')))}"


def retention(settings: Retention | None) -> str | None:
    if settings is None:
        return None
    days = f"errors {settings.errors_days} days"
    if settings.performance_days is not None:
        days += f", performance data {settings.performance_days} days"
    return f"{settings.plan.capitalize()} plan: {days}; enforced by {settings.enforced_by}."


def project_privacy(org: Organization) -> list[tuple[str, list[str]]]:
    """(project, phrases) for each project with privacy settings of its own."""
    return [(p.slug, privacy(p.privacy)) for p in org.projects if p.privacy is not None]
