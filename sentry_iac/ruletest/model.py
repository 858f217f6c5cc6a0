"""The rule-test files (``rule-tests/*.yaml``, ``version: 1``), read with the line of every
key: a test names a stack and a project, the inputs Sentry receives minute by minute and the
timeline it expects. Shape errors carry the config's ``schema/...`` ids; references to a stack,
project, rule or channel that does not exist carry ``ruletest/...`` ids (``REFERENCE_CHECKS``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, model_validator

from sentry_iac.config.base import FormatVersion, Strict
from sentry_iac.config.checks.schema_messages import to_spec_errors
from sentry_iac.config.durations import parse_duration
from sentry_iac.config.errors import InvalidValue, SpecError, SpecErrors
from sentry_iac.config.yaml.source import SourceMap, load_yaml

TESTS_DIR = "rule-tests"

REFERENCE_CHECKS = {
    "ruletest/empty": "a rule-test file is empty, not a mapping, or has no tests",
    "ruletest/unknown-stack": "a rule test names a stack that has no Pulumi.<stack>.yaml",
    "ruletest/unknown-project": "a rule test names a project org.yaml does not declare",
    "ruletest/unknown-rule": "a rule test names a rule that is not on in its stack and project",
    "ruletest/unknown-channel": "an expectation names a channel org.yaml does not declare",
    "ruletest/no-files": "there are no rule-tests/*.yaml files",
}

Count = Annotated[int, Field(ge=0, le=1_000_000, strict=True)]
IssueState = Literal["new", "regression", "reappeared", "ongoing"]
Level = Literal["fatal", "error", "warning", "info", "debug"]
Priority = Literal["high", "medium", "low"]


def _minutes(text: str, key: str) -> int:
    try:
        seconds = parse_duration(text)
    except ValueError as exc:
        raise InvalidValue(f"@{key}: {exc}", "schema/invalid") from None
    if seconds % 60:
        raise InvalidValue(f"@{key}: '{text}' is not a whole number of minutes (Sentry "
                           "evaluates monitors once a minute)", "schema/invalid")
    return seconds // 60


class Spans(Strict):
    """Spans received in each minute: ``count`` of them lasting ``duration`` (or one per item
    of ``durations``), ``failed`` of them with a failing status."""

    count: Count = 1
    duration: str | None = None
    durations: tuple[str, ...] = ()
    failed: Count = 0

    def values_ms(self) -> list[float]:
        """Each span's duration in milliseconds."""
        out = [float(_ms(d)) for d in self.durations]
        if self.duration is not None:
            out += [float(_ms(self.duration))] * self.count
        return out

    @model_validator(mode="after")
    def _durations(self) -> Spans:
        for name, text in [("duration", self.duration)] + [
                (f"durations.{i}", d) for i, d in enumerate(self.durations)]:
            if text is not None:
                _ms(text, name)
        if self.duration is None and not self.durations:
            raise InvalidValue("@duration: give the spans a duration (e.g. 1500ms or 2s) or a "
                               "list of durations", "schema/missing-key")
        return self


def _ms(text: str, key: str = "duration") -> int:
    text = str(text).strip()
    if text.endswith("ms") and text[:-2].isdigit():
        return int(text[:-2])
    if text.endswith("s") and text[:-1].isdigit():
        return int(text[:-1]) * 1000
    raise InvalidValue(f"@{key}: '{text}' is not a duration in ms or s (e.g. 1500ms, 2s)",
                       "schema/invalid")


class Rate(Strict):
    """Release health in each minute: ``total`` sessions (or users), ``crashed`` of them."""

    total: Count
    crashed: Count = 0

    @model_validator(mode="after")
    def _order(self) -> Rate:
        if self.crashed > self.total:
            raise InvalidValue("@crashed: more crashed than in total", "schema/range")
        return self


class InputSpec(Strict):
    """What Sentry receives at ``at`` (or each minute from ``from`` up to, not including,
    ``to``): error events, spans or sessions, with their attributes."""

    at: str | None = None
    from_: str | None = Field(None, alias="from")
    to: str | None = None
    errors: Count = 0
    users: Count = 0
    spans: Spans | None = None
    sessions: Rate | None = None
    session_users: Rate | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    level: Level = "error"
    environment: str | None = None
    release: str | None = None
    issue: str = "issue"
    issue_state: IssueState | None = None
    category: str = "error"
    issue_priority: Priority = "medium"

    @model_validator(mode="after")
    def _when(self) -> InputSpec:
        if (self.at is None) == (self.from_ is None or self.to is None):
            raise InvalidValue("@at: give 'at' or both 'from' and 'to'", "schema/missing-key")
        if self.at is not None:
            _minutes(self.at, "at")
        else:
            first, last = _minutes(self.from_ or "", "from"), _minutes(self.to or "", "to")
            if last <= first:
                raise InvalidValue("@to: 'to' must be after 'from'", "schema/range")
        if not (self.errors or self.spans or self.sessions or self.session_users):
            raise InvalidValue("@errors: the input sends nothing: give errors, spans, sessions "
                               "or session_users", "schema/missing-key")
        return self

    def minutes(self) -> range:
        if self.at is not None:
            start = _minutes(self.at, "at")
            return range(start, start + 1)
        return range(_minutes(self.from_ or "", "from"), _minutes(self.to or "", "to"))


What = Literal["fires", "opens", "escalates", "deescalates", "resolves"]


class ExpectSpec(Strict):
    """One thing the test expects: a rule that ``fires`` (an issue rule), ``opens``,
    ``escalates`` or ``deescalates`` at a priority, or ``resolves``; optionally who hears it."""

    at: str
    rule: str
    fires: Literal[True] | None = None
    opens: Literal["high", "medium"] | None = None
    escalates: Literal["high"] | None = None
    deescalates: Literal["medium"] | None = None
    resolves: Literal[True] | None = None
    notifies: tuple[str, ...] | None = None
    issue: str | None = None

    @model_validator(mode="after")
    def _one(self) -> ExpectSpec:
        _minutes(self.at, "at")
        given = [k for k in ("fires", "opens", "escalates", "deescalates", "resolves")
                 if getattr(self, k) is not None]
        if len(given) != 1:
            raise InvalidValue("@fires: say exactly one of fires, opens, escalates, deescalates "
                               "or resolves", "schema/missing-key")
        return self

    def what(self) -> tuple[What, str | None]:
        for key, priority in (("opens", self.opens), ("escalates", self.escalates),
                              ("deescalates", self.deescalates)):
            if priority is not None:
                return key, priority  # type: ignore[return-value]
        return ("fires" if self.fires else "resolves"), None


class TestSpec(Strict):
    """One test: a stack, a project, inputs and the timeline expected (``[]``: nothing)."""

    name: str
    stack: str
    project: str
    rules: tuple[str, ...] | None = None
    until: str | None = None
    inputs: tuple[InputSpec, ...] = ()
    expect: tuple[ExpectSpec, ...]

    @model_validator(mode="after")
    def _until(self) -> TestSpec:
        if self.until is not None:
            _minutes(self.until, "until")
        return self


class TestFile(Strict):
    version: FormatVersion
    tests: tuple[TestSpec, ...]


@dataclass(frozen=True)
class Expected:
    """One expected entry of the timeline, with the line it is written on."""

    minute: int
    rule: str
    what: What
    priority: str | None
    notifies: frozenset[str] | None
    issue: str | None
    line: int


@dataclass(frozen=True)
class RuleTest:
    """A test as the evaluator runs it; ``where`` is ``file:line`` of its ``name``."""

    spec: TestSpec
    file: str
    line: int
    expected: tuple[Expected, ...]

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    @property
    def until(self) -> int | None:
        return _minutes(self.spec.until, "until") if self.spec.until else None


def _test(spec: TestSpec, index: int, source: SourceMap) -> RuleTest:
    expected = []
    for j, item in enumerate(spec.expect):
        what, priority = item.what()
        expected.append(Expected(
            _minutes(item.at, "at"), item.rule, what, priority,
            frozenset(item.notifies) if item.notifies is not None else None, item.issue,
            source.locate(("tests", index, "expect", j)).line))
    return RuleTest(spec, source.file, source.locate(("tests", index)).line, tuple(expected))


def load_test_file(path: Path, display_name: str) -> list[RuleTest]:
    """Every test of one file; ``SpecErrors`` naming file, line and key otherwise."""
    loaded = load_yaml(path, display_name)
    if not isinstance(loaded.data, dict):
        raise SpecErrors([loaded.source.error(
            (), "expected a mapping with 'version: 1' and 'tests:'", check="ruletest/empty")])
    try:
        parsed = TestFile.model_validate(loaded.data)
    except ValidationError as exc:
        raise SpecErrors(to_spec_errors(TestFile, exc.errors(), loaded.source)) from None
    if not parsed.tests:
        raise SpecErrors([loaded.source.error(("tests",), "the file has no tests",
                                              check="ruletest/empty")])
    return [_test(spec, i, loaded.source) for i, spec in enumerate(parsed.tests)]


def load_tests(root: Path, files: Sequence[Path] = ()) -> list[RuleTest]:
    """The tests of ``files`` (else every ``rule-tests/*.yaml`` under ``root``), all problems
    raised together."""
    paths = list(files) or sorted((root / TESTS_DIR).glob("*.yaml"))
    if not paths:
        raise SpecErrors([SpecError(TESTS_DIR, 0, 0, "", "no rule-tests/*.yaml files to run",
                                    "ruletest/no-files")])
    tests: list[RuleTest] = []
    errors: list[SpecError] = []
    for path in paths:
        name = _display(root, path)
        try:
            tests += load_test_file(path, name)
        except SpecErrors as exc:
            errors += exc.errors
    if errors:
        raise SpecErrors(errors)
    return tests


def _display(root: Path, path: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
