"""Contracts and Dapr names shared by the workflow host and the invoice services."""
