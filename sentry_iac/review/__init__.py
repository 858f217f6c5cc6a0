"""Reviewing changes: the spec in plain English (``render``), a semantic diff between two
revisions (``diff``), GitHub annotations for ``validate`` and the JSON Schema for editors.

Reads only ``config`` and the pure ``resources.payloads.alert_rules`` (DESIGN.md §2): nothing
here imports Pulumi or talks to Sentry.
"""
