"""Checks of a whole configuration: model errors in words, and cross-checks that span objects and
files, each reported at the key it is about."""
