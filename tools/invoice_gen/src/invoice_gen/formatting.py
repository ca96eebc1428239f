"""How numbers, dates and currencies are written on a generated invoice.

Date rule (keeps every printed date resolvable without knowing the generator):

* A slashed numeric date is month-first (03/14/2025) only on USD invoices and
  day-first (14/03/2025) only on non-USD invoices, so the currency tells a reader
  which convention applies when both parts are 12 or less.
* Whenever a slashed format is used, the currency is printed on the first page
  (header field or column heading), because that page carries the dates.
* Dotted dates (14.03.2025) are always day-first; ISO and month-name dates are
  unambiguous by themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

DATE_FORMATS_USD = ("iso", "mdy_slash", "mdy_long", "mdy_abbr")
DATE_FORMATS_OTHER = ("iso", "dmy_slash", "dmy_dot", "dmy_long", "dmy_abbr", "mdy_long")
SLASHED_FORMATS = frozenset({"mdy_slash", "dmy_slash"})

# All-numeric dates by part order and separator; "iso" is ymd with dashes.
NUMERIC_DATE_FORMATS = (
    "dmy_slash", "dmy_dot", "dmy_dash", "mdy_slash", "mdy_dot", "mdy_dash",
    "iso", "ymd_slash", "ymd_dot",
)  # fmt: skip


@dataclass(frozen=True)
class NumberStyle:
    """Digit grouping and decimal mark, e.g. group="." and decimal="," for 1.234,56."""

    group: str
    decimal: str


NUMBER_STYLES: dict[str, NumberStyle] = {
    "comma_dot": NumberStyle(",", "."),  # 1,234.56
    "dot_comma": NumberStyle(".", ","),  # 1.234,56
    # A no-break space, as French and Swedish typography use, so a layout engine never
    # breaks or widens the gap inside one number.
    "space_comma": NumberStyle("\u00a0", ","),  # 1 234,56
    # French typography's narrow no-break space; outside Windows-1252 (see fonts.py).
    "narrow_space_comma": NumberStyle("\u202f", ","),  # 1 234,56
    # A plain space, as typed on many small-business invoices.
    "ascii_space_comma": NumberStyle(" ", ","),  # 1 234,56
    "apos_dot": NumberStyle("'", "."),  # 1'234.56 (Swiss)
    "plain_dot": NumberStyle("", "."),  # 1234.56
    "plain_comma": NumberStyle("", ","),  # 1234,56
}


@dataclass(frozen=True)
class CurrencyInfo:
    """Conventions that travel with a currency on a real invoice."""

    code: str
    decimals: int
    # A latin-1 symbol that names this currency unambiguously, if there is one.
    symbol: str | None
    number_styles: tuple[str, ...]
    # (tax name, rate in percent) pairs used in that currency's market.
    taxes: tuple[tuple[str, str], ...]
    page_format: str


CURRENCIES: dict[str, CurrencyInfo] = {
    "USD": CurrencyInfo(
        "USD", 2, "$", ("comma_dot", "comma_dot", "plain_dot"),
        (("Sales Tax", "8.25"), ("Sales Tax", "7"), ("Tax", "6.5"), ("Tax", "0")),
        "Letter",
    ),
    "EUR": CurrencyInfo(
        "EUR", 2, None, ("dot_comma", "space_comma", "comma_dot", "plain_comma"),
        (("VAT", "20"), ("VAT", "19"), ("VAT", "21"), ("VAT", "5.5")),
        "A4",
    ),
    "GBP": CurrencyInfo("GBP", 2, "£", ("comma_dot",), (("VAT", "20"), ("VAT", "5")), "A4"),
    "CHF": CurrencyInfo(
        "CHF", 2, None, ("apos_dot", "comma_dot"), (("VAT", "8.1"), ("VAT", "2.6")), "A4"
    ),
    "CAD": CurrencyInfo(
        "CAD", 2, "C$", ("comma_dot", "space_comma"), (("GST", "5"), ("HST", "13")), "Letter"
    ),
    "AUD": CurrencyInfo("AUD", 2, "A$", ("comma_dot",), (("GST", "10"),), "A4"),
    "JPY": CurrencyInfo(
        "JPY", 0, "¥", ("comma_dot",), (("Consumption Tax", "10"), ("Tax", "8")), "A4"
    ),
    "SEK": CurrencyInfo("SEK", 2, None, ("space_comma", "dot_comma"), (("VAT", "25"),), "A4"),
}  # fmt: skip


def round_money(value: Decimal, decimals: int) -> Decimal:
    """Commercial rounding (half up) to the currency's minor unit."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def format_number(value: Decimal, style: NumberStyle, decimals: int) -> str:
    """Write `value` with grouping and exactly `decimals` fraction digits."""
    sign = "-" if value < 0 else ""
    fixed = f"{abs(value):.{decimals}f}"
    whole, _, fraction = fixed.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = style.group.join(groups)
    if decimals:
        text += style.decimal + fraction
    return sign + text


def format_quantity(value: Decimal, style: NumberStyle) -> str:
    """Quantities are written with as few decimals as they need: 3, 1.5, 2.25."""
    text = format(value.normalize(), "f")
    return text.replace(".", style.decimal)


def format_rate(rate: str, style: NumberStyle) -> str:
    """A tax rate such as 8.25 in the page's decimal convention."""
    return rate.replace(".", style.decimal)


def format_date(value: dt.date, fmt: str) -> str:
    """Write a date in one of the formats named in DATE_FORMATS_* or NUMERIC_DATE_FORMATS."""
    month = MONTHS[value.month - 1]
    day, month_number = f"{value.day:02d}", f"{value.month:02d}"
    match fmt:
        case "dmy_dash":
            return f"{day}-{month_number}-{value.year}"
        case "mdy_dot":
            return f"{month_number}.{day}.{value.year}"
        case "mdy_dash":
            return f"{month_number}-{day}-{value.year}"
        case "ymd_slash":
            return f"{value.year}/{month_number}/{day}"
        case "ymd_dot":
            return f"{value.year}.{month_number}.{day}"
        case "iso":
            return value.isoformat()
        case "mdy_slash":
            return f"{value.month:02d}/{value.day:02d}/{value.year}"
        case "dmy_slash":
            return f"{value.day:02d}/{value.month:02d}/{value.year}"
        case "dmy_dot":
            return f"{value.day:02d}.{value.month:02d}.{value.year}"
        case "mdy_long":
            return f"{month} {value.day}, {value.year}"
        case "dmy_long":
            return f"{value.day} {month} {value.year}"
        case "dmy_abbr":
            return f"{value.day} {month[:3]} {value.year}"
        case "mdy_abbr":
            return f"{month[:3]} {value.day}, {value.year}"
    raise ValueError(f"unknown date format {fmt!r}")
