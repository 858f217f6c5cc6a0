"""Our configuration vocabulary: ``org.yaml``, ``alerts/*.yaml`` and the stack files, loaded with
line numbers (``yaml``), validated by pydantic models and cross-checked (``checks``), every problem
reported at once. Knows nothing of Pulumi or of Sentry's REST API."""
