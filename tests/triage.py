"""The fixture organisation with issue owners and inbound filters added (to a copy: the fixture
itself stays as it is), for the tests of ownership and filters."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import copy_project

BACKEND = """\
    ownership:
      rules:
        - path: backend/**
          owners: [team: science-projects]
        - url: "*/admin/*"
          owners: [maintainer@example.org]
      fallthrough: false
      auto_assign: suspect-commits
      sync_code_owners: true
    inbound_filters:
      browser_extensions: true
      localhost: true
      web_crawlers: true
      health_checks: true
      ip_addresses: [10.0.0.1, 192.168.0.0/16]
"""
FRONTEND = """\
    ownership:
      rules:
        - path: frontend/**
          owners: [team: science-projects]
    inbound_filters:
      legacy_browsers: [internet-explorer, safari]
      react_hydration_errors: false
      error_messages: [ResizeObserver loop limit exceeded]
      releases: ["*-dev"]
"""
# The lines after which each project's blocks go (its hidden environments).
_BACKEND_AT = "    hidden_environments: [development]\n    code_mappings:                 #"
_FRONTEND_AT = "      scrub_ip_addresses: true\n    hidden_environments: [development]\n"


def add_triage(project: Path, backend: str = BACKEND, frontend: str = FRONTEND) -> Path:
    org = project / "org.yaml"
    text = org.read_text(encoding="utf-8")
    assert _BACKEND_AT in text and _FRONTEND_AT in text
    head, tail = text.split(_BACKEND_AT, 1)
    text = (head + "    hidden_environments: [development]\n" + backend
            + "    code_mappings:                 #" + tail)
    text = text.replace(_FRONTEND_AT, _FRONTEND_AT + frontend, 1)
    org.write_text(text, encoding="utf-8")
    return project


def triage_project(dest: Path, *, alerts: bool = True) -> Path:
    """A copy of the fixture organisation with ``BACKEND`` and ``FRONTEND`` added."""
    return add_triage(copy_project(dest, alerts=alerts))
