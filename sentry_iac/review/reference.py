"""``docs/configuration.md``: every key of ``org.yaml`` and ``alerts/*.yaml``, generated from the
JSON Schema (``review.schema``), so the reference says what the models accept and never drifts.

One table per object, in the order a reader meets them: the file's top level first, then each
object it refers to, breadth first.
"""

from __future__ import annotations

import json
from typing import Any

from sentry_iac.review.schema import schemas

Schema = dict[str, Any]
REFERENCE_FILE = "docs/configuration.md"
_FILES = (("org.schema.json", "org.yaml"), ("alerts.schema.json", "alerts/*.yaml"))


def _ref_name(ref: str) -> str:
    return ref.rsplit("/", 1)[-1]


def _type(prop: Schema) -> str:
    """A property's type as a reader says it: ``list of Team``, ``text or Member``."""
    if "$ref" in prop:
        return f"[{_ref_name(prop['$ref'])}](#{_ref_name(prop['$ref']).lower()})"
    if "anyOf" in prop:
        kinds = [_type(p) for p in prop["anyOf"] if p.get("type") != "null"]
        return " or ".join(dict.fromkeys(kinds)) or "null"
    if "enum" in prop:
        return "one of " + ", ".join(f"`{v}`" for v in prop["enum"])
    if "const" in prop:
        return f"`{prop['const']}`"
    kind = prop.get("type")
    if kind == "array":
        return f"list of {_type(prop.get('items', {}))}"
    if kind == "object":
        values = prop.get("additionalProperties")
        return f"mapping of {_type(values)}" if isinstance(values, dict) else "mapping"
    names = {"string": "text", "integer": "whole number", "number": "number",
             "boolean": "true or false"}
    return names.get(str(kind), str(kind or "any"))


def _refs(node: Any) -> list[str]:
    """The definitions ``node`` refers to, in order of appearance."""
    if isinstance(node, dict):
        found = [_ref_name(node["$ref"])] if "$ref" in node else []
        return found + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for item in node for r in _refs(item)]
    return []


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _table(title: str, node: Schema) -> list[str]:
    required = set(node.get("required", ()))
    lines = [f"### {title}", ""]
    if node.get("description"):
        lines += [_cell(node["description"]), ""]
    properties: Schema = node.get("properties", {})
    if not properties:
        return [*lines, f"Type: {_type(node)}.", ""]
    lines += ["| key | type | what it is |", "|---|---|---|"]
    for key, prop in properties.items():
        what = prop.get("description", "")
        if key in required:
            what = f"**Required.** {what}"
        if prop.get("examples"):
            shown = ", ".join(f"`{json.dumps(e, ensure_ascii=False)}`" for e in prop["examples"])
            what = f"{what} Examples: {shown}."
        lines.append(f"| `{key}` | {_cell(_type(prop))} | {_cell(what)} |")
    return [*lines, ""]


def reference() -> str:
    """The whole reference, as Markdown."""
    out = ["# Configuration reference", "",
           "Generated from the models by `sentry-iac schema` (as `schema/*.schema.json` are); "
           "`sentry-iac schema --check` fails when it is stale. What each key means in use: the "
           "README's \"The configuration\".", ""]
    documents = schemas()
    for schema_name, file_name in _FILES:
        schema = documents[schema_name]
        definitions: Schema = schema.get("definitions", {})
        out += [f"## `{file_name}`", "", *_table("top level", schema)[2:]]
        seen: list[str] = []
        queue = _refs(schema.get("properties", {}))
        while queue:
            name = queue.pop(0)
            if name in seen or name not in definitions:
                continue
            seen.append(name)
            out += _table(name, definitions[name])
            queue += _refs(definitions[name])
    return "\n".join(out).rstrip("\n") + "\n"
