"""``uptime/...``: what Sentry refuses of one stack's uptime check, once the rest is valid.

The shape of a check (its URL, interval, timeout, headers, body) is refused by the model
(``config.uptime``); what depends on the stack is checked here on the validated models, for
every stack the check runs in: the whole request must fit Sentry's 1000 bytes
(``_validate_request_size``, ``uptime/endpoints/validators.py``), counted as
``sentry.uptime.request_size`` counts.
"""

from __future__ import annotations

from collections.abc import Iterator

from sentry_iac.config.checks.context import CheckContext, Finding
from sentry_iac.config.checks.registry import check
from sentry_iac.config.stack_views import stack_uptime
from sentry_iac.sentry.uptime import MAX_REQUEST_BYTES, request_size


@check("uptime/request-size", "an uptime check whose request (URL, headers, body) is over "
                              "Sentry's 1000 bytes in some stack", after_validation=True)
def request_too_large(context: CheckContext) -> Iterator[Finding]:
    org, source = context.model, context.org_source
    if org is None or source is None:
        return
    index = {(p.slug, c.id): (i, j) for i, p in enumerate(org.projects)
             for j, c in enumerate(p.uptime)}
    reported: set[tuple[str | int, ...]] = set()
    for stack in sorted(context.stacks):
        for item in stack_uptime(org, stack):
            check_ = item.check
            size = request_size(check_.method, item.url, list(check_.headers.items()),
                                check_.sent_body)
            if size <= MAX_REQUEST_BYTES:
                continue
            i, j = index[(item.project.slug, check_.id)]
            override = check_.environments.get(stack)
            path: tuple[str | int, ...] = (
                ("projects", i, "uptime", j, "environments", stack, "url")
                if override is not None and override.url is not None
                else ("projects", i, "uptime", j))
            if path in reported:
                continue
            reported.add(path)
            yield Finding(source, path, (
                f"the request is {size} bytes in stack '{stack}' (the request line with the "
                f"URL, each header and the body); Sentry takes at most {MAX_REQUEST_BYTES}: "
                "shorten the URL, headers or body"))
