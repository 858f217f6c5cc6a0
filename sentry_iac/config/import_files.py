"""The files ``sentry-iac import`` leaves in ``import/``, read and checked with the rest of the
configuration, so a broken or hand-edited one is reported at its line before anything is
registered.

* ``import/<stack>.adopt.json``: the Sentry ids of the dynamic resources (monitors, alerts...)
  the stack takes over instead of creating (``build.adoption``).
* ``import/<stack>.json``: ``pulumi import --file``'s input for the bridged resources (teams,
  members, projects, keys). A dynamic resource cannot be in it: ``pulumi import`` sends the
  provider only an id, and Pulumi's Python provider host then has no pickled provider to read
  it with (pulumi/pulumi#16175; the host fails with ``KeyError: '__provider'``). Such an entry
  is refused here with what to do instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from sentry_iac.config.errors import SpecError, SpecErrors
from sentry_iac.config.yaml.source import LoadedYaml, SourceMap, load_yaml

IMPORT_DIR = "import"
DYNAMIC_PREFIX = "pulumi-python:dynamic/"
# (short type, logical name) -> Sentry id
Adoptions = dict[tuple[str, str], str]


def adoption_file(stack: str) -> str:
    return f"{IMPORT_DIR}/{stack}.adopt.json"


def pulumi_import_file(stack: str) -> str:
    return f"{IMPORT_DIR}/{stack}.json"


def _load(root: Path, name: str, errors: list[SpecError]) -> LoadedYaml | None:
    try:
        return load_yaml(root / name, name)  # JSON is YAML: positions come with it
    except SpecErrors as exc:
        errors.extend(replace(e, message=e.message.replace("malformed YAML", "malformed JSON"))
                      for e in exc.errors)
        return None


def _entries(data: Any, source: SourceMap, errors: list[SpecError]) -> list[tuple[int, Any]]:
    if not isinstance(data, dict) or not isinstance(data.get("resources", []), list):
        errors.append(source.error((), "expected an object with a list of 'resources'",
                                   check="import/not-a-list"))
        return []
    return list(enumerate(data.get("resources", [])))


def _adoptions(root: Path, stack: str, errors: list[SpecError]) -> Adoptions:
    name = adoption_file(stack)
    if not (root / name).is_file():
        return {}
    loaded = _load(root, name, errors)
    if loaded is None:
        return {}
    found: Adoptions = {}
    for index, entry in _entries(loaded.data, loaded.source, errors):
        path = ("resources", index)
        if not isinstance(entry, dict) or not all(
                isinstance(entry.get(key), str) and entry.get(key) for key in ("type", "name")) \
                or not isinstance(entry.get("id"), str | int) or isinstance(entry.get("id"), bool):
            errors.append(loaded.source.error(
                path, "expected {\"type\": ..., \"name\": ..., \"id\": ...}, each text (the id "
                      "may be a number), as `sentry-iac import` writes them",
                check="import/adoption-entry"))
            continue
        short = str(entry["type"]).rsplit(":", 1)[-1]
        found[(short, str(entry["name"]))] = str(entry["id"])
    return found


def _pulumi_import_problems(root: Path, stack: str, errors: list[SpecError]) -> None:
    name = pulumi_import_file(stack)
    if not (root / name).is_file():
        return
    loaded = _load(root, name, errors)
    if loaded is None:
        return
    for index, entry in _entries(loaded.data, loaded.source, errors):
        kind = entry.get("type") if isinstance(entry, dict) else None
        if isinstance(kind, str) and kind.startswith(DYNAMIC_PREFIX):
            errors.append(loaded.source.error(
                ("resources", index, "type"),
                f"{kind} cannot be adopted by `pulumi import`: Pulumi's provider host gets only "
                "an id and fails with KeyError: '__provider' (pulumi/pulumi#16175). Move it to "
                f"{adoption_file(stack)} as {{\"type\", \"name\", \"id\"}}: the first "
                "`pulumi up` takes the object over instead of creating one",
                check="import/dynamic-resource"))


def load_import_files(root: Path, stacks: Iterable[str]) -> tuple[dict[str, Adoptions],
                                                                  list[SpecError]]:
    """Each stack's adoptions, and the problems of every import file."""
    errors: list[SpecError] = []
    adoptions = {}
    for stack in stacks:
        adoptions[stack] = _adoptions(root, stack, errors)
        _pulumi_import_problems(root, stack, errors)
    return adoptions, errors
