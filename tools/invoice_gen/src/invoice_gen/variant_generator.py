"""Render a localised invoice for a seed and a `Variant`.

Random streams are named after the seed and the market, so a seed gives the same
invoice every time; as in the classic generator, the page count only changes
the line items, and the layout stream is shared by every page count.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from invoice_gen.content import InvoiceContent
from invoice_gen.formatting import format_number
from invoice_gen.languages import get_language
from invoice_gen.layout import Layout
from invoice_gen.local_content import build_local_content, local_notes
from invoice_gen.variant_layout import Look, choose_variant_layout
from invoice_gen.variant_render import VariantRenderer
from invoice_gen.variants import Variant, market_of, resolve_variant


@dataclass(frozen=True)
class RenderedVariant:
    """A localised invoice's PDF with the facts it shows."""

    pdf: bytes
    content: InvoiceContent
    variant: Variant  # resolved
    layout: Layout
    summary: str
    # Each line item's description as printed, one entry per printed line.
    description_lines: tuple[tuple[str, ...], ...]


def _summary(look: Look, columns: str, sample_number: str) -> str:
    variant = look.variant
    return (
        f"{look.market.code} {look.market.currency} vendor={variant.vendor_side} "
        f"header={look.header} parties={look.parties} totals={look.totals} "
        f"columns={columns} dates={look.date_format} numbers={sample_number} "
        f"currency={look.currency_format} long={variant.long_descriptions}"
    )


def render_variant(
    seed: int, pages: int, variant: Variant, *, inconsistent: bool
) -> RenderedVariant:
    """Draw the invoice of `seed` in `variant` (None fields drawn from the seed)."""
    resolved = resolve_variant(seed, variant)
    language, market = get_language(resolved.language), market_of(resolved)
    streams = f"invoice-gen/variant/{seed}/{market.code}"
    content = build_local_content(
        random.Random(f"{streams}/content"),
        random.Random(f"{streams}/{pages}/items"),
        pages,
        language,
        market,
        long_descriptions=bool(resolved.long_descriptions),
        slip_rng=random.Random(f"{streams}/{pages}/slip") if inconsistent else None,
    )
    layout_rng = random.Random(f"{streams}/layout")
    layout, look = choose_variant_layout(layout_rng, resolved, language, market, content)
    notes = local_notes(layout_rng, content, language, market)
    renderer = VariantRenderer(content, layout, notes, look)
    pdf = renderer.render()
    columns = "/".join(role for role, _ in layout.columns)
    sample = format_number(Decimal("1234.56"), layout.number_style, 2)
    return RenderedVariant(
        pdf=pdf,
        content=content,
        variant=resolved,
        layout=layout,
        summary=_summary(look, columns, sample),
        description_lines=tuple(renderer.description_lines),
    )
