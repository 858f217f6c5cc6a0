"""Which Sentry environment each stack means, per project (``--env``).

By default a stack's environment is its own name (``production`` -> ``production``), as in the
YAML. ``--env staging=test`` maps a stack for every project, ``--env web:staging=test`` for one.
An alert belongs to the stack whose environment it filters on.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class EnvMapError(ValueError):
    pass


@dataclass
class EnvMap:
    stacks: tuple[str, ...]  # owner stack first
    general: dict[str, str] = field(default_factory=dict)  # stack -> environment
    specific: dict[tuple[str, str], str] = field(default_factory=dict)  # (project, stack)

    @classmethod
    def parse(cls, stacks: tuple[str, ...], items: list[str]) -> EnvMap:
        mapping = cls(stacks)
        for item in items:
            target, sep, environment = item.partition("=")
            project, _, stack = target.rpartition(":")
            if not sep or not stack or not environment:
                raise EnvMapError(f"--env {item}: write STACK=ENVIRONMENT or "
                                  "PROJECT:STACK=ENVIRONMENT")
            if stack not in stacks:
                raise EnvMapError(f"--env {item}: '{stack}' is not one of the stacks "
                                  f"({', '.join(stacks)})")
            if project:
                mapping.specific[(project, stack)] = environment
            else:
                mapping.general[stack] = environment
        return mapping

    def environment(self, project: str, stack: str) -> str:
        return self.specific.get((project, stack), self.general.get(stack, stack))

    def check(self, project: str) -> None:
        """Two stacks on one environment would both adopt its alerts."""
        seen: dict[str, str] = {}
        for stack in self.stacks:
            environment = self.environment(project, stack)
            if environment in seen:
                raise EnvMapError(f"project {project}: stacks {seen[environment]} and {stack} "
                                  f"both map to environment '{environment}'")
            seen[environment] = stack
