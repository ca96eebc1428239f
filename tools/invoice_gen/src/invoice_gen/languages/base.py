"""What a language contributes to an invoice: labels, phrases, names and dates.

Every word list offers several synonyms, drawn per invoice, because real invoices
of one country do not all say the same thing. Text is limited to Windows-1252,
which the built-in PDF fonts can draw.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from invoice_gen.wording import Wording

ROLES = ("pos", "code", "desc", "qty", "price", "amount")


@dataclass(frozen=True)
class Language:
    """One language's invoice vocabulary."""

    code: str
    titles: tuple[str, ...]
    number_labels: tuple[str, ...]
    date_labels: tuple[str, ...]
    due_labels: tuple[str, ...]
    customer_labels: tuple[str, ...]
    vendor_labels: tuple[str, ...]
    ship_to_labels: tuple[str, ...]
    subtotal_labels: tuple[str, ...]
    total_labels: tuple[str, ...]
    # Templates with {name} (the tax's local name) and {rate} (e.g. "19" or "5,5").
    tax_labels: tuple[str, ...]
    currency_labels: tuple[str, ...]
    po_labels: tuple[str, ...]
    # Line-item table headings per column role (see ROLES).
    columns: Mapping[str, tuple[str, ...]]
    wording: Wording
    months: tuple[str, ...]
    months_abbr: tuple[str, ...]
    # Day-first date templates with {day}, {month} and {year}.
    long_date: str
    abbr_date: str
    # Month-first templates, for the languages that write dates that way.
    long_date_month_first: str | None = None
    abbr_date_month_first: str | None = None
    # How the first day of a month is written, where it differs ("1er" in French).
    first_day: str = "1"
    # Payment terms with {days}, and the phrase for payment on receipt.
    terms: tuple[str, ...] = ()
    due_on_receipt: str = ""
    # A bank line with {bank} and {iban}.
    bank: str = ""
    closing_notes: tuple[str, ...] = ()
    vendors: tuple[str, ...] = ()
    customers: tuple[str, ...] = ()
    # Local descriptions keyed by the English catalogue description (vocab.CATALOG).
    items: Mapping[str, str] | None = None
    # Phrases appended to a description to make it long; {n} is a document number.
    details: tuple[str, ...] = ()
    # A monthly subscription line: {description}, {month} and {year}.
    month_item: str = "{description} - {month} {year}"
    # The ship-to party's first line; {n} is a dock or gate number.
    dock: str = "Receiving Dock {n}"
    # Invoice number shapes: {year}, {n3}, {n4} and {n5} are zero-padded numbers.
    number_shapes: tuple[str, ...] = ()
    # The currency written as a word, by ISO code ("1.234,56 euros").
    currency_words: Mapping[str, str] | None = None

    def date(self, value: dt.date, *, abbreviated: bool, month_first: bool) -> str:
        """A date with the month written out, e.g. "12 de marzo de 2024"."""
        if month_first:
            template = self.abbr_date_month_first if abbreviated else self.long_date_month_first
            if template is None:
                raise ValueError(f"{self.code} does not write dates month first")
        else:
            template = self.abbr_date if abbreviated else self.long_date
        month = (self.months_abbr if abbreviated else self.months)[value.month - 1]
        day = self.first_day if value.day == 1 else str(value.day)
        return template.format(day=day, month=month, year=value.year)

    def currency_word(self, code: str) -> str:
        """The currency as a word in this language, e.g. "Franken"; ValueError if none."""
        word = (self.currency_words or {}).get(code)
        if word is None:
            raise ValueError(f"{self.code} has no word for {code}")
        return word
