"""Rule tests: inputs played through the payloads a stack would send to Sentry, with Sentry's
own semantics (``sentry-iac test``).

``model`` reads ``rule-tests/*.yaml``; ``search`` and ``aggregate`` compute what a monitor's
data source measures; ``detector`` is a metric monitor's state; ``workflow`` is Sentry's
workflow engine (environments, triggers, action filters, frequency); ``timeline`` plays one
test; ``report`` compares it with what the test expects. Pulumi-free.
"""
