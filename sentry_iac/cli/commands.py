"""Every ``sentry-iac`` command, the module that defines it and the line ``--help`` lists.

Only the module of the command being run is imported (``app.main``): ``sentry-iac --help`` reads
this table alone, and ``render`` never loads what ``validate`` or ``import`` need (Pulumi, the
HTTP client). A module's ``register(subparsers)`` adds its commands' parsers, each calling
``set_defaults(func=...)``; one module may define several commands.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    module: str
    help: str
    # Offline and over in seconds: as a process of its own (the ``sentry-iac`` script) it keeps
    # the garbage collector paused once paused and skips tearing down its heap at exit
    # (``app.run``). Not for commands that talk to Sentry or Pulumi for minutes.
    short: bool = True


COMMANDS: dict[str, Command] = {
    "validate": Command("sentry_iac.cli.offline_commands",
                        "check org.yaml, alerts/ and every stack"),
    "plan": Command("sentry_iac.cli.offline_commands",
                    "show every resource a stack declares (offline)"),
    "render": Command("sentry_iac.cli.review",
                      "one stack's alert rules, routing and organisation in plain English"),
    "diff": Command("sentry_iac.cli.review",
                    "what changes between two revisions, per stack (for pull requests)"),
    "schema": Command("sentry_iac.cli.review",
                      "write schema/*.schema.json (JSON Schema for editors) and "
                      "docs/configuration.md from the models"),
    "preview": Command("sentry_iac.cli.deploy",
                       "show what `pulumi up` would change (Pulumi CLI)", short=False),
    "up": Command("sentry_iac.cli.deploy", "apply the stack to Sentry (Pulumi CLI)",
                  short=False),
    "import": Command("sentry_iac.cli.import_command",
                      "adopt an existing Sentry organisation: write its YAML and the files "
                      "Pulumi adopts it with (reads Sentry, never writes)", short=False),
    "init": Command("sentry_iac.cli.init_command",
                    "write a new organisation repository that depends on sentry-iac"),
    "checks": Command("sentry_iac.cli.checks_command",
                      "list every check id and what it refuses"),
    "stacks": Command("sentry_iac.cli.stacks_command",
                      "list the stacks in deploy order, the owner first"),
    "test": Command("sentry_iac.cli.rule_tests", "run the rule tests in rule-tests/ (offline)"),
    "backtest": Command("sentry_iac.cli.backtest",
                        "how often each metric rule would have fired lately (reads Sentry, "
                        "never writes)", short=False),
}
