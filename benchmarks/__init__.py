"""Scale and cost measurements of sentry-iac on synthetic organisations.

``uv run python -m benchmarks`` (see ``benchmarks/__main__.py`` and docs/scale.md):
``generate`` writes organisations, ``measure`` times validate and plans against the bare SDK
(``floor``, ``floor_program``, run by ``worker`` in fresh processes), ``api_calls`` counts Sentry
API calls per deployment phase on the fake Sentry, and ``report`` prints the table.
"""
