"""How a generated invoice looks: block positions, labels, formats, table columns.

Every choice is drawn from the seed, so one seed always gives the same look. The
variety is the point: a parser tested against these must rely on labels, number
shapes and arithmetic, never on where one particular template puts things.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from invoice_gen.formatting import (
    DATE_FORMATS_OTHER,
    DATE_FORMATS_USD,
    NUMBER_STYLES,
    SLASHED_FORMATS,
    CurrencyInfo,
    NumberStyle,
    format_rate,
)
from invoice_gen.wording import CLASSIC_WORDING, Wording

NUMBER_LABELS = ("Invoice No.", "Invoice #", "Invoice Number", "Inv. No.")
DATE_LABELS = ("Invoice Date", "Date", "Issue Date", "Date of issue")
DUE_LABELS = ("Due Date", "Payment Due", "Due")
CUSTOMER_LABELS = ("Bill To", "Billed To", "Customer", "Invoice To")
VENDOR_LABELS = ("From", "Vendor", "Supplier", "Seller")
SUBTOTAL_LABELS = ("Subtotal", "Sub-total", "Net Total")
TOTAL_LABELS = ("Total", "Total Due", "Amount Due", "Grand Total")
TITLES = ("INVOICE", "Invoice", "TAX INVOICE", "Sales Invoice")

# A timesheet-style table; invoices using it bill hourly services only.
HOURLY_COLUMNS = (("desc", "Service"), ("qty", "Hours"), ("price", "Rate"), ("amount", "Amount"))

# Line-item table variants: (role, heading) in left-to-right order.
COLUMN_SETS: tuple[tuple[tuple[str, str], ...], ...] = (
    (("desc", "Description"), ("qty", "Qty"), ("price", "Unit Price"), ("amount", "Amount")),
    (
        ("code", "Item"),
        ("desc", "Description"),
        ("qty", "Quantity"),
        ("price", "Price"),
        ("amount", "Total"),
    ),
    (("qty", "Qty"), ("desc", "Description"), ("price", "Unit Price"), ("amount", "Amount")),
    (("desc", "Description"), ("price", "Unit Price"), ("qty", "Qty"), ("amount", "Line Total")),
    HOURLY_COLUMNS,
    (
        ("code", "SKU"),
        ("desc", "Product"),
        ("price", "Unit Cost"),
        ("qty", "Units"),
        ("amount", "Amount"),
    ),
)


@dataclass(frozen=True)
class Layout:
    """All presentation choices for one invoice."""

    page_format: str
    vendor_side: str  # "left" or "right"; the title and header block take the other side
    vendor_label: str | None
    title: str
    header_style: str  # "grid" (label | value), "inline" ("Label: value") or "table"
    label_colon: bool
    number_label: str
    date_label: str
    due_label: str
    customer_label: str
    customer_inline: bool
    subtotal_label: str
    tax_label: str
    total_label: str
    date_format: str
    number_style: NumberStyle
    header_currency: bool  # a "Currency: EUR" header field
    column_currency: bool  # "Amount (EUR)" column headings on every page
    totals_currency: str  # "none", "code_prefix", "code_suffix" or "symbol"
    line_symbol: bool  # currency symbol on line-item prices too
    columns: tuple[tuple[str, str], ...]
    ship_to: bool
    continuation: int  # which lighter header continuation pages use
    continuation_vendor: bool
    carried_forward: bool
    zebra: bool
    page_footer: bool
    wording: Wording = CLASSIC_WORDING


def _tax_label(rng: random.Random, name: str, rate: str, style: NumberStyle) -> str:
    shown = format_rate(rate, style)
    if name == "Tax" and rng.random() < 0.4:
        return "Tax"
    # The parenthesised form is listed twice because it is the more common one.
    return rng.choice((f"{name} ({shown}%)", f"{name} ({shown}%)", f"{name} {shown}%"))


def choose_columns(rng: random.Random) -> tuple[tuple[str, str], ...]:
    """The line-item table variant; drawn first because it limits what can be billed."""
    return rng.choice(COLUMN_SETS)


def choose_layout(
    rng: random.Random,
    currency: CurrencyInfo,
    tax_name: str,
    tax_rate: str,
    columns: tuple[tuple[str, str], ...],
) -> Layout:
    """Draw a layout consistent with the currency's conventions and the date rule."""
    style = NUMBER_STYLES[rng.choice(currency.number_styles)]
    is_usd = currency.code == "USD"
    date_format = rng.choice(DATE_FORMATS_USD if is_usd else DATE_FORMATS_OTHER)
    header_currency = rng.random() < 0.35
    column_currency = rng.random() < 0.3
    totals_options = ["none", "code_prefix", "code_suffix"]
    if currency.symbol:
        totals_options += ["symbol", "symbol"]
    totals_currency = rng.choice(totals_options)
    if date_format in SLASHED_FORMATS and not (header_currency or column_currency):
        # The first page carries the dates; its currency settles day/month order.
        header_currency = True
    if totals_currency == "none" and not (header_currency or column_currency):
        totals_currency = "code_prefix"
    return Layout(
        page_format=currency.page_format if rng.random() < 0.8 else "A4",
        vendor_side=rng.choice(("left", "right")),
        vendor_label=rng.choice(VENDOR_LABELS) if rng.random() < 0.25 else None,
        title=rng.choice(TITLES),
        header_style=rng.choice(("grid", "grid", "inline", "table")),
        label_colon=rng.random() < 0.6,
        number_label=rng.choice(NUMBER_LABELS),
        date_label=rng.choice(DATE_LABELS),
        due_label=rng.choice(DUE_LABELS),
        customer_label=rng.choice(CUSTOMER_LABELS),
        customer_inline=rng.random() < 0.2,
        subtotal_label=rng.choice(SUBTOTAL_LABELS),
        tax_label=_tax_label(rng, tax_name, tax_rate, style),
        total_label=rng.choice(TOTAL_LABELS),
        date_format=date_format,
        number_style=style,
        header_currency=header_currency,
        column_currency=column_currency,
        totals_currency=totals_currency,
        line_symbol=totals_currency == "symbol" and rng.random() < 0.5,
        columns=columns,
        ship_to=rng.random() < 0.3,
        continuation=rng.randint(0, 2),
        continuation_vendor=rng.random() < 0.5,
        carried_forward=rng.random() < 0.3,
        zebra=rng.random() < 0.5,
        page_footer=rng.random() < 0.7,
    )
