"""``sentry-iac init``: a new organisation repository that depends on sentry-iac.

Pulumi-free: the files are rendered from ``templates/`` (package data) and the JSON Schema of
``review.schema``; nothing here runs the program.
"""
