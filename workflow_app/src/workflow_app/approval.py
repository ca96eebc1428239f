"""When an invoice needs a person's approval (pure)."""

from __future__ import annotations

from decimal import Decimal

from invoice_shared.models import AggregatedInvoice


def approval_reason(
    invoice: AggregatedInvoice, threshold: Decimal | None, on_warnings: bool
) -> str | None:
    """Why `invoice` needs approval, or None when it can be approved automatically."""
    reasons = []
    if threshold is not None and (invoice.total is None or invoice.total > threshold):
        shown = "unknown" if invoice.total is None else f"{invoice.total:.2f}"
        reasons.append(f"total {shown} exceeds the approval threshold {threshold:.2f}")
    if on_warnings and invoice.warnings:
        reasons.append(f"aggregation reported {len(invoice.warnings)} warning(s)")
    return "; ".join(reasons) or None
