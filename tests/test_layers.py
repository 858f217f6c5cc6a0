"""The one rule of who may import whom (docs/layout.md): a package imports only itself and the
packages below it, and a Pulumi-free package imports nothing that imports Pulumi.

Imports inside functions count too: a lazy import is still a dependency, only a cheaper one.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "sentry_iac"
PULUMI = ("pulumi", "pulumiverse_sentry", "pulumi_policy")


@dataclass(frozen=True)
class Layer:
    module: str
    pulumi_free: bool


# Top first. Each may import the layers after it, never one before it.
LAYERS = (
    Layer("sentry_iac.cli", False),
    Layer("sentry_iac.importer.run", False),
    Layer("sentry_iac.importer.write", False),
    Layer("sentry_iac.importer.convert", False),
    Layer("sentry_iac.importer.read", False),
    Layer("sentry_iac.importer", False),
    Layer("sentry_iac.automation", False),
    Layer("sentry_iac.policies", False),
    Layer("sentry_iac.offline", False),
    Layer("sentry_iac.resources", False),
    Layer("sentry_iac.scaffold", True),
    Layer("sentry_iac.review", True),
    Layer("sentry_iac.ruletest", True),
    Layer("sentry_iac.resources.payloads", True),
    Layer("sentry_iac.providers", False),
    Layer("sentry_iac.pulumi_sdk", False),
    Layer("sentry_iac.config", True),
    Layer("sentry_iac.sentry", True),
)


def layer_of(module: str) -> int:
    """The index in ``LAYERS`` of the most specific layer holding ``module``."""
    best, length = -1, -1
    for index, layer in enumerate(LAYERS):
        if (module == layer.module or module.startswith(layer.module + ".")) and \
                len(layer.module) > length:
            best, length = index, len(layer.module)
    if best < 0:
        raise AssertionError(f"{module} is in no layer: add it to LAYERS and the README")
    return best


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every absolute import in the file, at any depth."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            # `from sentry_iac.cli import deploy` imports the module sentry_iac.cli.deploy
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names
                      if (PROJECT_ROOT / f"{node.module}.{alias.name}".replace(".", "/")).is_dir()
                      or (PROJECT_ROOT / (f"{node.module}.{alias.name}".replace(".", "/")
                                          + ".py")).is_file()]
    return found


def module_violations(name: str, path: Path) -> list[str]:
    """What ``path``, holding the module ``name``, imports against the rule."""
    here = layer_of(name)
    out: list[str] = []
    for line, target in imports(path):
        where = f"{path.name}:{line}" if not path.is_relative_to(PROJECT_ROOT) else \
            f"{path.relative_to(PROJECT_ROOT)}:{line}"
        if target.split(".")[0] in PULUMI and LAYERS[here].pulumi_free:
            out.append(f"{where}: {LAYERS[here].module} is Pulumi-free but imports {target}")
        if not target.startswith("sentry_iac."):
            continue
        there = layer_of(target)
        if there < here:
            out.append(f"{where}: {LAYERS[here].module} imports {target}, a layer above it "
                       f"({LAYERS[there].module})")
        elif LAYERS[here].pulumi_free and not LAYERS[there].pulumi_free:
            out.append(f"{where}: {LAYERS[here].module} is Pulumi-free but imports "
                       f"{target} ({LAYERS[there].module} is not)")
    return out


def violations(root: Path) -> list[str]:
    out: list[str] = []
    for path in sorted(root.rglob("*.py")):
        name = module_name(path)
        if name == "sentry_iac":  # the package's docstring: it imports nothing
            assert not imports(path), "sentry_iac/__init__.py imports nothing"
            continue
        out += module_violations(name, path)
    return out


def test_every_import_goes_down_the_layers() -> None:
    assert violations(PACKAGE) == []


def test_every_layer_holds_code() -> None:
    modules = {module_name(p) for p in PACKAGE.rglob("*.py")}
    empty = [layer.module for layer in LAYERS
             if not any(m == layer.module or m.startswith(layer.module + ".") for m in modules)]
    assert empty == []


def test_the_rule_catches_an_upward_import(tmp_path: Path) -> None:
    # The check itself can fail: a config module importing a resource builder is refused.
    probe = tmp_path / "probe.py"
    probe.write_text("from sentry_iac.resources.program import run\nimport pulumi\n")
    found = module_violations("sentry_iac.config.probe", probe)
    assert found == [
        "probe.py:1: sentry_iac.config imports sentry_iac.resources.program, a layer above it "
        "(sentry_iac.resources)",
        "probe.py:2: sentry_iac.config is Pulumi-free but imports pulumi"]
    assert module_violations("sentry_iac.cli.probe", probe) == []
    with pytest.raises(AssertionError, match="in no layer"):
        module_violations("sentry_iac.unheard_of", probe)


def test_the_layout_document_draws_the_same_layers_in_the_same_order() -> None:
    drawing = (PROJECT_ROOT / "docs" / "layout.md").read_text(encoding="utf-8")
    start = drawing.index("<!-- layers -->")
    block = drawing[start:drawing.index("<!-- /layers -->", start)]
    drawn = [line.split()[0] for line in block.splitlines()
             if line.strip().startswith("sentry_iac/")]
    assert drawn == [drawn_name(layer.module) for layer in LAYERS]


def drawn_name(module: str) -> str:
    path = module.replace(".", "/")
    return f"{path}/" if (PROJECT_ROOT / path).is_dir() else f"{path}.py"
