"""Line items: table rows whose numbers multiply out.

A row is a line item when three of its numeric cells satisfy
quantity x unit price = amount (to the amount's printed precision), possibly less a
discount percentage printed between them. The amount is the last numeric cell or one
of the two before it (VAT rate and VAT amount columns); quantity and unit price are
the two before it, or the first cell of the row and the one before the amount (tables
that put Qty first). Which of the two is the quantity comes from the table heading
when there is one, otherwise from how they are printed (prices carry two decimals,
quantities rarely do). Quantities may carry their unit ("8 Unit(s)", "1 PCS").
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
        r"unidades|horas|quantita|qta\.?|q\.ta|quant\.?|ore|quantidade|qtd\.?|qt\.?",
    ),
    (
        "price",
        r"unit\s+price|price|rate|unit\s+cost|cost|each|price\s*/\s*unit|"
        r"(?:einzel|stuck)?\s*-?\s*preis|e-?preis|ep|prix(?:\s+unitaire)?|p\.?\s?u\.?|tarif|"
        r"(?:stuk)?prijs|eenheidsprijs|tarief|precio(?:\s+unitario)?|precio\s*/\s*u(?:d)?\.?|"
        r"prezzo(?:\s+unitario)?|p\.?\s?unit(?:ario|\.)?|preco(?:\s+unit(?:ario|\.))?|valor\s+unit\.?",
    ),
    (
        "amount",
        r"amount|line\s+total|total|net\s+amount|ext(?:ended)?\.?\s+price|sum|"
        r"betrag|gesamt(?:preis|betrag)?|summe|montant|total\s+ligne|bedrag|totaal|"
        r"importe|total\s+linea|importo|totale|montante|valor|subtotal|zwischensumme|total\s+price|"
        r"prezzo\s+totale|precio\s+total|prix\s+total|preco\s+total|totaalprijs",
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
        r"(?:invoice|line)\s+items?|"
        r"(?:artikel)?\s*-?\s*beschreibung|bezeichnung|leistung|artikel|designation|libelle|"
        r"prestation|produit|omschrijving|artikel|dienst|descripcion|concepto|producto|"
        r"descrizione|prodotto|articolo|descricao|designacao|produto|servico",
    ),
    (
        # Columns we do not read but know for a table's: dates, periods, currencies.
        "note",
        r"(?:from|to|start|end|service)?\s*date|datum|fecha|data|periode|period|periodo|"
        r"zeitraum|currency|wahrung|devise|moneda|valuta",
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


def _column_roles(cells: Sequence[str]) -> tuple[str, ...] | None:
    """Each cell's role, if every cell reads as a column heading (a few unknown)."""
    roles = []
    for cell in cells:
        text = fold(cell.strip())
        role = next((r for r, p in _HEADING_PATTERNS if p.fullmatch(text)), None)
        if role is None and (any(ch.isdigit() for ch in text) or len(text) > 24):
            return None  # a value, or a sentence: not a heading
        roles.append(role or "other")
    return tuple(roles) if roles.count("other") <= _MAX_OTHER_COLUMNS else None


def is_column_heading(text: str) -> bool:
    """Whether `text` is one of the column headings line-item tables use."""
    folded = fold(text.strip())
    return any(pattern.fullmatch(folded) for _, pattern in _HEADING_PATTERNS)


def heading_roles(cells: Sequence[str]) -> tuple[str, ...] | None:
    """Column roles if `cells` read as a line-item table heading, else None."""
    roles = _column_roles(cells)
    known = [role for role in roles or () if role != "other"]
    if len(known) >= 3 and "amount" in known and ("qty" in known or "price" in known):
        return roles
    return None


def amount_columns(cells: Sequence[str]) -> list[int]:
    """The money columns of a heading with descriptions and no unit prices ("Produit |
    Description | Taxes | Prix", "Descrizione | Importo | IVA | Totale", "Description |
    Quantity | Amount"): a table listing each line's amount, perhaps with a quantity,
    but nothing to multiply (net, and perhaps gross)."""
    roles = _column_roles(cells)
    if roles is None or "desc" not in roles or ("qty" in roles and "price" in roles):
        return []
    return [index for index, role in enumerate(roles) if role in ("amount", "price")]


def quantity_column(cells: Sequence[str]) -> int | None:
    """The quantity column of such a heading, if it has one."""
    roles = _column_roles(cells) or ()
    return roles.index("qty") if "qty" in roles else None


def amount_row(
    cells: Sequence[str], column: int, mark: str | None, quantity: int | None = None
) -> LineItem | None:
    """A line printing its amount (cell `column`) after a description, and perhaps its
    quantity (cell `quantity`), or None. A credit line is negative ("Prepayment
    -1,000.00"); a line of zero is left out (headings of groups print 0.00)."""
    amount = parse_money(cells[column], mark) if column < len(cells) else None
    if amount is None or amount == 0:
        return None
    count = parse_money(cells[quantity], mark) if quantity is not None else None
    if count is not None and count <= 0:
        return None
    words = [cell for index, cell in enumerate(cells) if index not in (column, quantity)]
    description = " ".join(cell for cell in words if _number_cell(cell, mark) is None)
    if not any(ch.isalpha() for ch in description):
        return None
    return LineItem(description=description.strip(), quantity=count, amount=amount)


def _multiplies_out(
    quantity: Decimal, price: Decimal, amount: Decimal, places: tuple[int, int, int]
) -> bool:
    """Whether quantity x price gives the amount as printed: within half a unit of the
    amount's last digit (or a cent, for invoices that truncate), and within what the
    factors' own rounding allows: a unit price printed to the cent from a finer one is
    off by up to half a cent a unit ("10 x 2,62 = 26,21"; at most 0.5% of the amount)."""
    a_places, b_places, amount_places = places
    tolerance = Decimal("0.5") if amount_places == 0 else Decimal("0.01")
    rounding = min(abs(quantity) * _half_unit(b_places), abs(price) * _half_unit(a_places))
    tolerance += min(rounding, abs(amount) * _ROUNDING_SHARE)
    return abs(quantity * price - amount) <= tolerance


# The most the factors' rounding may account for, as a share of the amount.
_ROUNDING_SHARE = Decimal("0.005")


def _half_unit(places: int) -> Decimal:
    """Half a unit of the last digit of a number printed with `places` decimals."""
    return Decimal(5).scaleb(-places - 1)


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


def _description(cells: Sequence[str], used: set[int], mark: str | None) -> str:
    # Numbers the row's arithmetic did not use (a VAT rate, a discount, a numeric item
    # code) are columns of their own, not part of the description.
    parts = [
        cell
        for index, cell in enumerate(cells)
        if index not in used
        and _number_cell(cell, mark) is None
        and not re.fullmatch(_TAX_CODE, cell.strip())
    ]
    # A leading code cell is only dropped when a description cell follows it.
    if len(parts) >= 2 and _ITEM_CODE.fullmatch(parts[0]):
        parts = parts[1:]
    return " ".join(parts).strip()


# Units a quantity is printed with, in the languages we read (folded: no case, accents).
_UNITS = (
    r"pcs?|pieces?|pz|pzs|pezzi|st|stk|stuck|units?|unit\(s\)|u|ud|uds|un|unid|unidades|"
    r"h|hr|hrs|hours?|std|stunden|m|m2|m3|meters?|metres?|meter\(s\)|kg|g|l|lt|liters?|"
    r"litres?|liter\(s\)|box|boxes|conf|confezion[ei]|cartone|cartoni|ct|pack|pk|sets?|ea|"
    r"each|tage?|days?|jours?|dias?|giorni|months?|monate?|mois|meses?|mesi|stuks?|x|"
    r"paquets?|cajas?|bottles?|flaschen?|fl|pauschal|forfait|lot"
)
# A quantity printed with its unit: "8 Unit(s)", "1 PCS", "2,5 Std.", "120confezione".
_QUANTITY_WITH_UNIT = re.compile(rf"(\d[\d.,]*)\s?(?:{_UNITS})\.?", re.IGNORECASE)
# ... and glued to the unit price in one cell: "120confezione€ 2,500".
_QUANTITY_AND_PRICE = re.compile(
    rf"(\d[\d.,]*\s?(?:{_UNITS})\.?)\s?(\S?\s?\d[\d.,]*\s?\S?)", re.IGNORECASE
)
_PERCENT = re.compile(r"(\d{1,2}(?:[.,]\d{1,2})?)\s?%")
# A tax rate's code: "TVA 20%", "VAT 7.5 %", "IVA 21%".
_TAX_CODE = (
    r"(?i:tva|vat|iva|btw|mwst|ust|gst|hst|tax|igic|taxes?)\.?\s*\d{1,2}(?:[.,]\d{1,2})?\s?%"
)
_PRICE_AND_TAX_CODE = re.compile(rf"(\d[\d.,]*)\s+({_TAX_CODE})")


def _number_cell(cell: str, mark: str | None) -> Decimal | None:
    """An amount, a quantity with its unit, or a percentage; None for anything else."""
    if (value := parse_money(cell, mark)) is not None:
        return value
    text = cell.strip()
    if (unit := _QUANTITY_WITH_UNIT.fullmatch(fold(text))) is not None:
        return parse_money(unit.group(1), mark)
    if (rate := _PERCENT.fullmatch(text)) is not None:
        return parse_money(rate.group(1), mark)
    return None


def _split_tax_codes(cells: Sequence[str], mark: str | None) -> list[str]:
    """A price printed one space before its tax code ("100.00 TVA 20%") as two cells,
    under a heading that merged theirs too ("Unit Price Taxes")."""
    out: list[str] = []
    for cell in cells:
        coded = _PRICE_AND_TAX_CODE.fullmatch(cell.strip())
        if coded is not None and parse_money(coded.group(1), mark) is not None:
            out += [coded.group(1), coded.group(2)]
        else:
            out.append(cell)
    return out


def _split_cells(cells: Sequence[str], mark: str | None) -> list[str]:
    """Cells as columns: a quantity glued to the price after it becomes two cells."""
    out: list[str] = []
    for cell in cells:
        glued = _QUANTITY_AND_PRICE.fullmatch(fold(cell.strip()))
        if glued and parse_money(cell, mark) is None:
            quantity, price = glued.groups()
            if _number_cell(quantity, mark) is not None and parse_money(price, mark) is not None:
                out += [quantity, price]
                continue
        out.append(cell)
    return out


def _pairs(before: Sequence[int]) -> list[tuple[int, int]]:
    """Quantity/price positions to try before an amount: the two nearest it, else the
    first cell with the nearest (Qty first), else any two, nearest first."""
    if len(before) < 2:
        return []
    pairs = [(before[-2], before[-1])]
    if before[0] == 0 and len(before) > 2:
        pairs.append((0, before[-1]))
    recent = before[-5:]
    pairs += [
        (recent[i], recent[j])
        for i in range(len(recent) - 1, -1, -1)
        for j in range(len(recent) - 1, i, -1)
        if (recent[i], recent[j]) not in pairs
    ]
    return pairs


def _priced(
    a: Decimal, b: Decimal, amount: Decimal, factors: tuple[str, str], discount: int | None
) -> bool:
    """Positive quantity, price and amount; or a line of zero: given free (1 x 0.00) or
    not taken (0 x 3.50), neither factor a rate ("TVA 21 % 0,00 0,00" is no line)."""
    if amount > 0:
        return a > 0 and b > 0
    return (
        amount == 0
        and discount is None
        and min(a, b) == 0
        and max(a, b) > 0
        and not any("%" in factor for factor in factors)
    )


def parse_item_row(
    cells: Sequence[str], roles: tuple[str, ...] | None, mark: str | None
) -> LineItem | None:
    """A line item from one row's cells, or None when no three numbers multiply out.

    The amount is the last number, or one of the two before it (a VAT rate and a VAT
    amount may follow it); quantity x price must give it, either outright or after a
    discount percentage printed between the price and the amount. A quantity printed
    one space before the description ("2 Formation Deep Learning", "1.00 Repair") is
    tried apart from it when nothing else multiplies out.
    """
    item = _item_from_cells(cells, roles, mark)
    if item is not None:
        return item
    counted, count_at = _split_leading_counts(cells)
    if count_at is None:
        return None
    return _item_from_cells(counted, None, mark, (count_at, counted[count_at]))


# A small count glued to the words after it: "2 Formation Deep Learning", "1.00 STRO".
# A count with decimals is printed with a fixed two or three ("1.00"): "5.5 kW Motor" is
# a description.
_LEADING_COUNT = re.compile(r"(\d{1,4}(?:[.,]\d{2,3})?)\s+([^\W\d_].*)")


def _split_leading_counts(cells: Sequence[str]) -> tuple[list[str], int | None]:
    """The cells with each count split from its words, and where the first count is."""
    out: list[str] = []
    first: int | None = None
    for cell in cells:
        glued = _LEADING_COUNT.fullmatch(cell.strip())
        if glued and first is None:
            first = len(out)
        out += list(glued.groups()) if glued else [cell]
    return out, first


def _item_from_cells(
    cells: Sequence[str],
    roles: tuple[str, ...] | None,
    mark: str | None,
    count: tuple[int, str] | None = None,
) -> LineItem | None:
    """See parse_item_row; `count` (where, and its text) is a count split from its
    description: a quantity whatever its digits."""
    cells = _split_tax_codes(cells, mark)
    if roles is None or len(cells) != len(roles):
        cells = _split_cells(cells, mark)
    # The splits above may have put cells before the count: find it again.
    count_at = (
        next((i for i in range(count[0], len(cells)) if cells[i] == count[1]), None)
        if count is not None
        else None
    )
    values = [_number_cell(cell, mark) for cell in cells]
    numeric = [index for index, value in enumerate(values) if value is not None]
    if len(numeric) < 3:
        return None
    amounts = numeric[::-1][:3]
    tries: list[tuple[int, tuple[int, int], int | None]] = [
        (last, pair, None) for last in amounts for pair in _pairs(numeric[: numeric.index(last)])
    ]
    tries += [
        (last, (first, second), discount)
        for last, (first, second), _ in tries
        for discount in numeric
        if second < discount < last
    ]
    for last, (first, second), discount in tries:
        a, b, amount = values[first], values[second], values[last]
        if a is None or b is None or amount is None:
            continue
        if not _priced(a, b, amount, (cells[first], cells[second]), discount):
            continue
        if discount is not None:
            rate = values[discount]
            if rate is None or not 0 < rate < 100:
                continue
            a = a * (100 - rate) / 100
        places = (
            fraction_digits(cells[first], mark),
            fraction_digits(cells[second], mark),
            fraction_digits(cells[last], mark),
        )
        if not _multiplies_out(a, b, amount, places):
            continue
        used = {first, second, last} | ({discount} if discount is not None else set())
        description = _description(cells, used, mark)
        if not any(ch.isalpha() for ch in description):
            continue
        quantity, price = values[first], values[second]
        assert quantity is not None and price is not None
        if first != count_at and (
            second == count_at or not _quantity_first(roles, cells[first], cells[second], mark)
        ):
            quantity, price = price, quantity
        return LineItem(description=description, quantity=quantity, unit_price=price, amount=amount)
    return None


def looks_like_item_row(cells: Sequence[str], mark: str | None) -> bool:
    """Whether a row has enough numbers to be a line item at all."""
    return sum(_number_cell(cell, mark) is not None for cell in cells) >= 3
