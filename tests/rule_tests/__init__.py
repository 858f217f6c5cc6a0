"""Rule-test files used by tests/test_rule_tests.py: cases that pass on what the YAML means
but fail on what Sentry does."""
