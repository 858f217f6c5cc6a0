"""Sentry's vocabulary, what its source accepts: the codes and names on the wire (with their
inverses derived, never written), the shapes of the main payloads, the ranges Sentry allows and
the defaults it applies.

It imports nothing else of sentry_iac, only the standard library, so every other package may
use it and none of it depends on our YAML vocabulary (``sentry_iac.config``).
"""
