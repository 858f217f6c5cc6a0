"""Edits made in Sentry that an update is about to overwrite, named field by field.

Pulumi's dynamic providers cannot send a detailed diff, but the engine shows every line a
dynamic provider writes to stderr as a diagnostic of the preview or update (sdk/go/common/
resource/plugin/plugin.go: a dynamic provider's output is not hidden). So ``diff`` says what a
refresh found changed in Sentry, and ``update`` what it overwrites, before it does.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# More than this many fields are summarised: one edit in the UI rarely touches more.
MAX_FIELDS = 12
_MAX_VALUE = 80


@dataclass(frozen=True)
class Drift:
    field: str
    deployed: Any  # what the last up wrote (the YAML's value then)
    in_sentry: Any


_ABSENT: Any = object()


def _leaves(value: Any, path: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    if isinstance(value, dict) and value:
        for key in sorted(value):
            out.update(_leaves(value[key], f"{path}.{key}" if path else str(key)))
    elif isinstance(value, list) and value:
        for index, item in enumerate(value):
            out.update(_leaves(item, f"{path}[{index}]"))
    else:
        out[path] = value
    return out


def _pair(deployed: list[Any], in_sentry: list[Any]) -> list[tuple[Any, Any]]:
    """Items matched by likeness, not position: the lists are kept sorted, so one edited item
    can move and would otherwise make every item after it look changed."""
    left = list(range(len(in_sentry)))
    pairs: list[tuple[Any, Any]] = []
    for item in deployed:
        mine = _leaves(item)
        best = max(left, default=None, key=lambda j: sum(
            1 for k, v in _leaves(in_sentry[j]).items() if mine.get(k, _ABSENT) == v))
        if best is None:
            pairs.append((item, _ABSENT))
        else:
            left.remove(best)
            pairs.append((item, in_sentry[best]))
    pairs += [(_ABSENT, in_sentry[j]) for j in left]
    return pairs


def _walk(deployed: Any, in_sentry: Any, path: str) -> Iterator[Drift]:
    if isinstance(deployed, dict) and isinstance(in_sentry, dict):
        for key in sorted(set(deployed) | set(in_sentry)):
            yield from _walk(deployed.get(key, _ABSENT), in_sentry.get(key, _ABSENT),
                             f"{path}.{key}" if path else str(key))
    elif isinstance(deployed, list) and isinstance(in_sentry, list):
        for index, (old, new) in enumerate(_pair(deployed, in_sentry)):
            yield from _walk(old, new, f"{path}[{index}]")
    elif deployed != in_sentry:
        yield Drift(path, deployed, in_sentry)


def drifted_fields(deployed: Any, in_sentry: Any) -> list[Drift]:
    """Every field that differs between what was written and what Sentry has."""
    return list(_walk(deployed, in_sentry, ""))


def _whole(value: Any) -> Any:
    # Pulumi's wire carries numbers as doubles: 10.0 was written as 10.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _whole(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_whole(v) for v in value]
    return value


def _show(value: Any) -> str:
    if value is _ABSENT:
        return "(absent)"
    value = _whole(value)
    text = json.dumps(value, sort_keys=True, default=str)
    return text if len(text) <= _MAX_VALUE else text[:_MAX_VALUE] + "..."


def describe(what: str, drift: list[Drift], consequence: str) -> list[str]:
    """``what`` names the object (kind, name, id); ``consequence`` what happens to the edits."""
    lines = [f"sentry-iac: {what} was changed in Sentry since the last up; {consequence}:"]
    lines += [f"    {d.field or '(value)'}: Sentry has {_show(d.in_sentry)}, the last up wrote "
              f"{_show(d.deployed)}" for d in drift[:MAX_FIELDS]]
    if len(drift) > MAX_FIELDS:
        lines.append(f"    ... and {len(drift) - MAX_FIELDS} more fields")
    return lines


def report(what: str, deployed: Any, in_sentry: Any, consequence: str) -> list[Drift]:
    """Write the lines to stderr, where the engine shows them, if anything drifted."""
    drift = drifted_fields(deployed, in_sentry)
    if drift:
        sys.stderr.write("\n".join(describe(what, drift, consequence)) + "\n")
        sys.stderr.flush()
    return drift
