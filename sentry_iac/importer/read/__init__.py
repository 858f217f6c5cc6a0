"""Reading an organisation from Sentry: GET requests only, trimmed as they arrive."""
