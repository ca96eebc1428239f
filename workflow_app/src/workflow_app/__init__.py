"""workflow_app."""
