"""Reviewing changes: the spec in plain English (``render``), a semantic diff between two
revisions (``diff``), GitHub annotations for ``validate`` and the JSON Schema for editors.

Reads only ``config`` (DESIGN.md §2): nothing here imports Pulumi or talks to Sentry.
"""
