"""Renames and removals that never lose Sentry data.

* A renamed project, team or rule keeps its Pulumi identity through aliases, so Pulumi updates
  the object in place instead of deleting it and creating an empty one.
* Projects, teams and keys are ``retain_on_delete``: removing one from the YAML (or destroying a
  stack) releases it from management and leaves it, with all its events, in Sentry. Only the
  reviewed opt-in ``delete_when_removed: true`` lets a removal delete it.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi


def renamed_aliases(name: str, current: str, previous: Sequence[str]) -> list[pulumi.Alias]:
    """Aliases for a resource whose logical name contains ``current`` (a slug or rule id) that
    was once each of ``previous``."""
    return [pulumi.Alias(name=name.replace(current, old, 1)) for old in previous
            if current in name]


def rename_children(current: str, previous: Sequence[str]) -> pulumi.ResourceTransformation:
    """A transformation for a renamed component: every child whose name carries the old
    slug or id gets an alias to it (their URNs do not contain the parent's name)."""

    def transform(
        args: pulumi.ResourceTransformationArgs,
    ) -> pulumi.ResourceTransformationResult | None:
        aliases = renamed_aliases(args.name, current, previous)
        if not aliases:
            return None
        merged = pulumi.ResourceOptions.merge(args.opts, pulumi.ResourceOptions(aliases=aliases))
        return pulumi.ResourceTransformationResult(args.props, merged)

    return transform


def component_options(
    name: str, previous: Sequence[str], opts: pulumi.ResourceOptions | None
) -> pulumi.ResourceOptions:
    """Options for a component that may have been renamed from one of ``previous``. The
    transformation applies to the component itself too, so it needs no alias of its own."""
    if not previous:
        return opts or pulumi.ResourceOptions()
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(
        transformations=[rename_children(name, previous)]))
