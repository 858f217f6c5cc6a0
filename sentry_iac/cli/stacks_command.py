"""``sentry-iac stacks``: the stacks of the project in the order they deploy, the owner first.

The stacks are the ``Pulumi.<stack>.yaml`` files; the owner (``owner_stack`` in ``org.yaml``)
creates the teams and projects every other stack refers to, so it goes first. The workflows
read ``--json`` to build their jobs, so a new stack file needs no workflow edit.
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sentry_iac.cli.output import ExitCode, problems
from sentry_iac.config.errors import SpecErrors
from sentry_iac.config.loader import Spec, load_spec


@dataclass(frozen=True)
class DeployOrder:
    """The stack that deploys first (the owner, or during a hand-over the previous owner) and
    the others, sorted by name, which deploy after it."""

    owner: str
    others: tuple[str, ...]

    @classmethod
    def of(cls, spec: Spec) -> DeployOrder:
        # During a hand-over of owner_stack the previous owner deploys first: its `up` releases
        # what it owned, which the new owner adopts ("Handing over ownership" in the README).
        first = spec.org.previous_owner_stack or spec.org.owner_stack
        return cls(first, tuple(sorted(s for s in spec.stacks if s != first)))

    @property
    def order(self) -> list[str]:
        return [self.owner, *self.others]

    def as_json(self) -> dict[str, Any]:
        return {"owner": self.owner, "others": list(self.others), "order": self.order}


def cmd_stacks(args: argparse.Namespace) -> int:
    try:
        spec = load_spec(Path(args.dir).resolve())
    except SpecErrors as exc:
        return problems(exc.errors, "no stacks listed")
    order = DeployOrder.of(spec)
    if args.json:
        # One line: the workflows write it to $GITHUB_OUTPUT as it is.
        print(json.dumps(order.as_json()))
    else:
        role = "previous owner: releases what it owned" if spec.org.previous_owner_stack \
            else "owner: creates the teams and projects"
        print(f"{order.owner} ({role}; deploys first)")
        for stack in order.others:
            print(stack)
    return ExitCode.OK


def register(sub: Any) -> None:
    stacks = sub.add_parser("stacks")
    stacks.add_argument("--json", action="store_true",
                        help='machine-readable: {"owner": ..., "others": [...], "order": [...]}')
    stacks.add_argument("--dir", default=".", help="the project folder (default: .)")
    stacks.set_defaults(func=cmd_stacks)
