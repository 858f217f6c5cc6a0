"""What an import did, in words: what was adopted, and everything it could not express.

Nothing is dropped silently: every Sentry object that stays out of the YAML is listed with the
reason, and every change the first ``pulumi up`` makes (a rename, a rule stored again in
sentry-iac's own form) is listed too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# Finding kinds, in the order the report shows them.
SKIPPED = "Left in Sentry, not managed"
RENAMED = "Renamed on the first `pulumi up`"
CHANGED = "Changed on the first `pulumi up`"
REWRITTEN = "Stored again in sentry-iac's form on the first `pulumi up` (same meaning)"
MIGRATED = "Adopted monitors and alerts that Sentry migrated from legacy alert rules"
NOTE = "Notes"
NOT_READ = "Not read by `sentry-iac import`"
_ORDER = (SKIPPED, RENAMED, CHANGED, REWRITTEN, MIGRATED, NOTE, NOT_READ)
_INTRO = {
    SKIPPED: "sentry-iac's vocabulary cannot say these exactly, so adopting them would change "
             "them. They keep working in Sentry as they are; manage them there, or rewrite them "
             "in YAML and delete the originals.",
    RENAMED: "sentry-iac names each monitor and alert `<rule name> [<environment>]` (and each "
             "dashboard `<title>: <project> [<environment>]`), so every stack's copy is unique "
             "and a create whose answer was lost is adopted, never repeated. Nothing else "
             "about them changes.",
    CHANGED: "sentry-iac always sends these settings, so where Sentry holds another value, or "
             "none, the first `up` stores the one shown: how a dashboard's widgets are laid out "
             "and charted, a cron monitor's owner or thresholds left at Sentry's default. "
             "Nothing else about these objects changes.",
    REWRITTEN: "Sentry keeps these as text; sentry-iac writes them from the YAML, so comments "
               "and layout are not kept.",
}


@dataclass(frozen=True)
class Finding:
    kind: str
    subject: str
    detail: str


@dataclass
class Report:
    """Findings plus counts of what was adopted, per kind of object."""

    findings: list[Finding] = field(default_factory=list)
    adopted: Counter[str] = field(default_factory=Counter)

    def skip(self, subject: str, reason: str) -> None:
        self.findings.append(Finding(SKIPPED, subject, reason))

    def rename(self, subject: str, old: str, new: str) -> None:
        self.findings.append(Finding(RENAMED, subject, f"'{old}' becomes '{new}'"))

    def change(self, subject: str, old: str, new: str) -> None:
        self.findings.append(Finding(CHANGED, subject, f"{old} becomes {new}"))

    def rewrite(self, subject: str, detail: str) -> None:
        self.findings.append(Finding(REWRITTEN, subject, detail))

    def migrated(self, subject: str, detail: str) -> None:
        self.findings.append(Finding(MIGRATED, subject, detail))

    def note(self, subject: str, detail: str) -> None:
        self.findings.append(Finding(NOTE, subject, detail))

    def not_read(self, subject: str, detail: str) -> None:
        self.findings.append(Finding(NOT_READ, subject, detail))

    def of_kind(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]

    def summary(self, organization: str) -> str:
        """A few lines for the terminal."""
        adopted = ", ".join(f"{count} {what}" for what, count in self.adopted.items()) or "nothing"
        lines = [f"imported {organization}: {adopted}"]
        for kind in _ORDER:
            count = len(self.of_kind(kind))
            if count and kind != NOT_READ:
                lines.append(f"  {kind}: {count}")
        return "\n".join(lines)

    def markdown(self, organization: str, stacks: tuple[str, ...]) -> str:
        out = [f"# Import of the Sentry organisation `{organization}`", "",
               f"Stacks: {', '.join(f'`{s}`' for s in stacks)}. Adopted:", ""]
        out += [f"- {count} {what}" for what, count in self.adopted.items()] or ["- nothing"]
        for kind in _ORDER:
            found = self.of_kind(kind)
            if not found:
                continue
            out += ["", f"## {kind} ({len(found)})", ""]
            if kind in _INTRO:
                out += [_INTRO[kind], ""]
            out += ["| object | detail |", "|---|---|"]
            out += [f"| {_cell(f.subject)} | {_cell(f.detail)} |" for f in found]
        return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")
