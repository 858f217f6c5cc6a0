"""The real deployment path through Pulumi's Automation API (needs the Pulumi CLI on PATH).

By default state lives in a ``file://`` backend inside the project, so a first try needs no
Pulumi Cloud account; ``backend_url`` selects any other backend (``s3://``, ``azblob://``...).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from pulumi import automation as auto

DEFAULT_STATE_DIR = ".pulumi-state"


class PulumiCliMissingError(RuntimeError):
    pass


def require_cli() -> str:
    path = shutil.which("pulumi")
    if path is None:
        raise PulumiCliMissingError(
            "the Pulumi CLI is not on PATH: install it (https://www.pulumi.com/docs/install/) "
            "or use `sentry-iac plan`, which needs no CLI")
    return path


def default_backend(root: Path) -> str:
    return (root / DEFAULT_STATE_DIR).resolve().as_uri()


def select_stack(root: Path, stack: str, *, backend_url: str | None = None) -> auto.Stack:
    """The stack of the project in ``root``, created in the backend if it does not exist yet.

    The passphrase for secrets comes from ``PULUMI_CONFIG_PASSPHRASE`` (or ``..._FILE``), as
    with the CLI; the Sentry token from ``sentry:token`` or ``SENTRY_AUTH_TOKEN``.
    """
    require_cli()
    backend = backend_url or default_backend(root)
    if backend.startswith("file://"):
        Path(backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
    env = {"PULUMI_BACKEND_URL": backend}
    for name in ("PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"):
        if name in os.environ:
            env[name] = os.environ[name]
    workspace = auto.LocalWorkspaceOptions(work_dir=str(root), env_vars=env)
    return auto.create_or_select_stack(stack_name=stack, work_dir=str(root), opts=workspace)


def preview(root: Path, stack: str, *, backend_url: str | None = None) -> auto.PreviewResult:
    return select_stack(root, stack, backend_url=backend_url).preview()
