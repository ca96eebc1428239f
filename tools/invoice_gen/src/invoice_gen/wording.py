"""The fixed phrases of an invoice page that are not field labels.

The classic generator prints these in English; a localised invoice picks its own.
Kept apart from the labels because every page (continuation pages, footers) uses
them, whichever fields it carries.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Wording:
    """Page furniture in one language; templates use str.format fields."""

    currency: str = "Currency"
    po_number: str = "PO Number"
    ship_to: str = "Ship To"
    # Continuation page headlines, indexed by Layout.continuation; {label} is the
    # invoice number label, {number} the invoice number.
    continued: tuple[str, str, str] = (
        "Invoice {number} (continued)",
        "{label} {number} - continued",
        "Continuation of invoice {number}",
    )
    page_of: str = "Page {page} of {pages}"
    brought_forward: str = "Brought forward"
    carried_forward: str = "Carried forward"
    continued_note: str = "Continued on next page"
    # What follows a label: French typography puts a space before the colon.
    colon: str = ":"


CLASSIC_WORDING = Wording()
