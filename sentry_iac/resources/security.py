"""The organisation's access settings (``security:``), owned by the owner stack.

They go through the settings provider like privacy: only declared fields are written, and each
carries the YAML location it came from so a value Sentry rejects is reported at its line.
"""

from __future__ import annotations

import pulumi

from sentry_iac.config.loader import Spec
from sentry_iac.providers.resources import OrganizationSecurity
from sentry_iac.resources.payloads.settings import security_fields
from sentry_iac.sentry.security import SECURITY_FIELDS


def security_settings(spec: Spec, opts: pulumi.ResourceOptions) -> OrganizationSecurity | None:
    """The ``OrganizationSecurity`` resource, or None when nothing is declared."""
    org = spec.org
    security = org.security
    settings = security_fields(security) if security is not None else {}
    if security is None or not settings:
        return None
    declared = security.model_fields_set
    sources = {api: spec.where(("security", key)) for key, api in SECURITY_FIELDS.items()
               if key in declared and api in settings}
    return OrganizationSecurity(org.organization, identity={"organization": org.organization},
                                settings=settings, sources=sources, opts=opts)
