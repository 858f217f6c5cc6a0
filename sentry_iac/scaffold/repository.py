"""The files of a new organisation repository, and writing them where nothing would be lost.

``files`` renders every file (path relative to the repository -> text) for an organisation slug,
its stacks (the first owns the organisation-wide objects) and the source of sentry-iac; the JSON
Schema is written by ``review.schema`` itself, so it is the very schema ``schema --check`` wants.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sentry_iac.config.base import SLUG_PATTERN
from sentry_iac.review import schema
from sentry_iac.scaffold.source import Source
from sentry_iac.scaffold.templates import fill, template

# A stack name is a GitHub job id and environment as well: letters first, then letters, digits,
# '-' and '_'. `preview` is the pull requests' read-only environment.
STACK_PATTERN = re.compile(r"^[a-z][a-z0-9_-]*$")
RESERVED_STACKS = frozenset({"preview"})
# A fresh `git init` or clone of an empty repository holds only these.
IGNORED = frozenset({".git"})


class ScaffoldError(ValueError):
    """An organisation slug or stack list the scaffold cannot be written for."""


@dataclass(frozen=True)
class Scaffold:
    """What ``init`` writes: ``stacks[0]`` is the owner stack."""

    org: str
    stacks: tuple[str, ...]
    source: Source

    def __post_init__(self) -> None:
        if not re.match(SLUG_PATTERN, self.org) or not self.org:
            raise ScaffoldError(f"--org {self.org!r}: a Sentry slug is lowercase letters, "
                                "digits, '-' and '_', not only digits")
        if not self.stacks:
            raise ScaffoldError("--stacks: name at least one stack")
        for stack in self.stacks:
            if not STACK_PATTERN.match(stack) or stack in RESERVED_STACKS:
                raise ScaffoldError(f"--stacks: {stack!r} is not a stack name here (a lowercase "
                                    "letter, then letters, digits, '-' or '_'; not 'preview')")
        if len(set(self.stacks)) != len(self.stacks):
            raise ScaffoldError(f"--stacks {','.join(self.stacks)}: a stack is named twice")

    @property
    def owner(self) -> str:
        return self.stacks[0]

    def files(self) -> dict[str, str]:
        """Every file but the schema: relative path -> text."""
        out = {
            "pyproject.toml": fill("pyproject.toml", org=self.org, source=self.source.toml()),
            "Pulumi.yaml": fill("Pulumi.yaml", org=self.org),
            "__main__.py": template("main.py"),
            "org.yaml": fill("org.yaml", org=self.org, owner=self.owner, routes=self._routes()),
            "alerts/errors.yaml": fill("errors.yaml", org=self.org),
            "rule-tests/errors.yaml": fill("rule-tests.yaml", owner=self.owner),
            "policies/__main__.py": template("policy_main.py"),
            "policies/PulumiPolicy.yaml": template("PulumiPolicy.yaml"),
            "tests/test_config.py": template("test_config.py"),
            # The repository's own workflows, word for word: they take the stacks from
            # `sentry-iac stacks`, the owner first, so they fit every organisation.
            ".github/workflows/pull-request.yml": template("pull-request.yml"),
            ".github/workflows/deploy.yml": template("deploy.yml"),
            ".gitignore": template("gitignore"),
            "README.md": self._readme(),
        }
        for stack in self.stacks:
            role = "the owner: teams, members, projects" if stack == self.owner else \
                "its own client keys and alerts; the owner stack's projects by slug"
            out[f"Pulumi.{stack}.yaml"] = fill("stack.yaml", stack=stack, role=role)
        return out

    def paths(self) -> list[str]:
        """Every file ``write`` writes, the schema included."""
        return sorted([*self.files(), *(f"{schema.SCHEMA_DIR}/{n}" for n in schema.schemas())])

    def _routes(self) -> str:
        return "\n".join(f"    {stack}: [maintainers]" for stack in self.stacks)

    def _readme(self) -> str:
        column = max(31, *(len(f"Pulumi.{s}.yaml") + 1 for s in self.stacks))
        stack_files = "\n".join(f"Pulumi.{s}.yaml".ljust(column) + "a stack: its own settings"
                                for s in self.stacks)
        commands = [f"uv run sentry-iac plan --stack {s}" for s in self.stacks]
        pad = max(38, *(len(c) + 1 for c in commands))
        plans = "\n".join(c.ljust(pad) + "# every resource the stack declares" for c in commands)
        where = f"sentry-iac comes from {self.source.describe()}"
        if self.source.placeholder:
            note = (f"{where}, a placeholder: put your copy of sentry-iac in "
                    "`[tool.uv.sources]` of `pyproject.toml` before the first command.")
        elif self.source.kind == "path":
            note = (f"{where}, a folder on this machine (`[tool.uv.sources]` in "
                    "`pyproject.toml`): enough to try it here; point it at a git URL "
                    "(`git = \"https://…/sentry-iac.git\", rev = \"…\"`) before CI runs it.")
        else:
            note = f"{where} (`[tool.uv.sources]` in `pyproject.toml`)."
        return fill("README.md", org=self.org, owner=self.owner, plans=plans,
                    stacks_list=", ".join(f"`{s}`" for s in self.stacks),
                    stack_files=stack_files, source_note=note,
                    environments=", ".join(f"`{e}`" for e in self.environments))

    @property
    def environments(self) -> tuple[str, ...]:
        """The GitHub environments the deploy uses: `production` for the owner stack (its
        reviewers), then one named after each other stack."""
        return tuple(dict.fromkeys(("production", *self.stacks[1:])))


def clashes(root: Path, scaffold: Scaffold) -> tuple[list[str], list[str]]:
    """(the files ``write`` would replace, every entry already in ``root`` but ``.git``)."""
    if not root.is_dir():
        return [], []
    replaced = [path for path in scaffold.paths() if (root / path).exists()]
    present = sorted(p.name for p in root.iterdir() if p.name not in IGNORED)
    return replaced, present


def write(root: Path, scaffold: Scaffold) -> list[str]:
    """Write every file under ``root``; returns their paths. Other files there are kept."""
    for path, text in scaffold.files().items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    schema.write(root)
    return scaffold.paths()
