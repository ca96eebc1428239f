"""Comparing an extracted invoice with its ground truth, field by field (pure).

A truth file names the fields it knows; a field it gives as null must come out null
(an extractor must not invent what the document does not show). Fields the truth
leaves out are not scored. Names compare without case, spacing and punctuation
differences; amounts to the cent; dates exactly.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from invoice_shared.models import InvoiceFields

SCORED_FIELDS = tuple(InvoiceFields.model_fields)
_MONEY = {"subtotal", "tax", "total"}
_NAMES = {"vendor_name", "customer_name"}


@dataclass(frozen=True)
class Miss:
    document: str
    field: str
    expected: Any
    got: Any


def _name_key(value: str) -> str:
    folded = unicodedata.normalize("NFKC", value).casefold()
    return re.sub(r"[\W_]+", "", folded)


def _money(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None


def same(name: str, expected: Any, got: Any) -> bool:
    """Whether `got` is the truth's `expected` for field `name`."""
    if expected is None or got is None:
        return expected is None and got is None
    if name in _MONEY:
        return _money(expected) == _money(got)
    if name in _NAMES:
        return _name_key(str(expected)) == _name_key(str(got))
    if name == "invoice_number":
        return str(expected).strip().casefold() == str(got).strip().casefold()
    return str(expected).strip() == str(got).strip()


def _items_match(expected: list[dict[str, Any]], got: list[dict[str, Any]]) -> bool:
    if len(expected) != len(got):
        return False
    return all(
        _money(e.get("amount")) == _money(g.get("amount"))
        and _money(e.get("unit_price")) == _money(g.get("unit_price"))
        for e, g in zip(expected, got, strict=True)
    )


@dataclass
class Scores:
    """Running totals over a corpus."""

    right: Counter[str] = field(default_factory=Counter)
    scored: Counter[str] = field(default_factory=Counter)
    misses: list[Miss] = field(default_factory=list)
    documents: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (document, why)

    def add(self, document: str, truth: dict[str, Any], got: dict[str, Any]) -> None:
        self.documents += 1
        for name in SCORED_FIELDS:
            if name not in truth:
                continue
            self.scored[name] += 1
            if same(name, truth[name], got.get(name)):
                self.right[name] += 1
            else:
                self.misses.append(Miss(document, name, truth[name], got.get(name)))
        if "line_items" in truth:
            self.scored["line_items"] += 1
            if _items_match(truth["line_items"], got.get("line_items") or []):
                self.right["line_items"] += 1
            else:
                shown = f"{len(got.get('line_items') or [])} items"
                self.misses.append(
                    Miss(document, "line_items", f"{len(truth['line_items'])} items", shown)
                )

    def add_failure(self, document: str, why: str) -> None:
        """A document the pipeline refused: every field it should have had is a miss."""
        self.documents += 1
        self.failed.append((document, why))

    def accuracy(self, name: str | None = None) -> float:
        """Right / scored for one field, or over every header and totals field."""
        names = [name] if name else list(SCORED_FIELDS)
        scored = sum(self.scored[n] for n in names)
        return sum(self.right[n] for n in names) / scored if scored else 0.0
