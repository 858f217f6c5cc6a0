"""``code/...``: links from stack frames to source code (repositories, code mappings) that
Sentry can make."""

from __future__ import annotations

from collections.abc import Iterator

from sentry_iac.config.checks.context import CheckContext, Finding
from sentry_iac.config.checks.raw import mapping, text
from sentry_iac.config.checks.references import repositories
from sentry_iac.config.checks.registry import check


@check("code/no-integration", "a repository names no GitHub integration, and neither does "
                              "integrations:")
def repository_without_integration(context: CheckContext) -> Iterator[Finding]:
    source = context.org_source
    if source is None or text(mapping(context.org, "integrations"), "github"):
        return
    for path, name, names_integration in repositories(context.org):
        if not names_integration:
            yield Finding(source, path, f"no GitHub integration named for '{name}': add "
                                        "`integrations: {github: <its name in Sentry>}` or "
                                        "`integration:` here")
