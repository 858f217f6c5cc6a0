"""Load and check the whole configuration of a project directory, reporting every problem."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from sentry_iac.config.alerts import AlertsFile
from sentry_iac.config.checks.context import CheckContext
from sentry_iac.config.checks.registry import run_checks
from sentry_iac.config.checks.schema_messages import to_spec_errors
from sentry_iac.config.errors import SpecError, SpecErrors
from sentry_iac.config.import_files import Adoptions, load_import_files
from sentry_iac.config.models import Organization
from sentry_iac.config.stack_config import StackConfig, discover_stacks, load_stack_config
from sentry_iac.config.yaml.gcpause import paused_gc
from sentry_iac.config.yaml.source import LoadedYaml, SourceMap, format_path, load_yaml

ORG_FILE = "org.yaml"
ALERTS_DIR = "alerts"
PROJECT_FILE = "Pulumi.yaml"

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Spec:
    """Everything a stack needs, validated: the organisation, alert files and stack settings."""

    root: Path
    project: str
    org: Organization
    alerts: tuple[AlertsFile, ...]
    stacks: dict[str, StackConfig]
    sources: Mapping[str, SourceMap] = field(default_factory=dict)
    # stack -> objects `sentry-iac import` found that the stack takes over (config.import_files)
    adoptions: Mapping[str, Adoptions] = field(default_factory=dict)

    def alert_files(self) -> list[tuple[str, AlertsFile]]:
        """(display name, file) of each alerts file, in load order."""
        names = [name for name in self.sources if name.startswith(f"{ALERTS_DIR}/")]
        return list(zip(names, self.alerts, strict=True))

    def where(self, path: Sequence[str | int], file: str = "org.yaml") -> str:
        """``org.yaml:40:5: privacy.sensitive_fields``, for messages about a declared value."""
        source = self.sources.get(file)
        if source is None:
            return f"{file}: {format_path(path)}"
        loc = source.locate(path)
        return f"{loc.file}:{loc.line}:{loc.column}: {format_path(path)}"

    def is_owner(self, stack: str) -> bool:
        """Whether ``stack`` owns the organisation-wide resources."""
        return stack == self.org.owner_stack

    def stack(self, name: str) -> StackConfig:
        if name not in self.stacks:
            known = ", ".join(sorted(self.stacks)) or "none"
            raise SpecErrors([SpecError(f"Pulumi.{name}.yaml", 0, 0, "",
                                        f"no such stack '{name}' (known: {known})",
                                        "ref/unknown-stack")])
        return self.stacks[name]


def _validate(
    model: type[M], loaded: LoadedYaml, errors: list[SpecError]
) -> M | None:
    if loaded.data is None:
        errors.append(loaded.source.error((), "the file is empty; it needs at least 'version: 1'",
                                          check="file/empty"))
        return None
    if not isinstance(loaded.data, dict):
        errors.append(loaded.source.error((), "expected a mapping of keys at the top level",
                                          check="file/not-a-mapping"))
        return None
    try:
        return model.model_validate(loaded.data)
    except ValidationError as exc:
        errors.extend(to_spec_errors(model, exc.errors(), loaded.source))
        return None


def _project_name(root: Path, errors: list[SpecError]) -> str:
    try:
        loaded = load_yaml(root / PROJECT_FILE, PROJECT_FILE)
    except SpecErrors as exc:
        errors.extend(exc.errors)
        return "sentry-iac"
    name = loaded.data.get("name") if isinstance(loaded.data, dict) else None
    if not isinstance(name, str) or not name:
        errors.append(loaded.source.error(("name",), "expected the Pulumi project name",
                                          check="file/project-name"))
        return "sentry-iac"
    return name


def load_spec(root: Path) -> Spec:
    """Load ``org.yaml``, ``alerts/*.yaml`` and every ``Pulumi.<stack>.yaml`` under ``root``.

    Raises ``SpecErrors`` with every problem found; returns only a fully valid spec.
    """
    with paused_gc():  # see config.yaml.gcpause: collections cost more than loading itself
        return _load_spec(root)


def _load_spec(root: Path) -> Spec:
    errors: list[SpecError] = []
    project = _project_name(root, errors)

    stack_names = discover_stacks(root)  # every Pulumi.<stack>.yaml, read once
    stacks: dict[str, StackConfig] = {}
    for name in stack_names:
        try:
            config, problems = load_stack_config(root, name, project)
        except SpecErrors as exc:
            errors.extend(exc.errors)
            continue
        errors.extend(problems)
        if config is not None:
            stacks[name] = config
    if not stack_names:
        errors.append(SpecError(PROJECT_FILE, 0, 0, "",
                                "no stacks: add a Pulumi.<stack>.yaml for each environment",
                                "file/no-stacks"))

    org: Organization | None = None
    org_data: Any = None
    sources: dict[str, SourceMap] = {}
    try:
        loaded_org = load_yaml(root / ORG_FILE, ORG_FILE)
        sources[ORG_FILE] = loaded_org.source
        org_data = loaded_org.data
        org = _validate(Organization, loaded_org, errors)
    except SpecErrors as exc:
        errors.extend(exc.errors)

    alerts: list[AlertsFile] = []
    raw_alerts: dict[str, tuple[Any, SourceMap]] = {}
    named_alerts: list[tuple[SourceMap, AlertsFile]] = []
    # Alert files end in .yaml: one spelling that every tool reading alerts/ (the schema's
    # file pattern, review, import) agrees on. A .yml file is refused rather than read, so no
    # tool can silently see a different set of rules than validate does.
    for path in sorted((root / ALERTS_DIR).glob("*.yml")):
        errors.append(SpecError(f"{ALERTS_DIR}/{path.name}", 0, 0, "",
                                f"alert files end in .yaml; rename it to {ALERTS_DIR}/"
                                f"{path.stem}.yaml", "file/yml-extension"))
    for path in sorted((root / ALERTS_DIR).glob("*.yaml")):
        display = f"{ALERTS_DIR}/{path.name}"
        try:
            loaded = load_yaml(path, display)
        except SpecErrors as exc:
            errors.extend(exc.errors)
            continue
        sources[display] = loaded.source
        raw_alerts[display] = (loaded.data, loaded.source)
        parsed = _validate(AlertsFile, loaded, errors)
        if parsed is not None:
            alerts.append(parsed)
            named_alerts.append((loaded.source, parsed))
    context = CheckContext(org=org_data, org_source=sources.get(ORG_FILE),
                           alert_files=raw_alerts, stacks=frozenset(stack_names),
                           stack_configs=stacks, model=org, alert_models=tuple(named_alerts))
    # Cross-checks of the raw data run whatever else failed, so every problem shows at once;
    # the checks of a fully validated configuration (legacy/, plan/) only when nothing did.
    errors.extend(run_checks(context, after_validation=False))
    if not errors and org is not None:
        errors.extend(run_checks(context, after_validation=True))

    adoptions, problems = load_import_files(root, stacks)
    errors.extend(problems)
    if errors or org is None:
        raise SpecErrors(errors)
    return Spec(root=root, project=project, org=org, alerts=tuple(alerts), stacks=stacks,
                sources=sources, adoptions=adoptions)
