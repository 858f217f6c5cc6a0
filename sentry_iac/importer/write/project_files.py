"""The output directory: a complete sentry-iac project that ``validate`` and ``plan`` read.

``org.yaml``, ``alerts/*.yaml``, the Pulumi project and stack files, ``__main__.py``, and (added
by ``run`` once the plans are known) ``import/<stack>.json`` and ``import/<stack>.adopt.json``,
and ``import-report.md``. No secret is written: keys are referenced by id only, the token never
leaves memory.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from sentry_iac.config.import_files import IMPORT_DIR
from sentry_iac.config.stack_config import LOCAL_HOSTS
from sentry_iac.importer.convert.to_spec import ImportedConfig
from sentry_iac.providers.credentials import DEFAULT_BASE_URL

MAIN_PY = '''"""The Pulumi program: the organisation in org.yaml and alerts/, for this stack."""

from pathlib import Path

from sentry_iac.resources.program import run

run(Path(__file__).resolve().parent)
'''
PULUMI_YAML = """name: sentry-iac
description: A Sentry organisation as code (adopted with `sentry-iac import`)
runtime:
  name: python
  options:
    toolchain: uv
    virtualenv: .venv
"""
REPORT_FILE = "import-report.md"


def dump_yaml(data: Any, header: str) -> str:
    """Block style, with short lists of plain values on one line, as the README writes them."""
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100,
                          default_flow_style=None)
    return header + body


def stack_file(stack: str, base_url: str | None) -> str:
    lines = [f"# Stack {stack}. The token never goes here in plain text:",
             "#   pulumi config set --secret sentry:token <token>    (or export "
             "SENTRY_AUTH_TOKEN)"]
    if base_url and base_url.rstrip("/") != DEFAULT_BASE_URL.rstrip("/"):
        config = [f"  sentry:baseUrl: {base_url}"]
        if urlsplit(base_url).scheme == "http" and urlsplit(base_url).hostname in LOCAL_HOSTS:
            # The import itself read this Sentry over http on this machine; say so, as
            # validate refuses http:// anywhere else.
            config.append("  sentry-iac:allowInsecureHttp: true")
        return "\n".join([*lines, "config:", *config, ""])
    return "\n".join([*lines, "config: {}", ""])


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def replaced_files(out: Path, stacks: Sequence[str]) -> list[str]:
    """The files already in ``out`` that an import would replace or remove: its own files, every
    ``alerts/*.yaml`` and ``import/*.json`` (an earlier import's, removed so none is merged).
    Anything else there (``pyproject.toml``, ``README.md``, ``tests/``) an import never writes."""
    own = ["org.yaml", "__main__.py", "Pulumi.yaml", REPORT_FILE,
           *(f"Pulumi.{stack}.yaml" for stack in stacks)]
    found = {name for name in own if (out / name).exists()}
    found |= {f"alerts/{p.name}" for p in (out / "alerts").glob("*.yaml")}
    found |= {f"{IMPORT_DIR}/{p.name}" for p in (out / IMPORT_DIR).glob("*.json")}
    return sorted(found)


def write_project(out: Path, config: ImportedConfig, base_url: str | None) -> None:
    """Write the YAML and the files that make ``out`` a sentry-iac project; files of an
    earlier import there (alerts, import files) are replaced, not merged."""
    out.mkdir(parents=True, exist_ok=True)
    alerts = out / "alerts"
    alerts.mkdir(exist_ok=True)
    for old in [*alerts.glob("*.yaml"), *(out / IMPORT_DIR).glob("*.json")]:
        old.unlink()
    header = (f"# The Sentry organisation {config.organization}, as `sentry-iac import` read "
              "it.\n# What it could not express stays in Sentry: see import-report.md.\n")
    (out / "org.yaml").write_text(dump_yaml(config.org, header), encoding="utf-8")
    for name, data in config.alert_files.items():
        (alerts / name).write_text(dump_yaml(data, header), encoding="utf-8")
    (out / "__main__.py").write_text(MAIN_PY, encoding="utf-8")
    (out / "Pulumi.yaml").write_text(PULUMI_YAML, encoding="utf-8")
    for stack in config.stacks:
        (out / f"Pulumi.{stack}.yaml").write_text(stack_file(stack, base_url), encoding="utf-8")
