"""A first deploy of a generated organisation against a rate-limited fake (the benchmark's
phase, at a small size, with a lower limit so that it is surely hit): every resource made
once, nothing failed, few requests per resource, and the limit really hit."""

from __future__ import annotations

from pathlib import Path

from benchmarks.generate import Shape, write_project
from benchmarks.rate_limited import (
    GOAL_REQUESTS_PER_RESOURCE,
    first_deploy_rate_limited,
    format_rate_limited,
)


def test_a_rate_limited_first_deploy_makes_everything_once(tmp_path: Path) -> None:
    shape = Shape(teams=2)
    program = write_project(tmp_path / "org", shape)
    result = first_deploy_rate_limited(program, 250, limit=10)  # surely hit at this size
    assert result.failures == [] and result.duplicates == []
    assert result.resources == shape.owner_resources()
    assert result.per_resource <= GOAL_REQUESTS_PER_RESOURCE, result.calls
    assert result.limited > 0  # the limit was really hit, and waited out
    assert result.met
    table = "\n".join(format_rate_limited([result]))
    assert "per resource" in table and ": met" in table
