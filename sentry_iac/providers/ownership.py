"""A project's issue owners as a settings kind: ``GET/PUT .../projects/{org}/{project}/ownership/``.

The four fields are plain values, so the settings provider reads and writes them as it does any
other; this kind adds what Sentry's serializer refuses beyond their types: an auto-assignment
text other than its three choices ("Invalid selection.", ``validate_autoAssignment``) and rule
text longer than ``MAX_RAW_LENGTH`` (``ProjectOwnershipRequestSerializer.validate``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sentry_iac.providers.paths import api_path
from sentry_iac.providers.settings import SettingsKind
from sentry_iac.sentry import ownership


def _ownership(props: Mapping[str, Any]) -> str:
    return api_path("projects", props["organization"], props["project"], "ownership")


@dataclass(frozen=True)
class OwnershipKind(SettingsKind):
    def validate(self, settings: Mapping[str, Any], sources: Mapping[str, str]) -> list[str]:
        problems = super().validate(settings, sources)
        choice = settings.get(ownership.AUTO_ASSIGNMENT)
        where = sources.get(ownership.AUTO_ASSIGNMENT, "")
        if isinstance(choice, str) and choice not in ownership.AUTO_ASSIGN_WORDS:
            problems.append(f"{where + ': ' if where else ''}{ownership.AUTO_ASSIGNMENT} must be "
                            f"one of {', '.join(ownership.AUTO_ASSIGN_WORDS)}, not {choice!r}")
        raw = settings.get(ownership.RAW)
        if isinstance(raw, str) and len(raw) > ownership.MAX_RAW_LENGTH:
            where = sources.get(ownership.RAW, "")
            problems.append(f"{where + ': ' if where else ''}the rules are {len(raw)} characters;"
                            f" Sentry takes at most {ownership.MAX_RAW_LENGTH}")
        return problems


PROJECT_OWNERSHIP = OwnershipKind(
    name="ProjectOwnership", identity=("organization", "project"), path=_ownership,
    defaults=ownership.DEFAULTS)
