"""Synthetic invoice PDFs with ground truth, for demos, tests and benchmarks."""

from invoice_gen.generator import GeneratedInvoice, generate_invoice, total_mismatch_warning
from invoice_gen.variants import Variant

__all__ = ["GeneratedInvoice", "Variant", "generate_invoice", "total_mismatch_warning"]
