"""The host's REST API: its dependencies (`deps`) and one routes module per resource."""
