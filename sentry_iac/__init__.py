"""sentry-iac: a Sentry organisation as code."""
