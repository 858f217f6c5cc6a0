"""The committed JSON Schema (schema/*.schema.json) matches the models, is draft-07 as editors
need, accepts the example configuration and its shorthands, and rejects what it can see."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from sentry_iac.cli.app import main
from sentry_iac.review import reference, schema
from tests.helpers import BAD_DIR, EXAMPLE, PROJECT_ROOT

ORG = PROJECT_ROOT / "schema" / "org.schema.json"
ALERTS = PROJECT_ROOT / "schema" / "alerts.schema.json"
# The fixture organisation's files (a frozen copy of the example at the root).
EXAMPLES = [EXAMPLE / "org.yaml", *sorted((EXAMPLE / "alerts").glob("*.yaml"))]
# Keywords of draft-07 that yaml-language-server understands; newer ones (e.g. $defs,
# unevaluatedProperties, prefixItems) are ignored or misread by some editors.
DRAFT7_KEYWORDS = {
    "$schema", "$ref", "$id", "title", "description", "default", "examples", "type", "enum",
    "const", "properties", "patternProperties", "additionalProperties", "propertyNames",
    "required", "items", "minItems", "maxItems", "uniqueItems", "minLength", "maxLength",
    "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf",
    "minProperties", "maxProperties", "anyOf", "oneOf", "allOf", "not", "definitions",
    "format",
}
NAMED_MAPS = {"properties", "patternProperties", "definitions"}


def schema_for(path: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((ORG if path.name == "org.yaml" else ALERTS).read_text())
    return loaded


def keywords(node: Any, found: set[str]) -> set[str]:
    """Every keyword used where a schema is expected (not property or definition names)."""
    if isinstance(node, dict):
        for key, value in node.items():
            found.add(key)
            if key in NAMED_MAPS:
                for sub in value.values():
                    keywords(sub, found)
            elif key not in ("enum", "const", "default", "examples", "required"):
                keywords(value, found)
    elif isinstance(node, list):
        for item in node:
            keywords(item, found)
    return found


def test_committed_schema_is_up_to_date() -> None:
    assert schema.stale(PROJECT_ROOT) == [], (
        "schema/ is stale: run `uv run sentry-iac schema` and commit the result")


def test_stale_schema_is_detected(tmp_path: Path) -> None:
    schema.write(tmp_path)
    assert schema.stale(tmp_path) == []
    path = tmp_path / "schema" / "org.schema.json"
    path.write_text(path.read_text().replace('"organization"', '"organisation"', 1))
    assert schema.stale(tmp_path) == ["schema/org.schema.json"]
    assert main(["schema", "--check", "--dir", str(tmp_path)]) == 1


@pytest.mark.parametrize("path", [ORG, ALERTS], ids=lambda p: p.name)
def test_schema_is_draft07_only(path: Path) -> None:
    document = json.loads(path.read_text())
    jsonschema.Draft7Validator.check_schema(document)
    assert document["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert keywords(document, set()) <= DRAFT7_KEYWORDS


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_name_their_schema_and_match_it(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    target = "schema/org.schema.json" if path.name == "org.yaml" else "../schema/alerts.schema.json"
    assert first == f"# yaml-language-server: $schema={target}"
    # The path resolves where the example sits in a project: the repository's root.
    assert (PROJECT_ROOT / path.relative_to(EXAMPLE)).parent.joinpath(target).resolve().exists()
    errors = list(jsonschema.Draft7Validator(schema_for(path)).iter_errors(
        yaml.safe_load(path.read_text(encoding="utf-8"))))
    assert errors == []


def test_shorthands_are_accepted() -> None:
    org = {"version": 1, "organization": "dbca", "repositories": ["dbca-wa/x"],
           "members": [{"email": "a@example.org", "teams": ["science-projects"]}]}
    jsonschema.validate(org, schema_for(Path("org.yaml")), cls=jsonschema.Draft7Validator)


@pytest.mark.parametrize("case", ["schema-unknown-key--typo",
                                  "schema-unknown-key--unknown-top-level-key",
                                  "schema-missing-key--missing-organization",
                                  "schema-choice--wrong-version", "schema-choice--bad-org-role",
                                  "schema-unknown-name--unknown-platform",
                                  "schema-range--performance-threshold-out-of-range"])
def test_schema_underlines_what_validate_rejects(case: str) -> None:
    document = yaml.safe_load((BAD_DIR / f"{case}.yaml").read_text(encoding="utf-8"))
    assert not jsonschema.Draft7Validator(schema_for(Path("org.yaml"))).is_valid(document)


@pytest.mark.parametrize("text", ["critical: over 10", "window: 5 minutes",
                                  "measure: error-rate"])
def test_alert_syntax_is_underlined(text: str) -> None:
    validator = jsonschema.Draft7Validator(schema_for(Path("errors.yaml")))
    rule = {"id": "x", "name": "X", "projects": ["p"], "priority": "high",
            "measure": "error-count", "window": "5m", "critical": "above 10"}
    assert validator.is_valid({"version": 1, "alerts": [rule]})
    assert not validator.is_valid({"version": 1, "alerts": [{**rule, **yaml.safe_load(text)}]})


def properties(node: Any, path: str = "#") -> list[tuple[str, dict[str, Any]]]:
    """Every property schema in ``node`` with its JSON pointer, e.g.
    ``#/definitions/Project/properties/slug``."""
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties":
                for name, sub in value.items():
                    found.append((f"{path}/properties/{name}", sub))
                    found += properties(sub, f"{path}/properties/{name}")
            elif key not in ("enum", "const", "default", "examples", "required"):
                found += properties(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found += properties(item, f"{path}/{index}")
    return found


def undescribed(document: dict[str, Any]) -> list[str]:
    return [path for path, sub in properties(document)
            if not isinstance(sub.get("description"), str) or not sub["description"].strip()]


@pytest.mark.parametrize("path", [ORG, ALERTS], ids=lambda p: p.name)
def test_every_property_has_a_description(path: Path) -> None:
    # Editors show the description on hover and in completion: a field docstring (or
    # Field(description=...)) in sentry_iac/config/ gives it.
    document = json.loads(path.read_text())
    assert len(properties(document)) > 50
    missing = undescribed(document)
    assert missing == [], "properties without a description (add a docstring after the field):\n" \
        + "\n".join(missing)


def test_a_missing_description_is_named() -> None:
    described = {"description": "a", "type": "string"}
    document = {
        "properties": {"version": described, "blank": {"description": " ", "type": "string"}},
        "definitions": {
            "Relay": {"properties": {"description": {"type": "string"}, "name": described}},
            "Short": {"anyOf": [{"type": "string"},
                                {"properties": {"key": {"type": "string"}}}]},
        },
    }
    assert undescribed(document) == ["#/properties/blank",
                                     "#/definitions/Relay/properties/description",
                                     "#/definitions/Short/anyOf/1/properties/key"]


@pytest.mark.parametrize("path", [ORG, ALERTS], ids=lambda p: p.name)
def test_examples_are_valid_values(path: Path) -> None:
    # An example the schema would underline teaches the wrong thing.
    document = json.loads(path.read_text())
    wrong = []
    for pointer, sub in properties(document):
        if not isinstance(sub.get("examples"), list):
            continue
        validator = jsonschema.Draft7Validator({**sub, "definitions": document["definitions"]})
        wrong += [f"{pointer}: {example!r}" for example in sub["examples"]
                  if not validator.is_valid(example)]
    assert sum("examples" in sub for _, sub in properties(document)) > 20
    assert wrong == []


def test_the_configuration_reference_is_generated_and_complete() -> None:
    committed = (PROJECT_ROOT / reference.REFERENCE_FILE).read_text(encoding="utf-8")
    assert committed == reference.reference(), (
        "docs/configuration.md is stale: run `uv run sentry-iac schema` and commit it")
    for name in ("org.schema.json", "alerts.schema.json"):
        document = schema.schemas()[name]
        for key in document["properties"]:
            assert f"| `{key}` |" in committed, (name, key)
        for definition in document["definitions"]:
            assert f"### {definition}\n" in committed, (name, definition)
