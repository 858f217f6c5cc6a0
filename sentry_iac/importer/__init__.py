"""``sentry-iac import``: adopt an existing Sentry organisation.

Split by direction: ``read/`` reads it through the REST API (GET only), ``convert/`` expresses
it in the YAML vocabulary and checks every alert against what the program would send
(``convert.verify``), ``write/`` writes ``org.yaml``, ``alerts/*.yaml`` and the files Pulumi
needs to adopt each object; ``report`` collects, on the way, what could not be expressed, and
``run`` does the whole import. Nothing is written to Sentry.
"""
