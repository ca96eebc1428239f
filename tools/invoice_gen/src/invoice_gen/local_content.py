"""The facts of a localised invoice: a country's parties, items and tax.

Same arithmetic as content.build_content (amount = quantity x unit price rounded
half up, subtotal = sum, tax = subtotal x rate rounded, total = subtotal + tax),
with names, addresses and item descriptions in the invoice's language. Long
descriptions, made from a base description and detail phrases, are what the
renderer wraps over several lines.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from decimal import Decimal

from invoice_gen.content import (
    InvoiceContent,
    Item,
    Party,
    quantity_for,
    slipped_total,
    unit_price,
)
from invoice_gen.formatting import CurrencyInfo, round_money
from invoice_gen.languages import Language
from invoice_gen.markets import Market
from invoice_gen.vocab import BANKS, CATALOG

ITEMS_PER_PAGE = (4, 10)
# A long description is wrapped by the renderer; this many per page at most keeps
# every page's table within the page.
MAX_LONG_PER_PAGE = 3
LONG_SHARE = 0.4
MAX_LONG_CHARS = 105


def _ascii_word(name: str) -> str:
    """The first word of `name` as lowercase ascii letters, for an e-mail domain."""
    plain = unicodedata.normalize("NFKD", name.split()[0]).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]", "", plain.lower()) or "office"


def _street(rng: random.Random, market: Market) -> str:
    return market.street_line.format(street=rng.choice(market.streets), n=rng.randint(1, 180))


def _parties(rng: random.Random, language: Language, market: Market) -> tuple[Party, ...]:
    vendor_name = rng.choice(language.vendors)
    extras = [market.phone, f"info@{_ascii_word(vendor_name)}.example", market.tax_id]
    vendor_lines = [_street(rng, market), rng.choice(market.cities)]
    vendor_lines += rng.sample(extras, rng.randint(1, len(extras)))
    customer = Party(
        rng.choice(language.customers), (_street(rng, market), rng.choice(market.cities))
    )
    dock = language.dock.format(n=rng.randint(1, 9))
    ship_to = Party(dock, (_street(rng, market), rng.choice(market.cities)))
    return Party(vendor_name, tuple(vendor_lines)), customer, ship_to


def _invoice_number(rng: random.Random, language: Language, year: int) -> str:
    n = rng.randint(1, 99999)
    shape = rng.choice(language.number_shapes)
    return shape.format(year=year, n3=f"{n % 1000:03d}", n4=f"{n % 10000:04d}", n5=f"{n:05d}")


def _long_description(rng: random.Random, language: Language, base: str) -> str:
    details = [d.format(n=rng.randint(1000, 9999)) for d in rng.sample(language.details, 2)]
    description = f"{base}, {details[0]}, {details[1]}"
    return description if len(description) <= MAX_LONG_CHARS else f"{base}, {details[0]}"


def _items(
    rng: random.Random,
    language: Language,
    currency: CurrencyInfo,
    issue: dt.date,
    count: int,
    *,
    long_descriptions: bool,
) -> tuple[Item, ...]:
    catalog = [entry for entry in CATALOG if entry.description in (language.items or {})]
    items = []
    long_left = MAX_LONG_PER_PAGE if long_descriptions else 0
    for _ in range(count):
        entry = rng.choice(catalog)
        description = (language.items or {})[entry.description]
        if entry.kind == "month":
            month = language.months[issue.month - 1]
            description = language.month_item.format(
                description=description, month=month, year=issue.year
            )
        if long_left and rng.random() < LONG_SHARE:
            description = _long_description(rng, language, description)
            long_left -= 1
        quantity = quantity_for(rng, entry)
        price = unit_price(rng, entry, currency)
        code = f"{entry.code_prefix}-{rng.randint(100, 9999)}"
        items.append(Item(code, description, quantity, price, round_money(quantity * price, 2)))
    return tuple(items)


def bank_account(rng: random.Random, country: str) -> str:
    """An account line: an IBAN with valid check digits, or a US routing number."""
    if country == "US":
        return f"Routing {rng.randint(10**8, 10**9 - 1)}, Account {rng.randint(10**7, 10**8 - 1)}"
    bban = "".join(str(rng.randint(0, 9)) for _ in range(18))
    # ISO 13616: letters become 10-35, the country and "00" move to the end, mod 97.
    digits = bban + "".join(str(ord(ch) - 55) for ch in country) + "00"
    iban = f"{country}{98 - int(digits) % 97:02d}{bban}"
    return "IBAN " + " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def build_local_content(
    content_rng: random.Random,
    items_rng: random.Random,
    pages: int,
    language: Language,
    market: Market,
    *,
    long_descriptions: bool,
    slip_rng: random.Random | None = None,
) -> InvoiceContent:
    """Pick a localised invoice's facts; items come from `items_rng` alone."""
    tax_name = content_rng.choice(market.tax_names)
    tax_rate = content_rng.choice(market.tax_rates)
    currency = CurrencyInfo(
        market.currency, 2, market.symbol, (), ((tax_name, tax_rate),), market.page_format
    )
    issue = dt.date(2024, 1, 1) + dt.timedelta(days=content_rng.randint(0, 730))
    terms = content_rng.choice((14, 30, 30, 45, 60, None))
    vendor, customer, ship_to = _parties(content_rng, language, market)
    number = _invoice_number(content_rng, language, issue.year)
    po_number = f"PO-{content_rng.randint(10000, 99999)}" if content_rng.random() < 0.3 else None
    page_items = tuple(
        _items(
            items_rng,
            language,
            currency,
            issue,
            items_rng.randint(*ITEMS_PER_PAGE),
            long_descriptions=long_descriptions,
        )
        for _ in range(pages)
    )
    subtotal = sum((item.amount for page in page_items for item in page), Decimal(0))
    tax = round_money(subtotal * Decimal(tax_rate) / 100, 2)
    total = subtotal + tax
    if slip_rng is not None:
        total = slipped_total(slip_rng, total, 2)
    return InvoiceContent(
        number=number,
        issue_date=issue,
        due_date=issue + dt.timedelta(days=terms) if terms is not None else None,
        terms_days=terms,
        currency=currency,
        vendor=vendor,
        customer=customer,
        ship_to=ship_to,
        po_number=po_number,
        bank=content_rng.choice(BANKS),
        pages=page_items,
        tax_name=tax_name,
        tax_rate=tax_rate,
        subtotal=subtotal,
        tax=tax,
        total=total,
    )


def local_notes(
    rng: random.Random, content: InvoiceContent, language: Language, market: Market
) -> tuple[str, ...]:
    """Payment terms, the bank line and a closing note, in the invoice's language."""
    if content.terms_days is None:
        terms = language.due_on_receipt
    else:
        terms = rng.choice(language.terms).format(days=content.terms_days)
    account = bank_account(rng, market.iban_country)
    bank = language.bank.format(bank=content.bank, account=account)
    return (terms, bank, rng.choice(language.closing_notes))
