"""Spec -> Pulumi resources. ``args`` holds the pure spec-to-inputs functions; the components
register resources with them."""
