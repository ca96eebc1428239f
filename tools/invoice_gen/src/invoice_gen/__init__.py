"""Synthetic invoice PDFs with ground truth, for demos, tests and benchmarks."""

from invoice_gen.generator import GeneratedInvoice, generate_invoice, total_mismatch_warning

__all__ = ["GeneratedInvoice", "generate_invoice", "total_mismatch_warning"]
