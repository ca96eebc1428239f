"""The first page's header of a localised invoice: vendor, invoice data, parties.

Split from variant_render.py so each module stays readable: this part decides
where the vendor, the invoice data and the customer go; the subclass in
variant_render.py draws the table, the totals and the formats.
"""

from __future__ import annotations

from invoice_gen.render import BLOCK_WIDTH, MARGIN, InvoiceRenderer
from invoice_gen.variant_layout import Look

# Where a letter's address window starts, as in DIN 5008.
WINDOW_TOP = 50.0
LABEL_GAP = 3.0
FIELD_STEP = 5.2
STACKED_STEP = 9.6
SENDER_SIZE = 6.5


class HeaderRenderer(InvoiceRenderer):
    """Header drawing for the variant layouts; `look` is set by the subclass."""

    look: Look

    def _first_page_header(self) -> float:
        layout, look = self.layout, self.look
        right_x = self.width - MARGIN - BLOCK_WIDTH
        vendor_left = layout.vendor_side == "left"
        vendor_end = self._vendor_block(
            MARGIN if vendor_left else right_x, "L" if vendor_left else "R"
        )
        if look.parties == "window":
            top = max(vendor_end + 6, WINDOW_TOP)
            parties_end = self._window(top)
            if layout.ship_to:
                parties_end = self._ship_to(MARGIN, parties_end + 3)
            y = max(parties_end, self._meta_block(right_x, top, align="L")) + 6
        else:
            meta_x = right_x if vendor_left else MARGIN
            meta_end = self._meta_block(meta_x, MARGIN, align="R" if vendor_left else "L")
            top = max(vendor_end, meta_end) + 7
            on_left = look.parties == "below_left"
            customer = self.content.customer
            y = self._party_block(
                MARGIN if on_left else right_x,
                top,
                layout.customer_label,
                customer.name,
                customer.lines,
                inline=layout.customer_inline,
            )
            if layout.ship_to:
                y = max(y, self._ship_to(right_x if on_left else MARGIN, top))
            y += 6
        if look.header == "table":
            y = self._header_table(y + 2)
        return y

    def _ship_to(self, x: float, y: float) -> float:
        ship = self.content.ship_to
        return self._party_block(x, y, self.words.ship_to, ship.name, ship.lines, inline=False)

    # -- the customer in an address window ---------------------------------------

    def _window(self, y: float) -> float:
        """A one-line sender address over the customer block, as in a window envelope."""
        vendor = self.content.vendor
        parts = [vendor.name, *vendor.lines[:2]]
        sender = " \u00b7 ".join(parts)
        if self.canvas.string_width(sender, size=SENDER_SIZE) > BLOCK_WIDTH - 2:
            sender = " \u00b7 ".join((vendor.name, vendor.lines[1]))
        self.canvas.text(MARGIN, y, BLOCK_WIDTH, sender, size=SENDER_SIZE, muted=True)
        self.canvas.rule(MARGIN + 1, y + 3.4, MARGIN + BLOCK_WIDTH - 4, grey=170)
        customer = self.content.customer
        return self._party_block(
            MARGIN,
            y + 6,
            self.layout.customer_label,
            customer.name,
            customer.lines,
            inline=self.layout.customer_inline,
        )

    # -- the invoice data (number, dates, currency, PO) ------------------------------

    def _meta_block(self, x: float, y: float, *, align: str) -> float:
        """The title and, unless they go in a table below, the invoice data fields."""
        header = self.look.header
        title_align = align if header in ("inline", "table") else "L"
        self.canvas.text(
            x, y, BLOCK_WIDTH, self.layout.title, align=title_align, size=18, bold=True
        )
        y += 12
        fields = self._header_fields()
        if header in ("grid", "grid_right"):
            return self._field_grid(x, y, fields, labels_right=header == "grid_right")
        if header == "stacked":
            return self._field_stack(x, y, fields)
        if header == "inline":
            for label, value in fields:
                text = f"{label}{self.words.colon} {value}"
                self.canvas.text(x, y, BLOCK_WIDTH, text, align=align)
                y += FIELD_STEP
        return y

    def _field_grid(
        self, x: float, y: float, fields: list[tuple[str, str]], *, labels_right: bool
    ) -> float:
        labels = [self._label(label) for label, _ in fields]
        label_width = max(self.canvas.string_width(label, bold=True) for label in labels)
        label_width += LABEL_GAP
        value_width = max(self.canvas.string_width(value) for _, value in fields) + LABEL_GAP
        # A block too wide for its column grows towards the page's middle.
        x = min(x, self.width - MARGIN - label_width - value_width)
        for label, (_, value) in zip(labels, fields, strict=True):
            self.canvas.text(
                x, y, label_width, label, bold=True, align="R" if labels_right else "L"
            )
            self.canvas.text(x + label_width, y, value_width, value)
            y += FIELD_STEP
        return y

    def _field_stack(self, x: float, y: float, fields: list[tuple[str, str]]) -> float:
        """Each value under its label, in two columns when they fit."""
        widest = max(
            max(
                self.canvas.string_width(label, bold=True, size=7.5),
                self.canvas.string_width(value, size=9.5),
            )
            for label, value in fields
        )
        columns = 2 if widest + LABEL_GAP < BLOCK_WIDTH / 2 else 1
        column_width = BLOCK_WIDTH / columns
        for index, (label, value) in enumerate(fields):
            left = x + (index % columns) * column_width
            top = y + (index // columns) * STACKED_STEP
            self.canvas.text(left, top, column_width, label, size=7.5, bold=True, muted=True)
            self.canvas.text(left, top + 3.8, column_width, value, size=9.5)
        rows = -(-len(fields) // columns)
        return y + rows * STACKED_STEP

    def _header_table(self, y: float) -> float:
        """Labels in one row, their values in the row below, wrapped onto more rows."""
        fields = self._header_fields()
        widths = [
            max(self.canvas.string_width(label, bold=True), self.canvas.string_width(value))
            + 2 * LABEL_GAP
            for label, value in fields
        ]
        rows: list[list[int]] = [[]]
        for index, width in enumerate(widths):
            if rows[-1] and sum(widths[i] for i in rows[-1]) + width > self.usable:
                rows.append([])
            rows[-1].append(index)
        for row in rows:
            spare = (self.usable - sum(widths[i] for i in row)) / len(row)
            self.canvas.rule(MARGIN, y - 1.5, MARGIN + self.usable, grey=160)
            x = MARGIN
            for index in row:
                label, value = fields[index]
                self.canvas.text(x, y, widths[index] + spare, label, bold=True, muted=True)
                self.canvas.text(x, y + 5.5, widths[index] + spare, value)
                x += widths[index] + spare
            self.canvas.rule(MARGIN, y + 11, MARGIN + self.usable, grey=160)
            y += 15
        return y
