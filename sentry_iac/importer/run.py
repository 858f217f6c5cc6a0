"""The whole import: read, express, write, then plan each stack to name what it adopts.

The plans come from the real program run offline on the written directory, so the import files
carry exactly the names and parents the stacks register; every monitor and alert the plan
registers is checked against what was verified against Sentry before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sentry_iac.config.import_files import IMPORT_DIR
from sentry_iac.importer.convert.stacks import EnvMap
from sentry_iac.importer.convert.to_spec import ImportedConfig, to_spec
from sentry_iac.importer.read.progress import Progress
from sentry_iac.importer.read.reader import read_snapshot
from sentry_iac.importer.report import Report
from sentry_iac.importer.write.import_files import ImportFiles, import_files, short_type
from sentry_iac.importer.write.project_files import REPORT_FILE, write_json, write_project
from sentry_iac.offline.engine import Plan, run_offline
from sentry_iac.offline.monitor import RegisteredResource
from sentry_iac.providers.client import SentryClient


class ImportBugError(RuntimeError):
    """The written YAML would not register what was verified: a bug in the import."""


@dataclass
class ImportResult:
    out: Path
    config: ImportedConfig
    files: dict[str, ImportFiles]  # per stack

    @property
    def report(self) -> Report:
        return self.config.report


def _plain(value: Any) -> Any:
    """A payload compared by value: whole floats (the wire's numbers) are ints, and a null in
    an object is as good as no key (Pulumi's provider host drops it)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# The inputs of each adopted kind that carry what Sentry is sent.
OBJECT_INPUTS = {"CronMonitor": ("monitor",), "CronAlert": ("workflow",),
                 "Dashboard": ("dashboard", "widgets"), "OrganizationSecurity": ("settings",)}


def _check_object(plan: Plan, resource: RegisteredResource, config: ImportedConfig) -> None:
    kind = short_type(resource)
    ours = config.objects.get((kind, resource.name, plan.stack))
    if ours is None:
        raise ImportBugError(f"{plan.stack}: {kind} {resource.name} was not imported")
    for key in OBJECT_INPUTS[kind]:
        if _plain(resource.inputs.get(key)) != _plain(ours.get(key)):
            raise ImportBugError(f"{plan.stack}: {kind} {resource.name} would not be sent as "
                                 "it was verified")


def check_plan(plan: Plan, config: ImportedConfig) -> None:
    """Every monitor, alert, cron, dashboard and security setting of the plan is one that was
    verified, with the same payload."""
    for resource in plan.resources:
        kind = short_type(resource)
        if kind in OBJECT_INPUTS:
            _check_object(plan, resource, config)
            continue
        if kind in ("UptimeMonitor", "UptimeAlert"):
            _check_uptime(plan.stack, kind, resource.name, resource.inputs, config)
            continue
        if kind not in ("Monitor", "Alert"):
            continue
        rendered = config.rendered.get((resource.name, plan.stack))
        if rendered is None:
            raise ImportBugError(f"{plan.stack}: {kind} {resource.name} was not imported")
        ours = rendered.detector if kind == "Monitor" else rendered.workflow
        key = "detector" if kind == "Monitor" else "workflow"
        if _plain(resource.inputs.get(key)) != _plain(ours):
            raise ImportBugError(f"{plan.stack}: {kind} {resource.name} would not be sent as "
                                 "it was verified")


def _check_uptime(stack: str, kind: str, name: str, inputs: dict[str, Any],
                  config: ImportedConfig) -> None:
    """An uptime monitor or alert of the plan is one that was verified, with its payload."""
    rendered = config.uptime.rendered.get((name, stack))
    if rendered is None or (kind == "UptimeAlert" and (name, stack) in config.uptime.paused):
        raise ImportBugError(f"{stack}: {kind} {name} was not imported")
    key, ours = ("detector", rendered.detector) if kind == "UptimeMonitor" else (
        "workflow", rendered.workflow)
    if _plain(inputs.get(key)) != _plain(ours):
        raise ImportBugError(f"{stack}: {kind} {name} would not be sent as it was verified")


def run_import(client: SentryClient, organization: str, out: Path, envs: EnvMap, *,
               base_url: str | None = None, progress: Progress | None = None) -> ImportResult:
    """Read ``organization`` and write the project to ``out``; Sentry is only read."""
    progress = progress or Progress()
    report = Report()
    snapshot = read_snapshot(client, organization, progress, report)
    report.not_read("repositories, code mappings",
                    "not imported; declare them in org.yaml if sentry-iac should manage them")
    report.not_read("performance settings outside the YAML vocabulary",
                    "web vitals, query injection, filtered payload paths and regression "
                    "detection are not imported")
    config = to_spec(snapshot, envs, report)
    progress.step("writing the YAML")
    write_project(out, config, base_url)
    files: dict[str, ImportFiles] = {}
    for stack in envs.stacks:
        progress.step(f"planning stack {stack}")
        plan = run_offline(out, stack)
        check_plan(plan, config)
        files[stack] = import_files(plan, config.ids)
        for missing in files[stack].missing:
            if not missing.startswith("SentryKey "):  # keys are noted where they are chosen
                report.note(f"{missing} in {stack}", "Sentry has no such object; the first "
                                                     "`pulumi up` creates it")
    for stack, found in files.items():
        write_json(out / IMPORT_DIR / f"{stack}.json", found.pulumi)
        write_json(out / IMPORT_DIR / f"{stack}.adopt.json", found.adopt)
    (out / REPORT_FILE).write_text(report.markdown(organization, envs.stacks), encoding="utf-8")
    progress.close()
    return ImportResult(out, config, files)
