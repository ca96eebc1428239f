"""The facts of a generated invoice: parties, dates, line items and totals.

All arithmetic is exact Decimal: amount = quantity x unit price rounded half up to
the currency's minor unit, subtotal = sum of amounts, tax = subtotal x rate rounded,
total = subtotal + tax (unless the invoice is deliberately inconsistent).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass
from decimal import Decimal

from invoice_gen.formatting import CURRENCIES, MONTHS, CurrencyInfo, round_money
from invoice_gen.vocab import (
    BANKS,
    CATALOG,
    CITIES,
    CUSTOMERS,
    HOURS,
    STREETS,
    VENDORS,
    CatalogItem,
)

# Roughly how many of a currency buy one US dollar, to scale catalogue prices.
_USD_RATE: dict[str, Decimal] = {
    "USD": Decimal(1),
    "EUR": Decimal("0.92"),
    "GBP": Decimal("0.79"),
    "CHF": Decimal("0.88"),
    "CAD": Decimal("1.36"),
    "AUD": Decimal("1.52"),
    "JPY": Decimal(150),
    "SEK": Decimal("10.5"),
}

_PHONES: dict[str, str] = {
    "USD": "+1 (512) 555-0142",
    "EUR": "+49 30 1234 5678",
    "GBP": "+44 20 7946 0958",
    "CHF": "+41 44 668 18 00",
    "CAD": "+1 (416) 555-0199",
    "AUD": "+61 2 9876 5432",
    "JPY": "+81 3-1234-5678",
    "SEK": "+46 8 123 456 78",
}

_TAX_IDS: dict[str, str] = {
    "USD": "Tax ID: 12-3456789",
    "EUR": "VAT No.: DE123456789",
    "GBP": "VAT No.: GB123456789",
    "CHF": "VAT No.: CHE-123.456.789 MWST",
    "CAD": "Business No.: 123456789 RT0001",
    "AUD": "ABN: 51 824 753 556",
    "JPY": "Registration No.: T1234567890123",
    "SEK": "VAT No.: SE556677889901",
}


_HOURLY_CATALOG = tuple(entry for entry in CATALOG if entry.kind == "hour")


@dataclass(frozen=True)
class Party:
    """A vendor or customer: a name and the address lines printed under it."""

    name: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Item:
    """One billed line, with the item code some layouts print in their own column."""

    code: str
    description: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal


@dataclass(frozen=True)
class InvoiceContent:
    """Everything an invoice says, independent of how it is laid out."""

    number: str
    issue_date: dt.date
    due_date: dt.date | None
    terms_days: int | None
    currency: CurrencyInfo
    vendor: Party
    customer: Party
    ship_to: Party
    po_number: str | None
    bank: str
    pages: tuple[tuple[Item, ...], ...]
    tax_name: str
    tax_rate: str
    subtotal: Decimal
    tax: Decimal
    total: Decimal  # as printed; differs from subtotal + tax when inconsistent

    @property
    def items(self) -> list[Item]:
        return [item for page in self.pages for item in page]


def choose_parties(rng: random.Random, currency: str) -> tuple[Party, Party, Party]:
    """Vendor, customer and ship-to parties with addresses in the currency's region."""
    vendor_name = rng.choice(VENDORS)
    customer_name = rng.choice(CUSTOMERS)
    cities = CITIES[currency]
    vendor_lines = [f"{rng.randint(1, 480)} {rng.choice(STREETS)}", rng.choice(cities)]
    # Domain from the first word, ascii only, so it reads like a real address.
    domain = re.sub(r"[^a-z]", "", vendor_name.split()[0].lower()) or "vendor"
    extras = [_PHONES[currency], f"accounts@{domain}.example", _TAX_IDS[currency]]
    vendor_lines += rng.sample(extras, rng.randint(0, len(extras)))
    customer_lines = (f"{rng.randint(1, 480)} {rng.choice(STREETS)}", rng.choice(cities))
    ship_lines = (
        f"Receiving Dock {rng.randint(1, 9)}",
        f"{rng.randint(1, 480)} {rng.choice(STREETS)}",
        rng.choice(cities),
    )
    return (
        Party(vendor_name, tuple(vendor_lines)),
        Party(customer_name, customer_lines),
        Party(ship_lines[0], ship_lines[1:]),
    )


def invoice_number(rng: random.Random, year: int) -> str:
    """An invoice number in one of several common shapes."""
    n = rng.randint(1, 99999)
    shapes = (
        f"INV-{year}-{n % 10000:04d}",
        f"INV{n:05d}",
        f"{year}-{n % 10000:04d}",
        f"A-{n:05d}",
        f"F{year}/{n % 1000:03d}",
        f"{n + 100000:06d}",
        f"SI-{n:06d}",
    )
    return rng.choice(shapes)


def unit_price(rng: random.Random, entry: CatalogItem, currency: CurrencyInfo) -> Decimal:
    """A catalogue price in `currency`, with the endings real price lists use."""
    usd = Decimal(rng.randint(entry.low * 100, entry.high * 100)) / 100
    local = usd * _USD_RATE[currency.code]
    if currency.decimals == 0:
        # Yen prices end in a round ten, as they do on real price lists.
        return round_money(local / 10, 0) * 10
    price = round_money(local, 2)
    ending = rng.choice(("keep", "keep", "whole", "half", "99"))
    whole = price.to_integral_value()
    if ending == "whole":
        price = whole
    elif ending == "half":
        price = whole + Decimal("0.50")
    elif ending == "99" and whole >= 1:
        price = whole - Decimal("0.01")
    return max(price, Decimal("0.50"))


def quantity_for(rng: random.Random, entry: CatalogItem) -> Decimal:
    """How many of `entry` one line bills: hours, months or units."""
    if entry.kind == "hour":
        return Decimal(rng.choice(HOURS))
    if entry.kind == "month":
        return Decimal(rng.choice((1, 1, 1, 3, 6, 12)))
    if entry.high < 15:
        # Cheap consumables are bought by the dozen or hundred.
        return Decimal(rng.randint(10, 250))
    return Decimal(rng.choice((1, 1, 2, 3, 4, 5, 6, 8, 10, 12, 20)))


def make_item(
    rng: random.Random, currency: CurrencyInfo, issue: dt.date, *, hourly: bool = False
) -> Item:
    """One line item with a consistent amount; `hourly` restricts it to billed hours."""
    entry = rng.choice(_HOURLY_CATALOG if hourly else CATALOG)
    description = entry.description
    if entry.kind == "month" and len(description) <= 26:
        description += f" - {MONTHS[issue.month - 1]} {issue.year}"
    elif entry.kind == "hour" and rng.random() < 0.25:
        description += rng.choice((" (senior)", " (remote)", " - phase 2"))
    quantity = quantity_for(rng, entry)
    price = unit_price(rng, entry, currency)
    code = f"{entry.code_prefix}-{rng.randint(100, 9999)}"
    amount = round_money(quantity * price, currency.decimals)
    return Item(code, description, quantity, price, amount)


def slipped_total(slip_rng: random.Random, total: Decimal, decimals: int) -> Decimal:
    """A plausible slip: the printed total off by a small, non-zero amount."""
    cents = 0 if decimals == 0 else slip_rng.randint(1, 99)
    delta = Decimal(slip_rng.randint(1, 90)) + Decimal(cents) / 100
    if decimals == 0:
        delta *= 100
    # Only undercharge when the total stays comfortably positive.
    undercharge = slip_rng.random() < 0.5 and total > 2 * delta
    return total - delta if undercharge else total + delta


def build_content(
    style_rng: random.Random,
    items_rng: random.Random,
    pages: int,
    *,
    hourly: bool,
    slip_rng: random.Random | None = None,
) -> InvoiceContent:
    """Pick the facts: identity and parties from `style_rng`, items from `items_rng`.

    Splitting the streams keeps one seed's vendor, currency and look the same
    whatever the page count, which makes demo files easier to compare. With a
    `slip_rng` the printed total is made wrong, and nothing else changes.
    """
    currency = CURRENCIES[style_rng.choice(sorted(CURRENCIES))]
    issue = dt.date(2024, 1, 1) + dt.timedelta(days=style_rng.randint(0, 730))
    terms = style_rng.choice((14, 30, 30, 45, 60, None))
    due = issue + dt.timedelta(days=terms) if terms is not None else None
    vendor, customer, ship_to = choose_parties(style_rng, currency.code)
    number = invoice_number(style_rng, issue.year)
    po_number = f"PO-{style_rng.randint(10000, 99999)}" if style_rng.random() < 0.3 else None
    tax_name, tax_rate = style_rng.choice(currency.taxes)
    bank = style_rng.choice(BANKS)

    page_items = tuple(
        tuple(
            make_item(items_rng, currency, issue, hourly=hourly)
            for _ in range(items_rng.randint(6, 14))
        )
        for _ in range(pages)
    )
    subtotal = sum((item.amount for page in page_items for item in page), Decimal(0))
    tax = round_money(subtotal * Decimal(tax_rate) / 100, currency.decimals)
    total = subtotal + tax
    if slip_rng is not None:
        total = slipped_total(slip_rng, total, currency.decimals)
    return InvoiceContent(
        number=number,
        issue_date=issue,
        due_date=due,
        terms_days=terms,
        currency=currency,
        vendor=vendor,
        customer=customer,
        ship_to=ship_to,
        po_number=po_number,
        bank=bank,
        pages=page_items,
        tax_name=tax_name,
        tax_rate=tax_rate,
        subtotal=subtotal,
        tax=tax,
        total=total,
    )
