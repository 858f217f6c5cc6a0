"""Organisation rules that hold in every pull request, as named checks over a stack's resources.

One implementation, two entry points: ``sentry-iac validate`` runs them on the offline plan, and
the CrossGuard pack in ``policies/`` runs them under ``pulumi preview --policy-pack policies``.
"""
