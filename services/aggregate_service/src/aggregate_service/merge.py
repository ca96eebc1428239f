"""Merge what each page says into one invoice, and say where the pages disagree.

Rules:
* pages are taken in page-number order;
* a header field (number, dates, parties, currency) takes the value most pages
  show, the earliest page winning a tie; disagreement becomes a warning; a party's
  name that begins another page's ("Enel", "Enel Energia S.p.A.") votes for the
  fuller one;
* the total comes from the last page that shows one, since the totals block closes
  an invoice, and so do subtotal and tax when that page shows both; when it does not,
  they come from the last page whose own subtotal and tax add up to that total (a
  summary page, not a later page of worked examples), else each from the last page
  that shows it; but a last total alone that is an earlier summary's subtotal (detail
  pages summing the net) leaves the invoice's totals to that summary;
* line items are concatenated in page order, except a page that repeats an earlier
  page's line items and totals (a duplicate copy printed into the same PDF, as
  "ORIGINAL" and "DUPLICADO"; at least one of its totals shown): its items count once,
  with a warning;
* a value read from the PDF's embedded e-invoice (source "embedded_xml") is taken
  over what the pages' text says, and so are its line items (the whole document's);
  the extract service has already warned where the page disagrees with it;
* warnings are added for arithmetic that does not add up, required fields that no
  page shows, and anything a page itself warned about (prefixed "Page N: ").
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from invoice_shared.models import AggregatedInvoice, LineItem, PageExtraction
from invoice_shared.party_names import name_key, same_party

HEADER_FIELDS = (
    "invoice_number",
    "invoice_date",
    "due_date",
    "vendor_name",
    "customer_name",
    "currency",
)
TOTAL_FIELDS = ("subtotal", "tax", "total")
REQUIRED_FIELDS = ("invoice_number", "invoice_date", "vendor_name", "currency", "total")
FIELD_NAMES = {
    "invoice_number": "invoice number",
    "invoice_date": "invoice date",
    "due_date": "due date",
    "vendor_name": "vendor name",
    "customer_name": "customer name",
    "currency": "currency",
    "total": "total",
}
# One cent of slack for a printed sum; line sums allow a cent per line for invoices
# that round each amount after adding.
CENT = Decimal("0.01")
# The most confidence an amount keeps when the invoice's arithmetic does not add up.
DOUBTFUL = 0.5


def total_mismatch_warning(subtotal: Decimal, tax: Decimal, total: Decimal) -> str:
    """The warning for subtotal + tax differing from the total.

    invoice_gen reproduces this sentence for its deliberately inconsistent invoices;
    the round-trip tests keep the two identical.
    """
    return (
        f"Subtotal {subtotal:.2f} plus tax {tax:.2f} is {subtotal + tax:.2f}, "
        f"but the invoice total is {total:.2f}."
    )


def aggregate(invoice_id: str, pages: list[PageExtraction]) -> AggregatedInvoice:
    """One invoice from its pages' extractions; see the module docstring for rules."""
    if not pages:
        raise ValueError("an invoice needs at least one page")
    ordered = sorted(pages, key=lambda page: page.page_number)
    warnings = [*_numbering_warnings(ordered), *_ownership_warnings(invoice_id, ordered)]
    warnings += [
        f"Page {page.page_number}: {warning}" for page in ordered for warning in page.warnings
    ]
    structured = _embedded("line_items", ordered)
    copies = _copies(ordered) if structured is None else {}
    warnings += [
        f"Page {ordered[later].page_number} repeats the line items and totals of page "
        f"{ordered[earlier].page_number} (a copy): they are counted once."
        for later, earlier in copies.items()
    ]
    values: dict[str, Any] = {}
    for name in HEADER_FIELDS:
        values[name], conflict = _agreed_value(name, ordered)
        if conflict and _embedded(name, ordered) is None:
            warnings.append(conflict)
    values.update(_totals(ordered))
    for name in (*HEADER_FIELDS, *TOTAL_FIELDS):
        if (page := _embedded(name, ordered)) is not None:
            values[name] = getattr(page, name)
            warnings += _contradictions(name, values[name], page, ordered)
    line_items = (
        list(structured.line_items)
        if structured is not None
        else [
            item
            for index, page in enumerate(ordered)
            if index not in copies
            for item in page.line_items
        ]
    )
    warnings += [
        f"No page shows the {FIELD_NAMES[name]}."
        for name in REQUIRED_FIELDS
        if values[name] is None
    ]
    arithmetic = _arithmetic_warnings(values, line_items)
    warnings += arithmetic
    confidence, source = _evidence(values, ordered, doubtful_totals=bool(arithmetic))
    return AggregatedInvoice(
        invoice_id=invoice_id,
        line_items=line_items,
        page_count=len(ordered),
        warnings=warnings,
        confidence=confidence,
        source=source,
        **values,
    )


def _copies(pages: Sequence[PageExtraction]) -> dict[int, int]:
    """Pages (by index) that repeat an earlier page of another number: the same line
    items and the same subtotal, tax and total, one of them at least shown; each with
    the index of the page it repeats. A page extracted twice under one number is a
    numbering warning instead."""
    first: dict[tuple[Any, ...], int] = {}
    copies: dict[int, int] = {}
    for index, page in enumerate(pages):
        totals = (page.subtotal, page.tax, page.total)
        if not page.line_items or totals == (None, None, None):
            continue
        key = (tuple(page.line_items), *totals)
        earlier = first.setdefault(key, index)
        if earlier != index and pages[earlier].page_number != page.page_number:
            copies[index] = earlier
    return copies


def _totals(pages: Sequence[PageExtraction]) -> dict[str, Decimal | None]:
    last = {
        name: next(
            (value for page in reversed(pages) if (value := getattr(page, name)) is not None),
            None,
        )
        for name in TOTAL_FIELDS
    }
    total = last["total"]
    closing = next((page for page in reversed(pages) if page.total is not None), None)
    if closing is not None and (summary := _summary_of_net(pages, closing)) is not None:
        return {name: getattr(summary, name) for name in TOTAL_FIELDS}
    if total is None or closing is None or None not in (closing.subtotal, closing.tax):
        return last  # the page with the total shows its own subtotal and tax
    adding_up = (
        page
        for page in reversed(pages)
        if page.subtotal is not None
        and page.tax is not None
        and abs(page.subtotal + page.tax - total) <= CENT
    )
    if (summary := next(adding_up, None)) is not None:
        return last | {"subtotal": summary.subtotal, "tax": summary.tax}
    return last


def _summary_of_net(
    pages: Sequence[PageExtraction], closing: PageExtraction
) -> PageExtraction | None:
    """An earlier page whose subtotal, tax and total add up, with `closing`'s lone total
    (no tax, no other subtotal) as its subtotal: the detail pages after a summary sum
    the net ("Summe Grundpreise 50,37" after "Summe 50,37 / USt. 9,57 /
    Rechnungsbetrag 59,94"), not the invoice."""
    if closing.tax is not None or closing.total is None:
        return None
    if closing.subtotal is not None and closing.subtotal != closing.total:
        return None  # a net and a gross of its own: the closing page's totals
    for page in pages:
        if page.page_number >= closing.page_number:
            return None
        if (
            page.subtotal is not None
            and page.tax is not None
            and page.total is not None
            and page.tax > 0
            and abs(page.subtotal - closing.total) <= CENT
            and abs(page.subtotal + page.tax - page.total) <= CENT
        ):
            return page
    return None


def _evidence(
    values: dict[str, Any], pages: Sequence[PageExtraction], doubtful_totals: bool
) -> tuple[dict[str, float], dict[str, Any]]:
    """Each chosen value's confidence and source, from the pages that show it: the
    surest of them; lowered when pages disagree or the totals do not add up."""
    confidence: dict[str, float] = {}
    source: dict[str, Any] = {}
    for name, value in values.items():
        if value is None:
            continue
        showing = [page for page in pages if getattr(page, name) is not None]
        agreeing = [page for page in showing if _agrees(name, getattr(page, name), value)]
        if (structured := _embedded(name, pages)) is not None:
            showing = agreeing = [structured]
        best = max(agreeing, key=lambda page: page.confidence.get(name, 0.5))
        sure = best.confidence.get(name, 0.5)
        if len(agreeing) < len(showing):
            sure *= len(agreeing) / len(showing)
        if doubtful_totals and name in TOTAL_FIELDS:
            sure = min(sure, DOUBTFUL)
        confidence[name] = round(sure, 3)
        source[name] = best.source.get(name, "text")
    return confidence, source


def _contradictions(
    name: str, value: Any, structured: PageExtraction, pages: Sequence[PageExtraction]
) -> list[str]:
    """Where another page's text contradicts the e-invoice's value (the page that carries
    it has compared itself already): the totals of a long invoice are on its last page."""
    return [
        f"The embedded e-invoice says {name.replace('_', ' ')} {_show(value)} "
        f"but page {page.page_number} shows {_show(shown)}."
        for page in pages
        if page is not structured and (shown := getattr(page, name)) is not None and shown != value
    ]


def _embedded(name: str, pages: Sequence[PageExtraction]) -> PageExtraction | None:
    """The page whose `name` comes from the embedded e-invoice, if any."""
    return next((page for page in pages if page.source.get(name) == "embedded_xml"), None)


def _agreed_value(name: str, pages: Sequence[PageExtraction]) -> tuple[Any, str | None]:
    """The value most pages show (earliest wins ties) and a warning if pages differ."""
    seen: dict[Any, list[int]] = {}
    for page in pages:
        value = getattr(page, name)
        if value is not None:
            seen.setdefault(value, []).append(page.page_number)
    if not seen:
        return None, None
    if name in ("vendor_name", "customer_name"):
        seen = _same_party_together(seen)
    # max() keeps the first of equal counts, and `seen` is in page order.
    chosen = max(seen, key=lambda value: len(seen[value]))
    if len(seen) == 1:
        return chosen, None
    shown = "; ".join(f"{_show(value)} on {_pages(numbers)}" for value, numbers in seen.items())
    return chosen, f"Pages disagree on the {FIELD_NAMES[name]}: {shown}. Using {_show(chosen)}."


def _agrees(name: str, shown: Any, chosen: Any) -> bool:
    """Whether a page showing `shown` backs the `chosen` value of field `name`."""
    if name in ("vendor_name", "customer_name"):
        return shown == chosen or same_party(shown, chosen)
    return bool(shown == chosen)


def _same_party_together(seen: dict[Any, list[int]]) -> dict[Any, list[int]]:
    """Names where one begins with the other ("Enel" and "Enel Energia S.p.A.", a
    continuation page naming the company in passing) are one party: its pages vote
    together for the fullest name, in the place of the first of them."""
    groups: list[tuple[Any, list[int]]] = []  # (fullest name, its pages), in page order
    for value, numbers in seen.items():
        for index, (name, pages) in enumerate(groups):
            if same_party(value, name):
                fuller = value if len(name_key(value)) > len(name_key(name)) else name
                groups[index] = (fuller, pages + numbers)
                break
        else:
            groups.append((value, list(numbers)))
    return {name: sorted(pages) for name, pages in groups}


def _arithmetic_warnings(values: dict[str, Any], items: list[LineItem]) -> list[str]:
    subtotal, tax, total = values["subtotal"], values["tax"], values["total"]
    warnings = []
    line_sum = sum((item.amount for item in items), Decimal(0))
    if items and subtotal is not None and abs(line_sum - subtotal) > CENT * len(items):
        warnings.append(f"Line items add up to {line_sum:.2f}, but the subtotal is {subtotal:.2f}.")
    if subtotal is not None and total is not None:
        if tax is None and abs(subtotal - total) > CENT:
            warnings.append(
                f"Subtotal {subtotal:.2f} differs from the invoice total {total:.2f} "
                "and no page shows a tax amount."
            )
        elif tax is not None and abs(subtotal + tax - total) > CENT:
            warnings.append(total_mismatch_warning(subtotal, tax, total))
    elif subtotal is None and total is not None and items:
        expected = line_sum + (tax or Decimal(0))
        if abs(expected - total) > CENT * len(items):
            warnings.append(
                f"Line items{' plus tax' if tax is not None else ''} add up to "
                f"{expected:.2f}, but the invoice total is {total:.2f}."
            )
    return warnings


def _numbering_warnings(pages: Sequence[PageExtraction]) -> list[str]:
    numbers = [page.page_number for page in pages]
    seen = Counter(numbers)  # not numbers.count() per number: quadratic on long invoices
    warnings = [
        f"Page {number} was extracted more than once."
        for number in sorted(seen)
        if seen[number] > 1
    ]
    missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))
    if missing:
        warnings.append(f"No extraction for {_pages(missing)}; the invoice may be incomplete.")
    return warnings


def _ownership_warnings(invoice_id: str, pages: Iterable[PageExtraction]) -> list[str]:
    return [
        f"Page {page.page_number} belongs to invoice {page.invoice_id!r}, not {invoice_id!r}."
        for page in pages
        if page.invoice_id != invoice_id
    ]


def _pages(numbers: Sequence[int]) -> str:
    if len(numbers) == 1:
        return f"page {numbers[0]}"
    listed = ", ".join(str(number) for number in numbers[:-1])
    return f"pages {listed} and {numbers[-1]}"


def _show(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    return f'"{value}"'
