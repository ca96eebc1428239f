"""Draw a localised invoice: the classic renderer plus the variant layouts.

What changes from the classic renderer: dates and currencies in the invoice's
language, long descriptions wrapped over several lines, a line-number column,
totals in a box or inside the item table, and (in variant_header.py) more header
styles and places for the parties. Every page is checked to end above the
footer, so a layout that does not fit fails loudly instead of overprinting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from invoice_gen.canvas import Canvas
from invoice_gen.content import InvoiceContent, Item
from invoice_gen.fonts import core_font_can_draw, find_unicode_font
from invoice_gen.layout import Layout
from invoice_gen.money import with_currency
from invoice_gen.render import COLUMN_PADDING, MARGIN, MIN_WIDTHS, ROW_HEIGHT
from invoice_gen.variant_header import LABEL_GAP, HeaderRenderer
from invoice_gen.variant_layout import Look
from invoice_gen.variants import localized_date

# Vertical step between the wrapped lines of one description.
WRAP_STEP = 4.2
MIN_DESCRIPTION_WIDTH = 40.0
POS_MIN_WIDTH = 11.0
# Content must end this far above the page's bottom edge (the footer sits below).
BOTTOM_CLEARANCE = 17.0
BOX_PADDING = 2.5


class LayoutOverflowError(ValueError):
    """The content does not fit: a page runs into its footer, or a column is too narrow."""


def wrap_text(text: str, width: float, measure: Callable[[str], float]) -> tuple[str, ...]:
    """Split `text` at spaces into the fewest lines no wider than `width` (greedy)."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if current and measure(candidate) > width:
            lines.append(current)
            candidate = word
        if measure(candidate) > width:
            raise LayoutOverflowError(f"{word!r} is wider than the description column")
        current = candidate
    lines.append(current)
    return tuple(lines)


class VariantRenderer(HeaderRenderer):
    """Turns InvoiceContent, Layout and Look into PDF bytes."""

    def __init__(
        self, content: InvoiceContent, layout: Layout, notes: tuple[str, ...], look: Look
    ) -> None:
        self.look = look
        self._word = (
            look.language.currency_word(content.currency.code)
            if look.currency_format == "word"
            else None
        )
        # Each item's description as printed, line by line, in item order; set
        # when the columns are sized, read as the rows are drawn.
        self.description_lines: list[tuple[str, ...]] = []
        self._position = 0
        style = layout.number_style
        font = None if core_font_can_draw(style.group + style.decimal) else find_unicode_font()
        super().__init__(content, layout, notes, canvas=Canvas(layout.page_format, MARGIN, font))

    # -- formatting --------------------------------------------------------------

    def _with_currency(self, text: str) -> str:
        currency = self.content.currency
        return with_currency(
            text,
            self.look.currency_format,
            code=currency.code,
            symbol=currency.symbol or currency.code,
            word=self._word,
        )

    def _line_money(self, value: Decimal) -> str:
        text = self._money(value)
        return self._with_currency(text) if self.look.line_currency else text

    def _total_money(self, value: Decimal) -> str:
        return self._with_currency(self._money(value))

    def _date(self, value: dt.date) -> str:
        return localized_date(value, self.look.date_format, self.look.language)

    def _totals_rows(self) -> tuple[tuple[str, Decimal, bool], ...]:
        layout, content = self.layout, self.content
        return (
            (layout.subtotal_label, content.subtotal, False),
            (layout.tax_label, content.tax, False),
            (layout.total_label, content.total, True),
        )

    # -- line-item table ---------------------------------------------------------

    def _cell(self, role: str, position: int, item: Item) -> str:
        return str(position) if role == "pos" else self._cell_text(role, item)

    def _column_widths(self) -> dict[str, float]:
        """Fit each column to its text; descriptions wrap in the width that is left."""
        items = self.content.items
        widths: dict[str, float] = {}
        for role, heading in self.layout.columns:
            if role == "desc":
                continue
            needed = max(
                self.canvas.string_width(self._cell(role, position, item))
                for position, item in enumerate(items, start=1)
            )
            needed = max(needed, self.canvas.string_width(self._heading(role, heading), bold=True))
            if role == "amount":
                # Carried-forward rows, and totals printed inside the table.
                needed = max(
                    needed, self.canvas.string_width(self._line_money(self.content.subtotal))
                )
                if self.look.totals == "in_table":
                    needed = max(
                        needed,
                        *(
                            self.canvas.string_width(self._total_money(value), bold=True)
                            for _, value, _ in self._totals_rows()
                        ),
                    )
            widths[role] = max(MIN_WIDTHS.get(role, POS_MIN_WIDTH), needed + COLUMN_PADDING)
        widths["desc"] = self.usable - sum(widths.values())
        if widths["desc"] < MIN_DESCRIPTION_WIDTH:
            raise LayoutOverflowError(f"only {widths['desc']:.0f} mm left for descriptions")
        self.description_lines = [
            wrap_text(item.description, widths["desc"] - COLUMN_PADDING, self.canvas.string_width)
            for item in items
        ]
        return widths

    def _items(self, y: float, items: tuple[Item, ...]) -> float:
        for index, item in enumerate(items):
            lines = self.description_lines[self._position]
            self._position += 1
            height = ROW_HEIGHT + (len(lines) - 1) * WRAP_STEP
            if self.layout.zebra and index % 2:
                self.canvas.fill(MARGIN, y, self.usable, height, grey=244)
            elif not self.layout.zebra:
                self.canvas.rule(MARGIN, y + height, MARGIN + self.usable, grey=215)
            texts = {
                role: self._cell(role, self._position, item) for role, _ in self.layout.columns
            }
            self._row(y, {**texts, "desc": lines[0]})
            for number, line in enumerate(lines[1:], start=1):
                self._row(y + number * WRAP_STEP, {"desc": line})
            y += height
        return y

    # -- totals ------------------------------------------------------------------

    def _closing(self, y: float) -> float:
        if self.look.totals == "in_table":
            return self._notes(self._table_totals(y))
        return super()._closing(y)

    def _totals(self, y: float) -> float:
        """Totals right-aligned under the table, framed when the look asks for a box."""
        rows = self._totals_rows()
        labels = [self._label(label) for label, _, _ in rows]
        values = [self._total_money(value) for _, value, _ in rows]
        label_width = max(self.canvas.string_width(text, bold=True) for text in labels) + 6
        value_width = max(self.canvas.string_width(text, bold=True) for text in values) + 4
        x = self.width - MARGIN - label_width - value_width
        boxed = self.look.totals == "box"
        box_x, box_width = x - 2 * BOX_PADDING, label_width + value_width + 2 * BOX_PADDING
        if boxed:
            x -= BOX_PADDING
            box_height = len(rows) * ROW_HEIGHT + BOX_PADDING
            self.canvas.frame(box_x, y - BOX_PADDING, box_width, box_height, grey=90)
        for label, value, (_, _, bold) in zip(labels, values, rows, strict=True):
            if bold and boxed:
                self.canvas.fill(box_x, y - 0.6, box_width, ROW_HEIGHT, grey=232)
            elif bold:
                self.canvas.rule(x, y - 0.8, x + label_width + value_width, grey=60)
            self.canvas.text(x, y, label_width, label, bold=bold)
            self.canvas.text(x + label_width, y, value_width, value, align="R", bold=bold)
            y += ROW_HEIGHT
        return y + (BOX_PADDING if boxed else 0)

    def _table_totals(self, y: float) -> float:
        """Totals as the table's last rows: labels beside the amount column."""
        amount_width = self.widths["amount"]
        amount_x = MARGIN + self.usable - amount_width
        self.canvas.rule(MARGIN, y + 0.6, MARGIN + self.usable, grey=110)
        y += 1.5
        for label, value, bold in self._totals_rows():
            if bold:
                self.canvas.fill(MARGIN, y, self.usable, ROW_HEIGHT, grey=232)
            self.canvas.text(
                MARGIN,
                y + 1.2,
                amount_x - MARGIN - LABEL_GAP,
                self._label(label),
                align="R",
                bold=bold,
            )
            self.canvas.text(
                amount_x, y + 1.2, amount_width, self._total_money(value), align="R", bold=bold
            )
            y += ROW_HEIGHT
        return y

    def _finish_page(self, y: float, page: int, pages: int) -> None:
        if y > self.height - BOTTOM_CLEARANCE:
            raise LayoutOverflowError(
                f"page {page}'s content ends {y:.0f} mm down a {self.height:.0f} mm page"
            )
        super()._finish_page(y, page, pages)
