"""The fast YAML path (config.yaml.fast_yaml) reads plain files exactly as the node path does, and
leaves everything else to it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from sentry_iac.config.yaml.fast_yaml import FastLoader, read_plain
from sentry_iac.config.yaml.source import SourceMap, _Builder
from tests.helpers import EXAMPLE


def _node_path(text: str) -> tuple[Any, dict[Any, tuple[int, int]]]:
    (node,) = yaml.compose_all(text, Loader=FastLoader)
    builder = _Builder("f.yaml")
    data = builder.build(node, ())
    assert not builder.errors
    return data, {k: (m.line, m.column) for k, m in builder.source.positions.items()}


def _fast_path(text: str) -> tuple[Any, dict[Any, tuple[int, int]]] | None:
    positions: dict[Any, Any] = {}
    read = read_plain(text, positions)
    if read is None:
        return None
    return read[0], {k: (m.line, m.column) for k, m in positions.items()}


PROJECT_FILES = sorted([EXAMPLE / "org.yaml", *(EXAMPLE / "alerts").glob("*.yaml")])


@pytest.mark.parametrize("path", PROJECT_FILES, ids=lambda p: p.name)
def test_the_example_project_reads_the_same_both_ways(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert _fast_path(text) == _node_path(text)


def test_scalars_of_every_type_read_the_same_both_ways() -> None:
    text = ('a: 1\nb: 1.5\nc: true\nd: null\ne: "10"\nf: [x, {g: 2020-01-02}]\n'
            "h: |\n  block\n  text\ni: ~\n")
    fast = _fast_path(text)
    assert fast is not None
    assert fast == _node_path(text)
    assert fast[0]["a"] == 1 and fast[0]["e"] == "10" and fast[0]["d"] is None


def test_plain_text_is_typed_as_yaml_1_1_types_it_and_quoted_text_never_is() -> None:
    # The fast path remembers a plain scalar's tag and value by its text: read twice, with the
    # same spellings quoted in between, every value must still be what PyYAML's node path says.
    spellings = ["1", "0777", "1:30", "yes", "No", "on", "OFF", "1e3", "1.5e+3", ".inf", "-.Inf",
                 "~", "Null", "0x1F", "0b101", "1_000", "2024-01-02", "+1", "true", "y", "=x"]
    plain = "".join(f"p{i}: {text}\n" for i, text in enumerate(spellings))
    quoted = "".join(f"q{i}: '{text}'\n" for i, text in enumerate(spellings))
    for text in (plain, quoted + plain, plain + quoted):
        fast = _fast_path(text)
        assert fast is not None
        assert fast == _node_path(text)
        assert {type(v) for k, v in fast[0].items() if k.startswith("q")} <= {str}
    typed = _fast_path(plain)
    assert typed is not None
    assert typed[0]["p3"] is True and typed[0]["p1"] == 511 and typed[0]["p2"] == 90


def test_what_the_reader_remembers_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from sentry_iac.config.yaml import fast_yaml

    monkeypatch.setattr(fast_yaml, "REMEMBERED", 5)
    text = "".join(f"k{i}: v{i}\nn{i}: {i}\n" for i in range(50))
    assert _fast_path(text) == _node_path(text)
    assert len(fast_yaml._PLAIN_TAGS) <= 5 and len(fast_yaml._PLAIN_VALUES) <= 5
    assert len(FastLoader._tags) <= 5


@pytest.mark.parametrize("text", [
    "a: &x 1\nb: *x\n",  # anchors and aliases
    "base: &b {x: 1}\nother:\n  <<: *b\n",  # merge keys
    "a: !!str 1\n",  # explicit tags
    "a: 1\na: 2\n",  # duplicate keys
    "1: a\n",  # a key that is not text
    "? [a]\n: b\n",  # a key that is a list
    "a: 1\n---\nb: 2\n",  # several documents
    "",  # nothing
    "a: [1\n",  # malformed
])
def test_anything_unusual_goes_the_node_path(text: str) -> None:
    assert _fast_path(text) is None


def test_the_fast_path_records_every_position_the_node_path_does() -> None:
    text = "teams:\n  - slug: a\n    name: A\n  - slug: b\nchannels: {x: {email: {team: a}}}\n"
    source = SourceMap("f.yaml")
    read_plain(text, source.positions)
    assert source.locate(("teams", 1, "slug")).line == 4
    assert source.locate(("channels", "x", "email", "team")).column == 24
