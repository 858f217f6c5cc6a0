"""The base of sentry-iac's dynamic resources: Pulumi's ``dynamic.Resource``, with each distinct
provider pickled once per process instead of once per resource.

Pulumi stores a dynamic resource's provider, pickled with dill by its pure-Python pickler, as
the ``__provider`` input. Every ``Alert`` has the same provider state (so has every ``Monitor``,
and every settings resource of one kind), so pickling it again for each of thousands of
resources spends time to produce the same text (measured: 0.4 ms a resource, about a tenth of
a plan). Pulumi's provider host caches providers by that text too, so one provider instance
serves all the resources that share it, with or without this.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi
import pulumi.dynamic as dyn

from sentry_iac.providers.pickling import unwrap_pulumi_pickler
from sentry_iac.providers.runtime import PREVIOUS_PROJECTS, SentryApiProvider
from sentry_iac.pulumi_sdk import DYNAMIC_TYPE_PREFIX, PROVIDER_KEY, pickle_provider

# Provider class -> (pickled state, serialized provider) pairs seen in this process.
_SERIALIZED: dict[type, list[tuple[dict[str, Any], str]]] = {}


def serialized_provider(provider: SentryApiProvider) -> pulumi.Input[str]:
    """What Pulumi would store as ``__provider``: the same text, computed once per state."""
    state = provider.__getstate__()
    known = _SERIALIZED.setdefault(type(provider), [])
    for seen, text in known:
        if seen == state:
            return text
    unwrap_pulumi_pickler()
    text, contains_secrets = pickle_provider(provider)
    if provider.serialize_as_secret_always or contains_secrets:
        # Never the case for sentry-iac's providers (they drop their token when pickled);
        # kept so a provider that did capture a secret is stored as one, and never cached.
        return pulumi.Output.secret(text)
    known.append((state, text))
    return text


class SentryResource(dyn.Resource):
    """A dynamic resource whose provider is a ``SentryApiProvider``."""

    def __init__(
        self, provider: SentryApiProvider, name: str, props: dict[str, Any],
        opts: pulumi.ResourceOptions | None = None, renamed_from: Sequence[str] = (),
    ) -> None:
        if PROVIDER_KEY in props:
            raise ValueError("A dynamic resource must not define the __provider key")
        props = {**props, PROVIDER_KEY: serialized_provider(provider)}
        if renamed_from:  # the project's earlier slugs: a rename updates, never replaces
            props[PREVIOUS_PROJECTS] = list(renamed_from)
        # dynamic.Resource.__init__ does only the pickling done above, then this.
        pulumi.CustomResource.__init__(
            self, f"{DYNAMIC_TYPE_PREFIX}{self._resource_type_name}", name, props, opts)
