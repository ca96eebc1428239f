"""Draw an invoice's content in a given layout with fpdf2's built-in fonts.

Page breaks are placed by hand (auto page break off) so the page count is exactly
what was asked for. Columns are sized from the text they hold, which keeps a clear
gap between neighbouring cells: text extraction then sees separate columns.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from invoice_gen.canvas import Canvas
from invoice_gen.content import InvoiceContent, Item
from invoice_gen.formatting import format_date, format_number, format_quantity
from invoice_gen.layout import Layout

MARGIN = 15.0
ROW_HEIGHT = 6.5
BLOCK_WIDTH = 85.0
# Space kept free around a column's widest text, so text extraction sees a wide
# gap between neighbouring columns.
COLUMN_PADDING = 7.0
MIN_WIDTHS = {"code": 22.0, "qty": 16.0, "price": 26.0, "amount": 28.0}


class InvoiceRenderer:
    """Turns one InvoiceContent plus Layout into PDF bytes."""

    def __init__(
        self,
        content: InvoiceContent,
        layout: Layout,
        notes: tuple[str, ...],
        *,
        canvas: Canvas | None = None,
    ) -> None:
        self.content = content
        self.layout = layout
        self.words = layout.wording
        self.notes = notes
        self.canvas = canvas or Canvas(layout.page_format, MARGIN)
        self.width, self.height = self.canvas.width, self.canvas.height
        self.usable = self.width - 2 * MARGIN
        self.widths = self._column_widths()

    # -- formatting helpers ------------------------------------------------------

    def _money(self, value: Decimal) -> str:
        return format_number(value, self.layout.number_style, self.content.currency.decimals)

    def _line_money(self, value: Decimal) -> str:
        text = self._money(value)
        return f"{self.content.currency.symbol}{text}" if self.layout.line_symbol else text

    def _total_money(self, value: Decimal) -> str:
        text = self._money(value)
        code = self.content.currency.code
        match self.layout.totals_currency:
            case "code_prefix":
                return f"{code} {text}"
            case "code_suffix":
                return f"{text} {code}"
            case "symbol":
                return f"{self.content.currency.symbol}{text}"
        return text

    def _date(self, value: dt.date) -> str:
        return format_date(value, self.layout.date_format)

    def _label(self, label: str) -> str:
        return f"{label}{self.words.colon}" if self.layout.label_colon else label

    # -- line-item table ---------------------------------------------------------

    def _heading(self, role: str, heading: str) -> str:
        if self.layout.column_currency and role in ("price", "amount"):
            return f"{heading} ({self.content.currency.code})"
        return heading

    def _cell_text(self, role: str, item: Item) -> str:
        match role:
            case "code":
                return item.code
            case "desc":
                return item.description
            case "qty":
                return format_quantity(item.quantity, self.layout.number_style)
            case "price":
                return self._line_money(item.unit_price)
        return self._line_money(item.amount)

    def _column_widths(self) -> dict[str, float]:
        """Fit each column to its widest text; the description takes what is left."""
        items = self.content.items
        widths: dict[str, float] = {}
        running = self._line_money(self.content.subtotal)  # carried-forward rows
        for role, heading in self.layout.columns:
            if role == "desc":
                continue
            texts = [self._cell_text(role, item) for item in items]
            needed = max(self.canvas.string_width(text) for text in [*texts, running])
            needed = max(needed, self.canvas.string_width(self._heading(role, heading), bold=True))
            widths[role] = max(MIN_WIDTHS[role], needed + COLUMN_PADDING)
        widths["desc"] = self.usable - sum(widths.values())
        widest = max(self.canvas.string_width(item.description) for item in items)
        if widest + COLUMN_PADDING > widths["desc"]:
            raise ValueError("line-item descriptions do not fit the table")
        return widths

    def _row(self, y: float, texts: dict[str, str], *, bold: bool = False) -> None:
        x = MARGIN
        for index, (role, _heading) in enumerate(self.layout.columns):
            width = self.widths[role]
            align = "L" if role in ("desc", "code") or index == 0 else "R"
            if role in texts:
                self.canvas.text(x, y + 1.2, width, texts[role], align=align, bold=bold)
            x += width

    def _table_header(self, y: float) -> float:
        self.canvas.fill(MARGIN, y, self.usable, ROW_HEIGHT + 1, grey=228)
        self._row(
            y + 0.5, {role: self._heading(role, h) for role, h in self.layout.columns}, bold=True
        )
        return y + ROW_HEIGHT + 2

    def _items(self, y: float, items: tuple[Item, ...]) -> float:
        for index, item in enumerate(items):
            if self.layout.zebra and index % 2:
                self.canvas.fill(MARGIN, y, self.usable, ROW_HEIGHT, grey=244)
            elif not self.layout.zebra:
                self.canvas.rule(MARGIN, y + ROW_HEIGHT, MARGIN + self.usable, grey=215)
            self._row(y, {role: self._cell_text(role, item) for role, _ in self.layout.columns})
            y += ROW_HEIGHT
        return y

    def _forward_row(self, y: float, label: str, amount: Decimal) -> float:
        self._row(y, {"desc": label, "amount": self._line_money(amount)}, bold=True)
        return y + ROW_HEIGHT

    # -- page furniture ----------------------------------------------------------

    def _header_fields(self) -> list[tuple[str, str]]:
        content, layout = self.content, self.layout
        fields = [
            (layout.number_label, content.number),
            (layout.date_label, self._date(content.issue_date)),
        ]
        if content.due_date is not None:
            fields.append((layout.due_label, self._date(content.due_date)))
        if layout.header_currency:
            fields.append((self.words.currency, content.currency.code))
        if content.po_number:
            fields.append((self.words.po_number, content.po_number))
        return fields

    def _vendor_block(self, x: float, align: str) -> float:
        y = MARGIN
        vendor = self.content.vendor
        if self.layout.vendor_label:
            self.canvas.text(x, y, BLOCK_WIDTH, self._label(self.layout.vendor_label), align=align,
                       muted=True)  # fmt: skip
            y += 5
        self.canvas.text(x, y, BLOCK_WIDTH, vendor.name, align=align, size=13, bold=True)
        y += 7.5
        for line in vendor.lines:
            self.canvas.text(x, y, BLOCK_WIDTH, line, align=align, size=8.5)
            y += 4.3
        return y

    def _title_block(self, x: float, align: str) -> float:
        y = MARGIN
        self.canvas.text(x, y, BLOCK_WIDTH, self.layout.title, align=align, size=18, bold=True)
        y += 12
        if self.layout.header_style == "grid":
            for label, value in self._header_fields():
                self.canvas.text(x, y, 36, self._label(label), bold=True)
                self.canvas.text(x + 37, y, BLOCK_WIDTH - 37, value)
                y += 5.2
        elif self.layout.header_style == "inline":
            for label, value in self._header_fields():
                text = f"{label}{self.words.colon} {value}"
                self.canvas.text(x, y, BLOCK_WIDTH, text, align=align)
                y += 5.2
        return y

    def _party_block(self, x: float, y: float, label: str, name: str, lines: tuple[str, ...],
                     *, inline: bool) -> float:  # fmt: skip
        if inline:
            self.canvas.text(x, y, BLOCK_WIDTH, f"{label}{self.words.colon} {name}", size=10)
            y += 5.5
        else:
            self.canvas.text(x, y, BLOCK_WIDTH, self._label(label), bold=True, muted=True)
            y += 5
            self.canvas.text(x, y, BLOCK_WIDTH, name, size=10)
            y += 5.5
        for line in lines:
            self.canvas.text(x, y, BLOCK_WIDTH, line)
            y += 4.5
        return y

    def _header_table(self, y: float) -> float:
        fields = self._header_fields()
        width = self.usable / len(fields)
        self.canvas.rule(MARGIN, y - 1.5, MARGIN + self.usable, grey=160)
        for index, (label, value) in enumerate(fields):
            x = MARGIN + index * width
            self.canvas.text(x, y, width, label, bold=True, muted=True)
            self.canvas.text(x, y + 5.5, width, value)
        self.canvas.rule(MARGIN, y + 11, MARGIN + self.usable, grey=160)
        return y + 15

    def _first_page_header(self) -> float:
        layout, content = self.layout, self.content
        right_x = self.width - MARGIN - BLOCK_WIDTH
        if layout.vendor_side == "left":
            vendor_end = self._vendor_block(MARGIN, "L")
            title_end = self._title_block(right_x, "R" if layout.header_style != "grid" else "L")
        else:
            vendor_end = self._vendor_block(right_x, "R")
            title_end = self._title_block(MARGIN, "L")
        y = max(vendor_end, title_end) + 7
        customer = content.customer
        end = self._party_block(MARGIN, y, layout.customer_label, customer.name, customer.lines,
                                inline=layout.customer_inline)  # fmt: skip
        if layout.ship_to:
            ship = content.ship_to
            ship_end = self._party_block(
                right_x, y, self.words.ship_to, ship.name, ship.lines, inline=False
            )
            end = max(end, ship_end)
        y = end + 6
        if layout.header_style == "table":
            y = self._header_table(y + 2)
        return y

    def _continuation_header(self, page: int, pages: int) -> float:
        layout, number = self.layout, self.content.number
        y = MARGIN
        if layout.continuation_vendor:
            self.canvas.text(MARGIN, y, 120, self.content.vendor.name, size=11, bold=True)
            y += 7
        template = self.words.continued[layout.continuation]
        headline = template.format(label=layout.number_label, number=number)
        self.canvas.text(MARGIN, y, 120, headline, size=10, bold=layout.continuation == 0)
        if layout.continuation != 2 and not layout.page_footer:
            right_x = self.width - MARGIN - 50
            page_of = self.words.page_of.format(page=page, pages=pages)
            self.canvas.text(right_x, y, 50, page_of, align="R", muted=True)
        return y + 11

    def _totals(self, y: float) -> float:
        layout, content = self.layout, self.content
        x = self.width - MARGIN - 80
        rows = (
            (layout.subtotal_label, content.subtotal, False),
            (layout.tax_label, content.tax, False),
            (layout.total_label, content.total, True),
        )
        for label, value, bold in rows:
            if bold:
                self.canvas.rule(x, y - 0.8, x + 80, grey=60)
            self.canvas.text(x, y, 45, self._label(label), bold=bold)
            self.canvas.text(x + 45, y, 35, self._total_money(value), align="R", bold=bold)
            y += 6.5
        return y

    def _footer(self, page: int, pages: int) -> None:
        if self.layout.page_footer:
            page_of = self.words.page_of.format(page=page, pages=pages)
            self.canvas.text(MARGIN, self.height - 12, self.usable, page_of,
                       align="C", size=8, muted=True)  # fmt: skip

    # -- the document ------------------------------------------------------------

    def render(self) -> bytes:
        """Draw every page and return the finished PDF."""
        content, layout = self.content, self.layout
        pdf = self.canvas.pdf
        # Fixed metadata: the creation date is the invoice date, so output is repeatable.
        issued = dt.datetime.combine(content.issue_date, dt.time(9, 0), tzinfo=dt.UTC)
        pdf.set_creation_date(issued)
        pdf.set_title(f"Invoice {content.number}")
        pdf.set_author(content.vendor.name)
        pdf.set_creator("invoice_gen")
        pages = len(content.pages)
        running = Decimal(0)
        for page, items in enumerate(content.pages, start=1):
            pdf.add_page()
            first = page == 1
            y = self._first_page_header() if first else self._continuation_header(page, pages)
            y = self._table_header(y)
            if page > 1 and layout.carried_forward:
                y = self._forward_row(y, self.words.brought_forward, running)
            y = self._items(y, items)
            running += sum((item.amount for item in items), Decimal(0))
            if page < pages:
                if layout.carried_forward:
                    y = self._forward_row(y, self.words.carried_forward, running)
                if layout.continuation != 2:
                    note = self.words.continued_note
                    self.canvas.text(MARGIN, y + 4, 80, note, size=8, muted=True)
                    y += 4 + ROW_HEIGHT
            else:
                y = self._closing(y)
            self._finish_page(y, page, pages)
        return bytes(pdf.output())

    def _closing(self, y: float) -> float:
        """The last page's end: totals, then the payment notes."""
        return self._notes(self._totals(y + 5))

    def _notes(self, y: float) -> float:
        for note in self.notes:
            self.canvas.text(MARGIN, y + 6, self.usable, note, size=8.5)
            y += 4.8
        return y + 6

    def _finish_page(self, y: float, page: int, pages: int) -> None:
        """Called once a page's content ends at `y`."""
        self._footer(page, pages)
