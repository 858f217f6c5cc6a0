"""Scale and cost measurements of sentry-iac on synthetic organisations.

``uv run python -m benchmarks`` (see ``benchmarks/__main__.py`` and docs/scale.md):
``generate`` writes organisations, ``measure`` times ``sentry-iac validate`` and ``plan`` as
whole processes (``processes``) against two floors, the bare SDK registering the same resources
(``floor``, ``floor_program``, run by ``floor_run``), and the configuration checks alone
(``worker``); ``api_calls`` counts Sentry API calls per deployment phase on the fake Sentry, and
``report`` prints the table.
"""
