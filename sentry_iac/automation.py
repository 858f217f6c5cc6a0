"""The real deployment path through Pulumi's Automation API.

``sentry-iac preview|up --stack S`` checks the whole configuration first (nothing reaches
Pulumi if it is invalid), then drives the Pulumi CLI: state in a ``file://`` backend inside the
project by default (``--backend URL`` for ``s3://``, ``azblob://`` or Pulumi Cloud), secrets
encrypted with the passphrase from ``PULUMI_CONFIG_PASSPHRASE`` (or ``..._FILE``), the stack
created on first use from its ``Pulumi.<stack>.yaml``, and the CLI installed with
``PulumiCommand.install()`` when it is missing. Output is streamed as Pulumi prints it, with
secrets hidden.

``sentry-iac preview --read-only`` (a pull request's preview) gives Pulumi only the read-only
token of ``SENTRY_IAC_READ_ONLY_TOKEN``: the deploy token variables are blanked, the providers
ignore ``sentry:token`` and refuse every write, and a stack file holding ``sentry:token`` is
refused (whoever has the passphrase could decrypt it).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pulumi import automation as auto

from sentry_iac.providers.credentials import READ_ONLY_TOKEN_ENV, TOKEN_ENV_VARS

DEFAULT_STATE_DIR = ".pulumi-state"
PASSPHRASE_VARS = ("PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE")
POLICY_PACK_DIR = "policies"


class DeployError(RuntimeError):
    """Something to fix before Pulumi can run; the message says what."""


class PulumiCliMissingError(DeployError):
    pass


def require_cli() -> str:
    path = shutil.which("pulumi")
    if path is None:
        raise PulumiCliMissingError(
            "the Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/install/), "
            "let `sentry-iac preview` install it (drop --no-install), or use `sentry-iac plan`, "
            "which needs no CLI")
    return path


def default_backend(root: Path) -> str:
    return (root / DEFAULT_STATE_DIR).resolve().as_uri()


@dataclass(frozen=True)
class DeploySettings:
    """Everything about how to reach Pulumi, decided before the CLI is called."""

    root: Path
    stack: str
    backend: str
    env: dict[str, str]
    policy_packs: list[str]


def read_only_env(environ: dict[str, str], stack: str, *, stack_file_token: bool
                  ) -> dict[str, str]:
    """The variables of a read-only run: the read-only token, and the deploy token variables
    blanked (Pulumi's processes inherit the caller's environment)."""
    token = environ.get(READ_ONLY_TOKEN_ENV)
    if not token:
        raise DeployError(f"--read-only needs the read-only Sentry token in {READ_ONLY_TOKEN_ENV} "
                          "(scopes org:read, project:read, team:read, member:read, alerts:read)")
    if stack_file_token:
        raise DeployError(
            f"Pulumi.{stack}.yaml holds sentry:token, and a read-only preview has the "
            "passphrase that decrypts it: remove it (`pulumi config rm sentry:token --stack "
            f"{stack}`) and give the deploy token to the deploy jobs only, as "
            f"{TOKEN_ENV_VARS[0]}")
    return {READ_ONLY_TOKEN_ENV: token, **dict.fromkeys(TOKEN_ENV_VARS, "")}


def refuse_read_only_up(environ: dict[str, str] | None = None) -> None:
    """An ``up`` never runs where the read-only token is set: its providers would refuse every
    write halfway through."""
    if (os.environ if environ is None else environ).get(READ_ONLY_TOKEN_ENV):
        raise DeployError(f"{READ_ONLY_TOKEN_ENV} is set: this environment only previews; "
                          "unset it to deploy with the deploy token")


def deploy_settings(
    root: Path, stack: str, *, backend_url: str | None = None, policies: bool = True,
    read_only: bool = False, stack_file_token: bool = False,
    environ: dict[str, str] | None = None,
) -> DeploySettings:
    """The backend, environment and policy packs for a run; raises ``DeployError`` for what
    would only fail later inside Pulumi (a self-managed backend without a passphrase) and, for
    ``read_only``, what would let the run use another token than the read-only one
    (``stack_file_token``: the stack file holds ``sentry:token``)."""
    environ = dict(os.environ if environ is None else environ)
    backend = backend_url or environ.get("PULUMI_BACKEND_URL") or default_backend(root)
    env = {"PULUMI_BACKEND_URL": backend}
    passphrase = {k: environ[k] for k in PASSPHRASE_VARS if environ.get(k)}
    cloud = backend.startswith(("https://", "http://"))
    if not cloud and not passphrase:
        raise DeployError(
            f"the backend {backend} keeps secrets encrypted with a passphrase: set "
            "PULUMI_CONFIG_PASSPHRASE (or PULUMI_CONFIG_PASSPHRASE_FILE) and keep it safe; the "
            "same passphrase is needed for every later run")
    env.update(passphrase)
    if read_only:
        env.update(read_only_env(environ, stack, stack_file_token=stack_file_token))
    packs = [str(root / POLICY_PACK_DIR)] if policies and (root / POLICY_PACK_DIR).is_dir() \
        else []
    return DeploySettings(root, stack, backend, env, packs)


def pulumi_command(*, install: bool) -> auto.PulumiCommand:
    """The CLI on PATH, or a freshly installed one when allowed."""
    if shutil.which("pulumi") is not None:
        return auto.PulumiCommand()
    if not install:
        require_cli()
    try:
        return auto.PulumiCommand.install()
    except OSError as exc:  # urllib's URLError, a refused connection, a full disk
        reason = getattr(exc, "reason", None) or exc
        raise PulumiCliMissingError(
            f"the Pulumi CLI is not on PATH and could not be installed ({reason}): install it "
            "(https://www.pulumi.com/docs/install/), or use `sentry-iac plan`, which needs no "
            "CLI") from None


def select_stack(settings: DeploySettings, command: auto.PulumiCommand) -> auto.Stack:
    """The stack, created in the backend on first use from ``Pulumi.<stack>.yaml``."""
    if settings.backend.startswith("file://"):
        Path(settings.backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
    workspace = auto.LocalWorkspaceOptions(work_dir=str(settings.root), env_vars=settings.env,
                                           pulumi_command=command)
    return auto.create_or_select_stack(stack_name=settings.stack, work_dir=str(settings.root),
                                       opts=workspace)


def preview(
    settings: DeploySettings, *, install: bool = True,
    on_output: Callable[[str], object] = print,
) -> auto.PreviewResult:
    stack = select_stack(settings, pulumi_command(install=install))
    return stack.preview(on_output=on_output, policy_packs=settings.policy_packs or None,
                         diff=True)


def up(
    settings: DeploySettings, *, install: bool = True,
    on_output: Callable[[str], object] = print,
) -> auto.UpResult:
    stack = select_stack(settings, pulumi_command(install=install))
    return stack.up(on_output=on_output, policy_packs=settings.policy_packs or None,
                    show_secrets=False)
