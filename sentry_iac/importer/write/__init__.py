"""Writing the imported project: YAML, the files Pulumi adopts with, and the report."""
