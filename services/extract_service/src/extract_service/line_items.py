"""Line items: table rows whose numbers multiply out.

A row is a line item when three of its numeric cells satisfy
quantity x unit price = amount (to the amount's printed precision). The amount is
the last numeric cell; quantity and unit price are the two before it, or the first
cell of the row and the one before the amount (tables that put Qty first). Which of
the two is the quantity comes from the table heading when there is one, otherwise
from how they are printed (prices carry two decimals, quantities rarely do).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from extract_service.labels import fold
from extract_service.numbers import fraction_digits, parse_money
from invoice_shared.models import LineItem

# Column headings in English, German, French, Dutch, Spanish, Italian and Portuguese
# (matched without case or accents: see labels.fold).
_HEADINGS: tuple[tuple[str, str], ...] = (
    (
        "qty",
        r"qty|quantity|hours|hrs|units?|pcs|no\.?\s+of\s+units|menge|anzahl|anz\.?|stk\.?|"
        r"stuck|std\.?|stunden|qte\.?|quantite|nombre|nb|aantal|uren|cantidad|cant\.?|uds?\.?|"
        r"unidades|horas|quantita|qta\.?|q\.ta|ore|quantidade|qtd\.?|qt\.?",
    ),
    (
        "price",
        r"unit\s+price|price|rate|unit\s+cost|cost|each|price\s*/\s*unit|"
        r"(?:einzel|stuck)?\s*-?\s*preis|e-?preis|ep|prix(?:\s+unitaire)?|p\.?\s?u\.?|tarif|"
        r"(?:stuk)?prijs|eenheidsprijs|tarief|precio(?:\s+unitario)?|precio\s*/\s*u(?:d)?\.?|"
        r"prezzo(?:\s+unitario)?|p\.?\s?unit\.?|preco(?:\s+unit(?:ario|\.))?|valor\s+unit\.?",
    ),
    (
        "amount",
        r"amount|line\s+total|total|net\s+amount|ext(?:ended)?\.?\s+price|sum|"
        r"betrag|gesamt(?:preis|betrag)?|summe|montant|total\s+ligne|bedrag|totaal|"
        r"importe|total\s+linea|importo|totale|montante|valor|subtotal",
    ),
    (
        "code",
        r"sku|code|item\s*(?:no\.?|#|code)|part\s*(?:no\.?|#)|art(?:icle)?\.?\s*no\.?|"
        r"art\.?\s*-?\s*nr\.?|artikel(?:nummer|nr\.?)?|pos\.?|position|ref\.?|reference|"
        r"artikelcode|codigo|articulo|cod\.?|codice|linea|line|lijn|nr\.?|n[°º]",
    ),
    (
        "desc",
        r"(?:item\s+)?description|details|services?|products?|items?|particulars|article|"
        r"(?:artikel)?\s*-?\s*beschreibung|bezeichnung|leistung|artikel|designation|libelle|"
        r"prestation|produit|omschrijving|artikel|dienst|descripcion|concepto|producto|"
        r"descrizione|prodotto|articolo|descricao|designacao|produto|servico",
    ),
)
# "Montant HT", "Prix (EUR)", "Betrag netto", "Total €": a heading and its qualifier.
_QUALIFIER = (
    r"(?:\s*\([^)]{0,12}\)|\s+(?:h\.?\s?t\.?|t\.?t\.?c\.?|netto|brutto|net|gross|excl\.?|incl\.?|"
    r"exkl\.?|inkl\.?|eur|chf|usd|gbp|€|\$|£|%))*"
)
_HEADING_PATTERNS = tuple(
    (role, re.compile(rf"(?:{pattern}){_QUALIFIER}\s*:?", re.IGNORECASE))
    for role, pattern in _HEADINGS
)
# A heading may have a few columns we do not read (discount, VAT rate, vintage).
_MAX_OTHER_COLUMNS = 2
# An item code printed in its own cell: letters and digits such as SKU-1042 or HW220.
_ITEM_CODE = re.compile(r"[A-Z]{1,5}[-/]?\d{1,8}(?:[-/][A-Z0-9]{1,6})?")
NUMERIC_ROLES = ("qty", "price", "amount")


def heading_roles(cells: Sequence[str]) -> tuple[str, ...] | None:
    """Column roles if `cells` read as a line-item table heading, else None."""
    roles = []
    for cell in cells:
        text = fold(cell.strip())
        role = next((r for r, p in _HEADING_PATTERNS if p.fullmatch(text)), None)
        if role is None and (any(ch.isdigit() for ch in text) or len(text) > 24):
            return None  # a value, or a sentence: not a heading
        roles.append(role or "other")
    known = [role for role in roles if role != "other"]
    if roles.count("other") > _MAX_OTHER_COLUMNS:
        return None
    if len(known) >= 3 and "amount" in known and ("qty" in known or "price" in known):
        return tuple(roles)
    return None


def _multiplies_out(quantity: Decimal, price: Decimal, amount: Decimal, places: int) -> bool:
    # Half a unit of the last printed digit, plus slack for invoices that truncate.
    tolerance = Decimal("0.5") if places == 0 else Decimal("0.01")
    return abs(quantity * price - amount) <= tolerance


def _quantity_first(
    roles: tuple[str, ...] | None, first: str, second: str, mark: str | None
) -> bool:
    numeric = [role for role in roles or () if role in NUMERIC_ROLES]
    if "qty" in numeric and "price" in numeric:
        return numeric.index("qty") < numeric.index("price")
    # No heading to go by: prices are printed with cents, quantities usually are not.
    first_money = fraction_digits(first, mark) == 2
    second_money = fraction_digits(second, mark) == 2
    return not (first_money and not second_money)


def _description(cells: Sequence[str], used: set[int]) -> str:
    parts = [cell for index, cell in enumerate(cells) if index not in used]
    # A leading code cell is only dropped when a description cell follows it.
    if len(parts) >= 2 and _ITEM_CODE.fullmatch(parts[0]):
        parts = parts[1:]
    return " ".join(parts).strip()


def parse_item_row(
    cells: Sequence[str], roles: tuple[str, ...] | None, mark: str | None
) -> LineItem | None:
    """A line item from one row's cells, or None when no three numbers multiply out."""
    values = [parse_money(cell, mark) for cell in cells]
    numeric = [index for index, value in enumerate(values) if value is not None]
    if len(numeric) < 3:
        return None
    # The amount is the last number; quantity and price the two before it, else the
    # first cell and the one before the amount (Qty first), else any two before it
    # (tables with discount or VAT-rate columns between them), nearest first.
    last = numeric[-1]
    candidates = [tuple(numeric[-3:])]
    if numeric[0] == 0 and len(numeric) > 3:
        candidates.append((0, numeric[-2], last))
    earlier = numeric[:-1][-5:]
    candidates += [
        (earlier[i], earlier[j], last)
        for i in range(len(earlier) - 1, -1, -1)
        for j in range(len(earlier) - 1, i, -1)
        if (earlier[i], earlier[j], last) not in candidates
    ]
    for first, second, last in candidates:
        a, b, amount = values[first], values[second], values[last]
        if a is None or b is None or amount is None or min(a, b, amount) <= 0:
            continue
        if not _multiplies_out(a, b, amount, fraction_digits(cells[last], mark)):
            continue
        description = _description(cells, {first, second, last})
        if not any(ch.isalpha() for ch in description):
            continue
        if _quantity_first(roles, cells[first], cells[second], mark):
            quantity, price = a, b
        else:
            quantity, price = b, a
        return LineItem(description=description, quantity=quantity, unit_price=price, amount=amount)
    return None


def looks_like_item_row(cells: Sequence[str], mark: str | None) -> bool:
    """Whether a row has enough numbers to be a line item at all."""
    return sum(parse_money(cell, mark) is not None for cell in cells) >= 3
