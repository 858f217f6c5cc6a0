"""``sentry-iac import``: adopt an existing Sentry organisation.

Reads it through the REST API (``read``), expresses it in the YAML vocabulary (``to_spec``),
checks every alert against what the program would send (``verify``), writes ``org.yaml``,
``alerts/*.yaml``, the files Pulumi needs to adopt each object and a report of what could not be
expressed (``write``). Nothing is written to Sentry.
"""
