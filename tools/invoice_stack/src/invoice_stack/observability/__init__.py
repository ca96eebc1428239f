"""Monitoring assets of the stack: the Prometheus configuration that scrapes it."""
