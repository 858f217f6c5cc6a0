"""What each Sentry object is sent as, built from the configuration: plain data, no Pulumi."""
