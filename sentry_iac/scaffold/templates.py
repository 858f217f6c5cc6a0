"""The scaffold's templates (``templates/*.tmpl``, shipped in the wheel) and their filling.

A template marks a value as ``@name@``: neither ``$`` (the workflows' ``${{ }}``) nor braces
(TOML, YAML flow mappings) can stand for it. Every marker must be filled, and every value used.
"""

from __future__ import annotations

import re
from importlib import resources

MARKER = re.compile(r"@([a-z_]+)@")


class TemplateError(KeyError):
    """A template and its values disagree: a bug in the scaffold, never the user's input."""


def template(name: str) -> str:
    """The text of ``templates/<name>.tmpl``."""
    return (resources.files("sentry_iac.scaffold") / "templates" / f"{name}.tmpl").read_text(
        encoding="utf-8")


def fill(name: str, **values: str) -> str:
    """``templates/<name>.tmpl`` with each ``@key@`` replaced by ``values[key]``."""
    text = template(name)
    wanted = set(MARKER.findall(text))
    if wanted != set(values):
        raise TemplateError(f"{name}: markers {sorted(wanted)}, values {sorted(values)}")
    return MARKER.sub(lambda match: values[match.group(1)], text)
