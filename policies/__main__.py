"""The sentry-iac policy pack: the checks of sentry_iac.policies, with org.yaml's settings."""

from pathlib import Path

from pulumi_policy import PolicyPack

from sentry_iac.policies.crossguard import policies_for

PolicyPack(name="sentry-iac", policies=policies_for(Path(__file__).resolve().parent.parent))
