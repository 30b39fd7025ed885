"""The only package that imports SpiffWorkflow: parse, check, serialize and run diagrams."""
