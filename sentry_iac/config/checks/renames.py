"""``rename/...``: what a renamed object was called must not be what something is called now."""

from __future__ import annotations

from collections.abc import Iterator

from sentry_iac.config.checks.context import CheckContext, Finding
from sentry_iac.config.checks.raw import entries, names, text, texts
from sentry_iac.config.checks.registry import check


@check("rename/current-slug", "a project's or team's previous_slugs names a current slug")
def previous_slug_is_current(context: CheckContext) -> Iterator[Finding]:
    source = context.org_source
    for key, what in (("projects", "project"), ("teams", "team")):
        current = names(context.org, key, "slug")
        for i, entry in entries(context.org, key):
            for j, old in texts(entry.get("previous_slugs")):
                if source is not None and (old == entry.get("slug") or old in current):
                    yield Finding(source, (key, i, "previous_slugs", j), (
                        f"'{old}' is a current {what} slug; previous_slugs lists the slugs "
                        f"this {what} had before it was renamed"))


@check("rename/current-id", "an alert rule's previous_ids names a current rule id")
def previous_id_is_current(context: CheckContext) -> Iterator[Finding]:
    rules = list(context.rules())
    current = {rule_id for rule in rules if (rule_id := text(rule.data, "id")) is not None}
    for rule in rules:
        for j, old in texts(rule.data.get("previous_ids")):
            if old == rule.data.get("id") or old in current:
                yield Finding(rule.source, rule.at("previous_ids", j), (
                    f"'{old}' is a current rule id; previous_ids lists the ids this rule had "
                    "before it was renamed"))
