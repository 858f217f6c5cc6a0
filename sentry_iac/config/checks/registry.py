"""Every check, by its stable id (``family/name``), in the style of cloudflare/pint.

A cross-check is a small function registered with ``@check(id, description)``; it lives in the
module of its family (``ref/...`` in ``references.py``, ``dup/...`` in ``duplicates.py``...), so
the code behind an id printed in a message is found by searching for the id. The problems
found while files are read and validated (YAML, the models, stack and import files) are not
functions here, but their ids are listed in ``READING_CHECKS``, so ``all_checks`` enumerates
every id any message can carry.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sentry_iac.config.checks.context import CheckContext, Finding
from sentry_iac.config.errors import CHECK_ID, SpecError

CheckFunction = Callable[[CheckContext], Iterable[Finding]]

READING_CHECKS: dict[str, str] = {
    "file/unreadable": "a file is missing or cannot be read as UTF-8 text",
    "file/empty": "org.yaml or an alerts file is empty",
    "file/not-a-mapping": "org.yaml or an alerts file is not a mapping of keys",
    "file/project-name": "Pulumi.yaml does not name the Pulumi project",
    "file/no-stacks": "there is no Pulumi.<stack>.yaml",
    "file/yml-extension": "an alerts file ends in .yml instead of .yaml",
    "yaml/malformed": "the text is not YAML (or, in import/, not JSON)",
    "yaml/duplicate-key": "a mapping gives the same key twice",
    "yaml/several-documents": "a file holds more than one YAML document ('---')",
    "yaml/tag": "an explicit YAML tag (!Ref, !!binary...), which plain YAML does not need",
    "yaml/unreadable-value": "a value cannot be read as the type its spelling implies",
    "yaml/merge-key": "a merge key (<<) that is not given a mapping",
    "yaml/key-not-text": "a mapping key that is a list or mapping",
    "yaml/recursive-alias": "an alias inside the value it names",
    "yaml/alias-bomb": "aliases that add more than 100,000 values",
    "yaml/too-deep": "lists and mappings nested more than 64 levels",
    "schema/unknown-key": "a key the format does not have (a typo, or the wrong place)",
    "schema/missing-key": "a required key is missing",
    "schema/type": "a value of the wrong type (text for a number, a list for a mapping...)",
    "schema/choice": "a value that is not one of the allowed choices",
    "schema/range": "a number outside its allowed range",
    "schema/pattern": "a text that does not have the required form (slug, email...)",
    "schema/length": "a text or list that is too long or too short",
    "schema/invalid": "a value the format's own rules refuse (the message says why)",
    "schema/crontab": "a cron schedule that is not a crontab Sentry accepts",
    "schema/unknown-name": "a name that is not one of the known ones (platform, measure...)",
    "anomaly/window": "a rule with anomaly detection has a window other than 5m, 15m, 30m, 1h",
    "anomaly/thresholds": "a rule with anomaly detection also has fixed thresholds or a change",
    "anomaly/measure": "anomaly detection on a measure it does not take (release health, "
                       "is:unresolved)",
    "uptime/url": "an uptime URL Sentry refuses or cannot check (not http(s), no host, too "
                  "long, credentials in it)",
    "uptime/interval": "an uptime interval that is not one of Sentry's (1m 5m 10m 20m 30m 1h)",
    "uptime/timeout": "an uptime timeout outside Sentry's 1s to 60s",
    "uptime/header": "an uptime header that is not a header name, breaks the request, or "
                     "carries credentials",
    "uptime/body": "an uptime request body with a method that sends none (GET, HEAD, OPTIONS)",
    "stack/not-a-mapping": "a stack file, or its config:, is not a mapping",
    "stack/unknown-key": "a key of a stack file that nothing reads (a typo)",
    "stack/plain-token": "sentry:token is stored in plain text instead of as a secret",
    "stack/base-url": "sentry:baseUrl is not a safe https:// URL",
    "stack/alerts-backend": "alertsBackend is neither monitors nor legacy",
    "stack/allow-insecure-http": "allowInsecureHttp is not true or false",
    "import/not-a-list": "an import/ file is not an object with a list of resources",
    "import/adoption-entry": "an adoption entry lacks its type, name or id",
    "import/dynamic-resource": "pulumi import is asked to adopt a dynamic resource",
}


@dataclass(frozen=True)
class Check:
    """A registered check: its id, what it refuses (one line), and the function."""

    id: str
    description: str
    run: CheckFunction
    # Checks of the validated models that only make sense once nothing else is wrong.
    after_validation: bool

    def findings(self, context: CheckContext) -> list[SpecError]:
        return [f.source.error(f.path, f.message, check=self.id) for f in self.run(context)]


_REGISTERED: dict[str, Check] = {}


def check(check_id: str, description: str, *,
          after_validation: bool = False) -> Callable[[CheckFunction], CheckFunction]:
    """Register the decorated function as the check ``check_id``."""

    def register(function: CheckFunction) -> CheckFunction:
        if not CHECK_ID.match(check_id):
            raise ValueError(f"not a check id: {check_id!r}")
        if check_id in _REGISTERED or check_id in READING_CHECKS:
            raise ValueError(f"check id {check_id!r} is registered twice")
        _REGISTERED[check_id] = Check(check_id, description, function, after_validation)
        return function

    return register


def registered() -> list[Check]:
    """Every registered check, by id. Imports each module of this package first: a family
    module registers its checks when imported."""
    package = importlib.import_module(__package__ or "sentry_iac.config.checks")
    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    return [_REGISTERED[key] for key in sorted(_REGISTERED)]


def all_checks() -> dict[str, str]:
    """Every id any problem can carry -> its description, sorted by id."""
    found = {c.id: c.description for c in registered()} | READING_CHECKS
    return dict(sorted(found.items()))


def run_checks(context: CheckContext, *, after_validation: bool) -> list[SpecError]:
    """The problems of every registered check of one phase."""
    return [error for c in registered() if c.after_validation == after_validation
            for error in c.findings(context)]
