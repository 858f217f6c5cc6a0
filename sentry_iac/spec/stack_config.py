"""``Pulumi.<stack>.yaml``: which stacks exist and the environment-level settings each holds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sentry_iac.spec.errors import SpecError
from sentry_iac.spec.source import load_yaml

# Keys this project reads from a stack's config, by namespace. Other namespaces belong to other
# tools and are left alone.
SENTRY_KEYS = {
    "baseUrl": "the Sentry URL for self-hosted or region hosts, e.g. https://sentry.example.org/",
    "token": "the auth token: set it with `pulumi config set --secret sentry:token`",
}
PROJECT_KEYS: dict[str, str] = {
    "alertsBackend": "monitors (Sentry's current Monitors & Alerts API, the default) or legacy "
                     "(the retired alert-rule endpoints, for older self-hosted Sentry)",
}
ALERT_BACKENDS = ("monitors", "legacy")


@dataclass(frozen=True)
class StackConfig:
    name: str
    file: str
    base_url: str | None
    has_token: bool
    alerts_backend: str = "monitors"


def discover_stacks(root: Path) -> list[str]:
    """A stack exists when its ``Pulumi.<stack>.yaml`` does."""
    return sorted(p.name[len("Pulumi."):-len(".yaml")] for p in root.glob("Pulumi.*.yaml"))


def load_stack_config(
    root: Path, stack: str, project: str
) -> tuple[StackConfig | None, list[SpecError]]:
    file = f"Pulumi.{stack}.yaml"
    loaded = load_yaml(root / file, file)
    data, source = loaded.data, loaded.source
    errors: list[SpecError] = []
    if data is None:
        return StackConfig(stack, file, None, False), []
    if not isinstance(data, dict):
        return None, [source.error((), "expected a mapping with a 'config' key")]
    config: Any = data.get("config") or {}
    if not isinstance(config, dict):
        return None, [source.error(("config",), "expected a mapping of config keys")]
    base_url: str | None = None
    has_token = False
    backend = "monitors"
    for key, value in config.items():
        namespace, _, name = key.partition(":")
        path = ("config", key)
        if namespace == "sentry":
            if name not in SENTRY_KEYS:
                errors.append(source.error(path, f"unknown key '{key}' (allowed: "
                                           + ", ".join(f"sentry:{k}" for k in SENTRY_KEYS) + ")"))
            elif name == "token":
                if not (isinstance(value, dict) and set(value) == {"secure"}):
                    errors.append(source.error(
                        path, "the token is stored in plain text; remove it and run "
                        "`pulumi config set --secret sentry:token`"))
                has_token = True
            elif name == "baseUrl":
                if not isinstance(value, str) or not value.startswith(("https://", "http://")):
                    errors.append(source.error(
                        path, "expected a URL starting with https:// (or http://)"))
                else:
                    base_url = value
        elif namespace == project and name not in PROJECT_KEYS:
            allowed = ", ".join(f"{project}:{k}" for k in PROJECT_KEYS) or "none yet"
            errors.append(source.error(path, f"unknown key '{key}' (allowed: {allowed})"))
        elif namespace == project and name == "alertsBackend":
            if value not in ALERT_BACKENDS:
                errors.append(source.error(path, f"'{value}' is not an alerts backend (allowed: "
                                           f"{', '.join(ALERT_BACKENDS)})"))
            else:
                backend = value
    return StackConfig(stack, file, base_url, has_token, backend), errors
