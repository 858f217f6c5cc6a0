"""Why a Sentry object stays out of the YAML."""

from __future__ import annotations


class NotExpressible(Exception):
    """Sentry holds something the YAML vocabulary cannot say exactly; the message says what.

    The object is left in Sentry, unmanaged, and listed in the import report.
    """
