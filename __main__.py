"""The Pulumi program: the organisation declared in org.yaml and alerts/, for this stack."""

from pathlib import Path

from sentry_iac.resources.program import run

run(Path(__file__).resolve().parent)
