"""JSON Schema for ``org.yaml`` and ``alerts/*.yaml``, generated from the pydantic models, so
editors (yaml-language-server: VS Code, Neovim, JetBrains) complete keys and underline mistakes.

The schema is draft-07 (``definitions``, ``$ref``), which every YAML editor understands. Pydantic
cannot see what validators accept beyond the field types, so a few facts are added here from the
same constants the validators use: string shorthands, platform ids, measures, threshold and
duration syntax, and performance ranges with Sentry's defaults. Descriptions are the models'
field docstrings (``config.field_docs``), examples their ``Field(examples=...)``.
Cross-references (a project's team) stay ``validate``'s.

``sentry-iac schema [--check]`` writes ``schema/*.schema.json`` (``--check``: exit 1 if they are
stale).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from sentry_iac.config.alerts import AlertsFile
from sentry_iac.config.durations import _DURATION, _THRESHOLD
from sentry_iac.config.field_docs import document_fields
from sentry_iac.config.metrics import PRESETS
from sentry_iac.config.models import Organization
from sentry_iac.config.platforms import SENTRY_PLATFORMS
from sentry_iac.sentry.performance import DETECTORS, THRESHOLD_DEFAULTS, THRESHOLDS

SCHEMA_DIR = "schema"
DRAFT = "http://json-schema.org/draft-07/schema#"
# Pydantic leaves a constraint it cannot place (on a union) under its own name.
_NUMERIC = {"gt": "exclusiveMinimum", "ge": "minimum", "lt": "exclusiveMaximum", "le": "maximum"}
# Models that also accept a plain string for their key field (a before-validator expands it).
_SHORTHANDS = {"MemberTeam": "team", "Repository": "name"}

Schema = dict[str, Any]


def _walk(node: Any, visit: Callable[[Schema], None]) -> None:
    if isinstance(node, dict):
        visit(node)
        for value in node.values():
            _walk(value, visit)
    elif isinstance(node, list):
        for value in node:
            _walk(value, visit)


def _draft07_numbers(node: Schema) -> None:
    for name, keyword in _NUMERIC.items():
        if name in node and isinstance(node[name], int | float) and "type" not in node:
            node[keyword] = node.pop(name)


def _one_line(node: Schema) -> None:
    # Docstrings are wrapped at 100 columns; an editor's hover reflows the text itself. (A
    # property may be named "description": its value is a schema, not text.)
    if isinstance(node.get("description"), str):
        node["description"] = " ".join(node["description"].split())


def _narrow(definitions: Schema, model: str, prop: str, extra: Schema) -> None:
    """Add ``extra`` to a property's schema (to its non-null branch when it is optional)."""
    target = definitions[model]["properties"][prop]
    branches = [b for b in target.get("anyOf", []) if b.get("type") != "null"]
    (branches[0] if len(branches) == 1 else target).update(extra)


def _add_shorthands(definitions: Schema) -> None:
    for model, key in _SHORTHANDS.items():
        if model not in definitions:
            continue
        full = definitions[model]
        short = dict(full["properties"][key])
        short.pop("title", None)
        definitions[model] = {"title": full.get("title", model),
                              "description": full.get("description", ""),
                              "anyOf": [short, {k: v for k, v in full.items()
                                                if k not in ("title", "description")}]}


def _number(value: float) -> str:
    # 10000000, not :g's 1e+07, for people to read and copy.
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _enrich_org(definitions: Schema) -> None:
    _narrow(definitions, "Project", "platform", {"enum": sorted(SENTRY_PLATFORMS)})
    performance = definitions["PerformanceIssues"]["properties"]
    for name, (option, low, high) in THRESHOLDS.items():
        _narrow(definitions, "PerformanceIssues", name, {"minimum": low, "maximum": high})
        performance[name]["description"] += (f" From {_number(low)} to {_number(high)} "
                                              f"(Sentry's default "
                                              f"{_number(THRESHOLD_DEFAULTS[option])}).")
    _narrow(definitions, "PerformanceIssues", "detect",
            {"propertyNames": {"enum": sorted(DETECTORS)}})


def _enrich_alerts(definitions: Schema) -> None:
    threshold = {"pattern": _THRESHOLD.pattern}
    duration = {"pattern": _DURATION.pattern}
    _narrow(definitions, "AlertRule", "measure", {"enum": list(PRESETS)})
    for model in ("AlertRule", "Override"):
        for level in ("critical", "warning", "resolve"):
            _narrow(definitions, model, level, threshold)
        for key in ("window", "repeat_every"):
            _narrow(definitions, model, key, duration)


def generate(model: type[BaseModel], title: str,
             enrich: Callable[[Schema], None]) -> Schema:
    document_fields()
    raw = model.model_json_schema(by_alias=True, ref_template="#/definitions/{model}")
    definitions: Schema = raw.pop("$defs", {})
    _add_shorthands(definitions)
    enrich(definitions)
    raw.pop("title", None)
    schema: Schema = {"$schema": DRAFT, "title": title, **raw, "definitions": definitions}
    _walk(schema, _draft07_numbers)
    _walk(schema, _one_line)
    return schema


def schemas() -> dict[str, Schema]:
    """File name under ``schema/`` -> its schema."""
    return {
        "org.schema.json": generate(Organization, "sentry-iac org.yaml", _enrich_org),
        "alerts.schema.json": generate(AlertsFile, "sentry-iac alerts/*.yaml", _enrich_alerts),
    }


def text(schema: Schema) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def stale(root: Path) -> list[str]:
    """The schema files under ``root`` that are missing or differ from the models."""
    out = []
    for name, schema in schemas().items():
        path = root / SCHEMA_DIR / name
        if not path.exists() or path.read_text(encoding="utf-8") != text(schema):
            out.append(f"{SCHEMA_DIR}/{name}")
    return out


def write(root: Path) -> list[str]:
    """Write every schema under ``root/schema``; returns the files written."""
    (root / SCHEMA_DIR).mkdir(exist_ok=True)
    documents = schemas()
    for name, schema in documents.items():
        (root / SCHEMA_DIR / name).write_text(text(schema), encoding="utf-8")
    return [f"{SCHEMA_DIR}/{name}" for name in documents]
