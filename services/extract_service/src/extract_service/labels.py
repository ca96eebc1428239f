"""Label synonyms: how invoices name their fields, independent of any one vendor.

A label matches at the start of a text segment. What follows it on the segment (after
an optional ':' '#' or '.') is the inline value, if any. Labels that are not fields
we extract ("Ship To", "PO Number", "Page 2 of 7" ...) are recognised too, so they
are never mistaken for a vendor name or a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Not followed by a word meaning "identifier", as in "Customer No." or "VAT Reg.".
_NOT_AN_ID = r"(?!\s*(?:no\b|no\.|nr\b|#|id\b|number|reg\b|reg\.|registration))"

# Most specific first: the first field whose pattern matches a segment wins.
_LABELS: tuple[tuple[str, str], ...] = (
    ("customer_name", rf"bill(?:ed)?\s+to|invoice\s+to|sold\s+to|(?:customer|client){_NOT_AN_ID}"),
    ("ship_to", r"ship(?:ped)?\s+to|deliver(?:y|ed)?\s+to"),
    ("vendor_name", rf"from|vendor{_NOT_AN_ID}|supplier{_NOT_AN_ID}|seller|sold\s+by|issued\s+by"),
    ("invoice_date", r"invoice\s+date|date\s+of\s+issue|issue\s+date|date\s+issued|date"),
    ("due_date", r"due\s+date|payment\s+due(?:\s+date)?|due\s+by|due"),
    (
        "invoice_number",
        r"invoice\s*(?:no\.?|nr\.?|number|num\.?|#)|inv\.?\s*(?:no\.?|#|number)"
        # "Invoice INV-123 (continued)": the word alone, followed by a code with a digit.
        r"|(?:continuation\s+of\s+)?invoice(?=\s+[\w\-/.]*\d)",
    ),
    ("currency", r"currency"),
    (
        "subtotal",
        r"sub-?\s?total|net\s+total|net\s+amount|total\s+(?:excl?\.?|excluding|before|net)"
        r"(?:\s+(?:of\s+)?(?:vat|tax|gst))?",
    ),
    (
        "tax",
        rf"(?:sales\s+|consumption\s+|goods\s+and\s+services\s+)?(?:tax|vat|gst|hst|pst)"
        rf"(?:\s+amount)?{_NOT_AN_ID}(?!\s+invoice)",
    ),
    (
        "total",
        r"grand\s+total|total\s+due|total\s+amount|invoice\s+total|amount\s+due|balance\s+due"
        r"|amount\s+payable|total\s+payable|total(?:\s+(?:incl?\.?|including)\s+(?:vat|tax|gst))?",
    ),
    (
        "other",
        r"p\.?\s?o\.?\s*(?:no\.?|number|#)|order\s+(?:no\.?|number|#)|reference|ref\.|"
        r"account(?:\s+(?:no\.?|number))?|payment\s+terms|terms|page\s+\d+\s+(?:of|/)\s+\d+|"
        r"(?:vat|tax|gst|business|registration|company)\s+(?:no\.?|number|id|reg\.?)|abn|"
        r"bank|iban|swift|bic|(?:balance\s+)?(?:brought|carried)\s+forward|"
        r"tel\.?|phone|fax|e-?mail|web(?:site)?",
    ),
)

# Optional qualifiers after a label: "(20%)", "(EUR)", "20%", "@ 8.25%".
_QUALIFIERS = r"(?:\s*\([^)]{0,24}\)|\s*@?\s*\d+(?:[.,]\d+)?\s*%)*"
_COMPILED = tuple(
    (
        field,
        re.compile(
            rf"(?:{pattern})(?![A-Za-z]){_QUALIFIERS}\s*(?P<sep>[:#]?)\s*(?P<rest>.*)",
            re.IGNORECASE,
        ),
    )
    for field, pattern in _LABELS
)

MONEY_FIELDS = ("subtotal", "tax", "total")
NAME_FIELDS = ("vendor_name", "customer_name")


@dataclass(frozen=True)
class LabelMatch:
    """A label found at the start of a segment."""

    field: str  # an InvoiceFields name, "ship_to" or "other"
    rest: str  # text after the label on the same segment ("" when alone)
    colon: bool  # whether ':' separated the label from `rest`


def match_label(text: str) -> LabelMatch | None:
    """The label `text` starts with, if any."""
    for field, pattern in _COMPILED:
        if match := pattern.match(text.strip()):
            return LabelMatch(field, match["rest"].strip(), match["sep"] == ":")
    return None
