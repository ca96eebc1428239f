"""Labels and presentation of a localised invoice, drawn from its language.

The classic `Layout` carries the choices both renderers share (labels, formats,
table columns, page furniture); `Look` adds what only the variant renderer draws.
"""

from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass

from invoice_gen.content import InvoiceContent
from invoice_gen.formatting import NUMBER_STYLES, format_rate
from invoice_gen.languages import Language
from invoice_gen.layout import Layout
from invoice_gen.markets import Market
from invoice_gen.money import LINE_CURRENCY_FORMATS
from invoice_gen.variants import Variant

# Column orders of the line-item table; "pos" is a running line number.
COLUMN_ORDERS: tuple[tuple[str, ...], ...] = (
    ("desc", "qty", "price", "amount"),
    ("code", "desc", "qty", "price", "amount"),
    ("pos", "desc", "qty", "price", "amount"),
    ("pos", "code", "desc", "qty", "price", "amount"),
    ("qty", "desc", "price", "amount"),
    ("desc", "price", "qty", "amount"),
)


@dataclass(frozen=True)
class Look:
    """The variant choices beyond the classic Layout."""

    variant: Variant  # resolved: every field set
    language: Language
    market: Market
    header: str
    parties: str
    totals: str
    currency_format: str
    date_format: str
    # The currency repeated on every unit price and line amount.
    line_currency: bool


def _required(value: str | None, name: str) -> str:
    if value is None:
        raise ValueError(f"the variant's {name} is not resolved")
    return value


def _columns(rng: random.Random, language: Language) -> tuple[tuple[str, str], ...]:
    order = rng.choice(COLUMN_ORDERS)
    return tuple((role, rng.choice(language.columns[role])) for role in order)


def choose_variant_layout(
    rng: random.Random,
    variant: Variant,
    language: Language,
    market: Market,
    content: InvoiceContent,
) -> tuple[Layout, Look]:
    """Draw labels and page furniture for a resolved `variant`."""
    style = NUMBER_STYLES[_required(variant.number_format, "number format")]
    currency_format = _required(variant.currency_format, "currency format")
    look = Look(
        variant=variant,
        language=language,
        market=market,
        header=_required(variant.header, "header"),
        parties=_required(variant.parties, "parties"),
        totals=_required(variant.totals, "totals"),
        currency_format=currency_format,
        date_format=_required(variant.date_format, "date format"),
        line_currency=rng.random() < 0.3 and currency_format in LINE_CURRENCY_FORMATS,
    )
    tax_template = rng.choice(language.tax_labels)
    wording = dataclasses.replace(
        language.wording,
        currency=rng.choice(language.currency_labels),
        po_number=rng.choice(language.po_labels),
        ship_to=rng.choice(language.ship_to_labels),
    )
    layout = Layout(
        page_format=market.page_format,
        vendor_side=_required(variant.vendor_side, "vendor side"),
        vendor_label=rng.choice(language.vendor_labels) if rng.random() < 0.25 else None,
        title=rng.choice(language.titles),
        header_style=look.header,
        label_colon=rng.random() < 0.6,
        number_label=rng.choice(language.number_labels),
        date_label=rng.choice(language.date_labels),
        due_label=rng.choice(language.due_labels),
        customer_label=rng.choice(language.customer_labels),
        customer_inline=rng.random() < 0.2,
        subtotal_label=rng.choice(language.subtotal_labels),
        tax_label=tax_template.format(
            name=content.tax_name, rate=format_rate(content.tax_rate, style)
        ),
        total_label=rng.choice(language.total_labels),
        date_format=look.date_format,
        number_style=style,
        header_currency=rng.random() < 0.25,
        column_currency=rng.random() < 0.2,
        totals_currency="none",  # the variant renderer writes the currency itself
        line_symbol=False,
        columns=_columns(rng, language),
        ship_to=rng.random() < 0.3,
        continuation=rng.randint(0, 2),
        continuation_vendor=rng.random() < 0.5,
        carried_forward=rng.random() < 0.3,
        zebra=rng.random() < 0.5,
        page_footer=rng.random() < 0.7,
        wording=wording,
    )
    return layout, look
