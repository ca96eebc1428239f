"""Synthetic invoices with ground truth: `generate_invoice(seed, pages)`.

The same (seed, pages) always gives the same PDF bytes and the same truth. The seed
alone fixes the vendor, currency and look; the page count only changes how many line
items there are.

Inconsistent invoices: with `inconsistent=True` the printed total is off by a small
amount; everything else matches the consistent invoice of the same seed. The truth
then records what the document *says* (the wrong printed total) and
`truth.warnings` holds the exact sentence the aggregation step is expected to
produce for it. That sentence mirrors `aggregate_service.merge` (see
`total_mismatch_warning` below); the round-trip tests pin the two together.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from decimal import Decimal

from invoice_gen.content import InvoiceContent, build_content
from invoice_gen.formatting import format_number
from invoice_gen.layout import HOURLY_COLUMNS, Layout, choose_columns, choose_layout
from invoice_gen.render import InvoiceRenderer
from invoice_gen.variant_generator import render_variant
from invoice_gen.variants import Variant
from invoice_gen.vocab import PAYMENT_NOTES
from invoice_shared.models import INVOICE_ID_PATTERN, AggregatedInvoice, LineItem

MAX_PAGES = 2000  # as many as the split service takes by default


@dataclass(frozen=True)
class GeneratedInvoice:
    """A rendered invoice and what a perfect extraction of it would return."""

    pdf: bytes
    truth: AggregatedInvoice
    # One line naming the layout choices, handy in test failure messages.
    summary: str
    # A localised invoice's variant with every choice filled in; None for the
    # classic look. Passing it back to generate_invoice gives the same invoice.
    variant: Variant | None = None
    # Each line item's description as printed, one entry per printed line (a
    # wrapped description has several); empty for the classic look, which never wraps.
    description_lines: tuple[tuple[str, ...], ...] = ()

    @property
    def language(self) -> str:
        """ISO 639-1 code of the language the invoice is written in."""
        return self.variant.language if self.variant is not None else "en"


def total_mismatch_warning(subtotal: Decimal, tax: Decimal, total: Decimal) -> str:
    """The warning aggregation gives when subtotal + tax differs from the total."""
    return (
        f"Subtotal {subtotal:.2f} plus tax {tax:.2f} is {subtotal + tax:.2f}, "
        f"but the invoice total is {total:.2f}."
    )


def _notes(rng: random.Random, content: InvoiceContent) -> tuple[str, ...]:
    if content.terms_days is None:
        terms = "Payment terms: Due on receipt"
    else:
        terms = rng.choice(
            (
                f"Payment terms: Net {content.terms_days}",
                f"Payment terms: {content.terms_days} days",
            )
        )
    bank = f"Bank: {content.bank}, account {rng.randint(10, 99)} {rng.randint(1000, 9999)} 0042"
    return (terms, bank, rng.choice(PAYMENT_NOTES))


def _truth(content: InvoiceContent, invoice_id: str, *, inconsistent: bool) -> AggregatedInvoice:
    warnings = []
    if inconsistent:
        warnings.append(total_mismatch_warning(content.subtotal, content.tax, content.total))
    return AggregatedInvoice(
        invoice_id=invoice_id,
        invoice_number=content.number,
        invoice_date=content.issue_date,
        due_date=content.due_date,
        vendor_name=content.vendor.name,
        customer_name=content.customer.name,
        currency=content.currency.code,
        subtotal=content.subtotal,
        tax=content.tax,
        total=content.total,
        line_items=[
            LineItem(
                description=item.description,
                quantity=item.quantity,
                unit_price=item.unit_price,
                amount=item.amount,
            )
            for item in content.items
        ],
        page_count=len(content.pages),
        warnings=warnings,
    )


def _summary(content: InvoiceContent, layout: Layout) -> str:
    columns = "/".join(role for role, _ in layout.columns)
    return (
        f"{content.currency.code} vendor={layout.vendor_side} header={layout.header_style} "
        f"columns={columns} dates={layout.date_format} "
        f"numbers={format_number(Decimal('1234.56'), layout.number_style, 2)} "
        f"totals={layout.totals_currency} continuation={layout.continuation}"
    )


def generate_invoice(
    seed: int,
    pages: int,
    *,
    invoice_id: str | None = None,
    inconsistent: bool = False,
    variant: Variant | None = None,
) -> GeneratedInvoice:
    """Render a `pages`-page invoice drawn from `seed`, with its ground truth.

    `invoice_id` defaults to "gen-<seed>-<pages>p" and must match the contract's id
    pattern. With `inconsistent=True` the printed total disagrees with subtotal + tax.
    With a `variant` the invoice is localised (language, country formats, layout;
    see invoice_gen.variants); without one it has the classic look, unchanged.
    """
    if not 1 <= pages <= MAX_PAGES:
        raise ValueError(f"pages must be between 1 and {MAX_PAGES}, got {pages}")
    invoice_id = invoice_id or f"gen-{seed}-{pages}p"
    if not re.fullmatch(INVOICE_ID_PATTERN, invoice_id):
        raise ValueError(f"invoice id {invoice_id!r} does not match {INVOICE_ID_PATTERN}")
    if variant is not None:
        rendered = render_variant(seed, pages, variant, inconsistent=inconsistent)
        return GeneratedInvoice(
            pdf=rendered.pdf,
            truth=_truth(rendered.content, invoice_id, inconsistent=inconsistent),
            summary=rendered.summary,
            variant=rendered.variant,
            description_lines=rendered.description_lines,
        )
    # String seeds hash with SHA-512 inside `random`, so they are stable across runs.
    style_rng = random.Random(f"invoice-gen/{seed}/style")
    items_rng = random.Random(f"invoice-gen/{seed}/{pages}/items")
    slip_rng = random.Random(f"invoice-gen/{seed}/{pages}/slip") if inconsistent else None
    columns = choose_columns(style_rng)
    content = build_content(
        style_rng,
        items_rng,
        pages,
        hourly=columns == HOURLY_COLUMNS,
        slip_rng=slip_rng,
    )
    layout = choose_layout(style_rng, content.currency, content.tax_name, content.tax_rate, columns)
    pdf = InvoiceRenderer(content, layout, _notes(style_rng, content)).render()
    truth = _truth(content, invoice_id, inconsistent=inconsistent)
    return GeneratedInvoice(pdf=pdf, truth=truth, summary=_summary(content, layout))
