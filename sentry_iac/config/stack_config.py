"""``Pulumi.<stack>.yaml``: which stacks exist and the environment-level settings each holds."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from sentry_iac.config.errors import SpecError
from sentry_iac.config.yaml.source import load_yaml

# Keys this project reads from a stack's config, by namespace. Other namespaces belong to other
# tools and are left alone.
SENTRY_KEYS = {
    "baseUrl": "the Sentry URL for self-hosted or region hosts, e.g. https://sentry.example.org/",
    "token": "the auth token: set it with `pulumi config set --secret sentry:token`",
}
PROJECT_KEYS: dict[str, str] = {
    "alertsBackend": "monitors (Sentry's current Monitors & Alerts API, the default) or legacy "
                     "(the retired alert-rule endpoints, for older self-hosted Sentry)",
    "allowInsecureHttp": "true lets sentry:baseUrl be http:// for a Sentry on this machine "
                         "(localhost, 127.0.0.1, ::1), where the token does not cross a network",
}
ALERT_BACKENDS = ("monitors", "legacy")
# The keys Pulumi itself reads at the top of a stack file; anything else is a typo (`confg:`)
# whose settings would be ignored.
STACK_FILE_KEYS = ("config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment")
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


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
        return None, [source.error((), "expected a mapping with a 'config' key",
                                   check="stack/not-a-mapping")]
    for key in data:
        if key not in STACK_FILE_KEYS:
            at = source.locate((key,))
            errors.append(SpecError(at.file, at.line, at.column, "", f"unknown key '{key}' "
                                    f"(allowed: {', '.join(STACK_FILE_KEYS)})",
                                    "stack/unknown-key"))
    config: Any = data.get("config") or {}
    if not isinstance(config, dict):
        return None, [*errors, source.error(("config",), "expected a mapping of config keys",
                                                check="stack/not-a-mapping")]
    base_url: str | None = None
    has_token = False
    backend = "monitors"
    insecure = _allow_insecure_http(config.get(f"{project}:allowInsecureHttp"))
    for key, value in config.items():
        namespace, _, name = key.partition(":")
        path = ("config", key)
        if namespace == "sentry":
            if name not in SENTRY_KEYS:
                errors.append(source.error(path, f"unknown key '{key}' (allowed: "
                                           + ", ".join(f"sentry:{k}" for k in SENTRY_KEYS) + ")",
                                           check="stack/unknown-key"))
            elif name == "token":
                if not (isinstance(value, dict) and set(value) == {"secure"}):
                    errors.append(source.error(
                        path, "the token is stored in plain text; remove it and run "
                        "`pulumi config set --secret sentry:token`", check="stack/plain-token"))
                has_token = True
            elif name == "baseUrl":
                problem = _base_url_problem(value, project, insecure)
                if problem:
                    errors.append(source.error(path, problem, check="stack/base-url"))
                else:
                    base_url = value
        elif namespace == project and name not in PROJECT_KEYS:
            allowed = ", ".join(f"{project}:{k}" for k in PROJECT_KEYS) or "none yet"
            errors.append(source.error(path, f"unknown key '{key}' (allowed: {allowed})",
                                       check="stack/unknown-key"))
        elif namespace == project and name == "alertsBackend":
            if value not in ALERT_BACKENDS:
                errors.append(source.error(path, f"'{value}' is not an alerts backend (allowed: "
                                           f"{', '.join(ALERT_BACKENDS)})",
                                           check="stack/alerts-backend"))
            else:
                backend = value
        elif namespace == project and name == "allowInsecureHttp" and insecure is None:
            errors.append(source.error(path, "expected true or false",
                                       check="stack/allow-insecure-http"))
    return StackConfig(stack, file, base_url, has_token, backend), errors


def _allow_insecure_http(value: Any) -> bool | None:
    """The flag as YAML or `pulumi config set` writes it (true, or the text "true"); None when
    it is neither true nor false."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


def _base_url_problem(value: Any, project: str, insecure: bool | None) -> str | None:
    """What is wrong with ``sentry:baseUrl``, checked here rather than when the provider first
    uses it (after other resources had been registered)."""
    wanted = "expected a URL starting with https://, such as https://sentry.example.org/"
    if not isinstance(value, str):
        return wanted
    try:
        parts = urlsplit(value.strip())
        host = parts.hostname
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        return f"{wanted} ('{value}' is not a URL)"
    if parts.scheme not in ("https", "http") or not host:
        return wanted
    if "@" in parts.netloc:
        return "the URL must not hold credentials; give the token as sentry:token (--secret)"
    if parts.query or parts.fragment:
        return "the URL must not have a query (?) or fragment (#)"
    if parts.scheme == "http":
        if not insecure:
            return (f"http:// would send the auth token in clear text; use https://, or for a "
                    f"Sentry on this machine ({', '.join(LOCAL_HOSTS)}) set "
                    f"{project}:allowInsecureHttp: true")
        if host not in LOCAL_HOSTS:
            return (f"{project}:allowInsecureHttp allows http:// only for a Sentry on this "
                    f"machine ({', '.join(LOCAL_HOSTS)}), not '{host}'; use https://")
    return None
