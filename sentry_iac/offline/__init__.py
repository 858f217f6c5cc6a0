"""Runs the real program under Pulumi's mock engine: no CLI, no token, no network."""
