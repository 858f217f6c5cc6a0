"""The ``sentry-iac`` command (``app.main``): argument parsing, output and exit codes; the work is
done by the packages it calls. Importing the package imports none of them, so ``review`` stays
free of Pulumi and the network."""
