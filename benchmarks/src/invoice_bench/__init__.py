"""Benchmark peers of the invoice workflow."""
