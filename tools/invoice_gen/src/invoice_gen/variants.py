"""Which localised look an invoice gets: the `Variant` a caller asks for.

Every field left as None is drawn from the seed; `resolve_variant` returns the
variant with every field set, so passing that back in reproduces the invoice.
Each field is drawn from its own random stream, so fixing one field (say, the
header style) leaves every other choice of that seed as it was.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from invoice_gen.formatting import NUMBER_STYLES, NUMERIC_DATE_FORMATS, format_date
from invoice_gen.languages import Language, get_language
from invoice_gen.markets import MARKETS, Market, markets_for
from invoice_gen.money import CURRENCY_FORMATS

MONTH_NAME_DATE_FORMATS = ("dmy_long", "dmy_abbr", "mdy_long", "mdy_abbr")
DATE_FORMATS = NUMERIC_DATE_FORMATS + MONTH_NAME_DATE_FORMATS
NUMBER_FORMATS = tuple(NUMBER_STYLES)
# Where the invoice number and dates sit: "grid" (labels | values), "grid_right"
# (labels right-aligned, values to their right), "inline" ("Label: value"),
# "stacked" (each value under its label) or "table" (a row of labels over a row
# of values, across the page).
HEADER_STYLES = ("grid", "grid_right", "inline", "stacked", "table")
VENDOR_SIDES = ("left", "right")
# The customer block: under the header on the left or right, or in a letter's
# address window under a one-line sender address, with the invoice data beside it.
PARTY_PLACEMENTS = ("below_left", "below_right", "window")
# Totals right-aligned under the table, in a framed box, or as the table's last rows.
TOTALS_STYLES = ("block", "box", "in_table")


@dataclass(frozen=True)
class Variant:
    """A localised invoice look; None means "draw it from the seed"."""

    language: str = "en"
    market: str | None = None
    number_format: str | None = None
    currency_format: str | None = None
    date_format: str | None = None
    header: str | None = None
    vendor_side: str | None = None
    parties: str | None = None
    totals: str | None = None
    long_descriptions: bool | None = None

    def names(self) -> dict[str, str | bool | None]:
        """Every field by name, e.g. for the "variant" key of a truth file."""
        return dataclasses.asdict(self)


def _check(name: str, value: str | None, allowed: Sequence[str]) -> None:
    if value is not None and value not in allowed:
        raise ValueError(f"unknown {name} {value!r}; known: {', '.join(allowed)}")


def _draw(seed: int, field: str, options: Sequence[str]) -> str:
    return random.Random(f"invoice-gen/variant/{seed}/{field}").choice(options)


def _check_request(variant: Variant, language: Language) -> None:
    _check("market", variant.market, [m.code for m in markets_for(language.code)])
    _check("number format", variant.number_format, NUMBER_FORMATS)
    _check("currency format", variant.currency_format, CURRENCY_FORMATS)
    _check("date format", variant.date_format, DATE_FORMATS)
    _check("header style", variant.header, HEADER_STYLES)
    _check("vendor side", variant.vendor_side, VENDOR_SIDES)
    _check("party placement", variant.parties, PARTY_PLACEMENTS)
    _check("totals style", variant.totals, TOTALS_STYLES)


def resolve_variant(seed: int, variant: Variant) -> Variant:
    """`variant` with every None field drawn from `seed` (and the given fields checked)."""
    language = get_language(variant.language)
    _check_request(variant, language)
    market = MARKETS[
        variant.market or _draw(seed, "market", [m.code for m in markets_for(language.code)])
    ]
    words = language.currency_words or {}
    # A word is only drawn where the language has one for the market's currency.
    currency_formats = [
        form for form in market.currency_formats if form != "word" or market.currency in words
    ]
    date_format = variant.date_format or _draw(seed, "dates", market.date_formats)
    currency_format = variant.currency_format or _draw(seed, "currency", currency_formats)
    # Fail now, not halfway through drawing a page, on a date or word the language lacks.
    localized_date(dt.date(2024, 1, 1), date_format, language)
    if currency_format == "word":
        language.currency_word(market.currency)
    long_descriptions = variant.long_descriptions
    if long_descriptions is None:
        long_descriptions = random.Random(f"invoice-gen/variant/{seed}/long").random() < 0.5
    return Variant(
        language=language.code,
        market=market.code,
        number_format=variant.number_format or _draw(seed, "numbers", market.number_formats),
        currency_format=currency_format,
        date_format=date_format,
        header=variant.header or _draw(seed, "header", HEADER_STYLES),
        vendor_side=variant.vendor_side or _draw(seed, "vendor", VENDOR_SIDES),
        parties=variant.parties or _draw(seed, "parties", PARTY_PLACEMENTS),
        totals=variant.totals or _draw(seed, "totals", TOTALS_STYLES),
        long_descriptions=long_descriptions,
    )


def market_of(variant: Variant) -> Market:
    """The market of a resolved variant."""
    if variant.market is None:
        raise ValueError("resolve the variant first")
    return MARKETS[variant.market]


def localized_date(value: dt.date, fmt: str, language: Language) -> str:
    """`value` in `fmt` (see DATE_FORMATS), month names in `language`."""
    if fmt in NUMERIC_DATE_FORMATS:
        return format_date(value, fmt)
    if fmt in MONTH_NAME_DATE_FORMATS:
        return language.date(
            value, abbreviated=fmt.endswith("abbr"), month_first=fmt.startswith("mdy")
        )
    raise ValueError(f"unknown date format {fmt!r}; known: {', '.join(DATE_FORMATS)}")
