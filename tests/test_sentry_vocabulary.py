"""``sentry_iac.sentry`` is the bottom package: it imports only the standard library, its
inverses are derived and round-trip, and its tables speak of the words our config accepts."""

from __future__ import annotations

import ast
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, get_args

import pytest

from sentry_iac.config import alerts as ours
from sentry_iac.config.loader import load_spec
from sentry_iac.config.stack_views import stack_rules
from sentry_iac.resources.payloads.monitors import detector_payload, workflow_payload
from sentry_iac.sentry import alerts, crons, performance, privacy, security, shapes
from sentry_iac.sentry.codes import inverse
from tests.helpers import EXAMPLE, PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "sentry_iac" / "sentry"

# (ours -> Sentry's, the inverse the package derives from it)
DERIVED: list[tuple[str, Mapping[Any, Any], Mapping[Any, Any]]] = [
    ("triggers", alerts.TRIGGER_TYPES, alerts.TRIGGERS_BY_TYPE),
    ("logic types", alerts.LOGIC_TYPES, alerts.FILTER_MATCHES_BY_LOGIC),
    ("operators", alerts.ALERT_OPERATORS, alerts.DIRECTIONS_BY_OPERATOR),
    ("tag matches", alerts.MATCH_CODES, alerts.MATCHES_BY_CODE),
    ("levels", alerts.LEVEL_NUMBERS, alerts.LEVELS_BY_NUMBER),
    ("level matches", alerts.LEVEL_MATCH_CODES, alerts.LEVEL_MATCHES_BY_CODE),
    ("age units", alerts.AGE_UNITS, alerts.AGE_LETTERS_BY_UNIT),
    ("age comparisons", alerts.AGE_COMPARISONS, alerts.AGE_SIDES_BY_COMPARISON),
    ("categories", alerts.CATEGORY_IDS, alerts.CATEGORIES_BY_ID),
]


def imported_modules(path: Path) -> list[str]:
    """Every absolute module a file imports (relative imports stay inside the package)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append(node.module)
    return found


def test_the_package_imports_only_the_standard_library_and_itself() -> None:
    files = sorted(PACKAGE.glob("*.py"))
    assert len(files) > 5  # the package is where this test looks
    outside = [f"{path.name}: {module}" for path in files for module in imported_modules(path)
               if not (module == "sentry_iac.sentry" or module.startswith("sentry_iac.sentry.")
                       or module.split(".")[0] in sys.stdlib_module_names)]
    assert outside == []


def test_the_import_check_sees_an_import_of_ours(tmp_path: Path) -> None:
    module = tmp_path / "leaky.py"
    module.write_text("from sentry_iac.config.alerts import AlertRule\nimport pydantic\n")
    assert imported_modules(module) == ["sentry_iac.config.alerts", "pydantic"]


@pytest.mark.parametrize(("what", "mapping", "derived"), DERIVED, ids=[d[0] for d in DERIVED])
def test_each_derived_inverse_round_trips(what: str, mapping: Mapping[Any, Any],
                                          derived: Mapping[Any, Any]) -> None:
    assert len(derived) == len(mapping)
    assert {code: derived[code] for code in mapping.values()} == {
        code: word for word, code in mapping.items()}
    assert all(mapping[derived[code]] == code for code in derived)


@pytest.mark.parametrize("mapping", [crons.CONFIG_FIELDS, privacy.PRIVACY_FIELDS,
                                     security.SECURITY_FIELDS, security.RELAY_FIELDS,
                                     performance.DETECTORS,
                                     {k: v[0] for k, v in performance.THRESHOLDS.items()}])
def test_field_names_are_one_to_one(mapping: Mapping[str, str]) -> None:
    back = inverse(mapping)
    assert {word: back[field] for word, field in mapping.items()} == {w: w for w in mapping}


def test_a_mapping_that_is_not_one_to_one_is_refused() -> None:
    with pytest.raises(ValueError, match="'at_least' and 'above' both map to 'gte'"):
        inverse({"at_least": "gte", "above": "gte", "below": "lte"})


def test_an_inverse_keeps_the_order_of_the_mapping() -> None:
    assert list(inverse({"b": 2, "a": 1, "c": 3})) == [2, 1, 3]


def literal_words(annotation: Any) -> tuple[Any, ...]:
    """The words of ``Literal[...]`` or ``Literal[...] | None``."""
    args = get_args(annotation)
    inner = [a for a in args if a is not type(None)]
    return get_args(inner[0]) if len(inner) == 1 and get_args(inner[0]) else args


def test_the_tables_cover_exactly_the_words_the_config_accepts() -> None:
    assert get_args(ours.Trigger) == tuple(alerts.TRIGGER_TYPES)
    assert get_args(ours.Match) == tuple(alerts.MATCH_CODES)
    assert get_args(ours.Level) == tuple(alerts.LEVEL_NUMBERS)
    assert get_args(ours.Category) == tuple(alerts.CATEGORY_IDS)
    filter_match = ours.AlertRule.model_fields["filter_match"].annotation
    assert set(literal_words(filter_match)) == set(alerts.LOGIC_TYPES)
    assert tuple(ours.LevelMatch.model_fields) == tuple(alerts.LEVEL_MATCH_CODES)
    assert tuple(ours.AgeMatch.model_fields) == tuple(alerts.AGE_COMPARISONS)
    assert set(alerts.AGE_UNIT_SECONDS) == set(alerts.AGE_UNITS.values())


def test_the_payloads_have_the_keys_their_shapes_declare() -> None:
    spec = load_spec(EXAMPLE)
    items = stack_rules(spec, "production")
    detectors = [detector_payload(i) for i in items if i.rule.is_metric]
    workflows = [workflow_payload(i) for i in items]
    assert detectors and len(workflows) > len(detectors)  # metric and issue rules both
    for detector in detectors:
        assert set(detector) == set(shapes.Detector.__annotations__)
        assert set(detector["dataSources"][0]) == set(shapes.DataSource.__annotations__) | set(
            shapes.MetricQuery.__annotations__)
        for condition in detector["conditionGroup"]["conditions"]:
            assert set(condition) == set(shapes.DataCondition.__annotations__)
    for workflow in workflows:
        assert set(workflow) == set(shapes.Workflow.__annotations__)
        assert set(workflow["triggers"]) == set(shapes.Triggers.__annotations__)
        for group in workflow["actionFilters"]:
            assert set(group) == set(shapes.ActionFilter.__annotations__)
