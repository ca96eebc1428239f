"""Numbers as invoices print them: digit grouping, decimal marks, currency marks.

The decimal mark is a property of the page, not of one number: "1,234" is one
thousand two hundred and thirty-four on a page that writes 12.50, but one point two
three four on a page that writes 12,50. `detect_decimal_mark` looks at every number
on the page whose mark is unambiguous (one separator followed by one or two digits,
or both separators present) and takes the majority.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal, InvalidOperation

from extract_service.currency import CODE_PATTERN, SYMBOL_PATTERN, WORD_PATTERN

# No-break, narrow no-break, thin and figure spaces all serve as digit grouping, as
# do typographic apostrophes (U+2019) in Swiss numbers.
_TYPOGRAPHIC = str.maketrans(
    {"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ", "\u2019": "'", "\u02bc": "'"}
)

# A run of digits and separators that is not glued to a word, e.g. 1.234,56 or 8.25.
_NUMBER_TOKEN = re.compile(r"(?<![\w.,'])\d[\d.,']*(?<=\d)(?![\w])")
_CURRENCY_PREFIX = re.compile(
    rf"^(?:{CODE_PATTERN}\s*|{SYMBOL_PATTERN}\s*|{WORD_PATTERN}\s*)", re.IGNORECASE
)
_CURRENCY_SUFFIX = re.compile(
    rf"(?:\s*{CODE_PATTERN}|\s*{SYMBOL_PATTERN}|\s+{WORD_PATTERN})$", re.IGNORECASE
)
_PLAIN_NUMBER = re.compile(r"\d[\d ',.]*")
# "5,72,500/-": a whole amount, as India writes one (the dash where the paise would be).
_NO_FRACTION = re.compile(r"(?<=\d)/-$")


def normalize_text(text: str) -> str:
    """Map typographic spaces and apostrophes to their ASCII forms."""
    return text.translate(_TYPOGRAPHIC)


def _mark_vote(token: str) -> str | None:
    dots, commas = token.count("."), token.count(",")
    if dots and commas:
        last = "." if token.rfind(".") > token.rfind(",") else ","
        return last if token.count(last) == 1 else None
    if dots + commas != 1:
        return None  # none, or repeated: grouping or a date like 14.03.2025
    mark = "." if dots else ","
    tail = token.rsplit(mark, 1)[1]
    return mark if len(tail) in (1, 2) else None


def detect_decimal_mark(text: str) -> str | None:
    """The page's decimal mark, "." or ",", or None when the page does not say."""
    votes = Counter(
        vote
        for token in _NUMBER_TOKEN.findall(normalize_text(text))
        if (vote := _mark_vote(token)) is not None
    )
    if votes["."] == votes[","]:
        return None
    return "." if votes["."] > votes[","] else ","


def _decimal_mark_of(token: str, page_mark: str | None) -> str | None:
    """Which separator in `token` is its decimal mark, if any."""
    dots, commas = token.count("."), token.count(",")
    if dots and commas:
        return "." if token.rfind(".") > token.rfind(",") else ","
    if dots + commas != 1:
        return None
    mark = "." if dots else ","
    tail = token.rsplit(mark, 1)[1]
    if len(tail) != 3 or page_mark == mark:
        return mark
    # "1'234.567" or "1 234,567": with other grouping present the mark must be decimal.
    return mark if (" " in token or "'" in token) else None


def _grouped_digits(whole: str) -> str | None:
    """Digits of an integer part, checking any grouping is in threes."""
    separators = {ch for ch in whole if not ch.isdigit()}
    if not separators:
        return whole
    if len(separators) > 1:
        return None
    separator = separators.pop()
    groups = whole.split(separator)
    if separator == "," and _INDIAN_GROUPS.fullmatch(whole):
        return "".join(groups)  # lakhs and crores: "1,86,760", "2,14,50,000"
    if not 1 <= len(groups[0]) <= 3 or any(len(group) != 3 for group in groups[1:]):
        return None
    return "".join(groups)


# India groups the thousands and then every two digits.
_INDIAN_GROUPS = re.compile(r"\d{1,2}(?:,\d{2})*,\d{2},\d{3}")


def parse_number(text: str, page_mark: str | None = None) -> Decimal | None:
    """A plain number (no currency) such as 1,234.56, 1.234,56, 1 234,56 or 2.25."""
    token = normalize_text(text).strip()
    negative = token.startswith("-")
    token = token.removeprefix("-").strip()
    if not token or not _PLAIN_NUMBER.fullmatch(token) or not token[-1].isdigit():
        return None
    mark = _decimal_mark_of(token, page_mark)
    whole, fraction = token.rsplit(mark, 1) if mark else (token, "")
    if fraction and not fraction.isdigit():
        return None
    digits = _grouped_digits(whole)
    if digits is None:
        return None
    try:
        value = Decimal(f"{digits}.{fraction}" if fraction else digits)
    except InvalidOperation:
        return None
    return -value if negative else value


def _split_currency(text: str) -> tuple[str, str, bool]:
    """(sign, amount text, whether a currency mark was removed)."""
    token = normalize_text(text).strip()
    sign = "-" if token.startswith("-") else ""
    body = token.removeprefix("-").strip()
    stripped = _CURRENCY_PREFIX.sub("", body, count=1)
    if stripped == body:
        stripped = _CURRENCY_SUFFIX.sub("", body, count=1)
    return sign, stripped.strip(), stripped != body


def strip_currency(text: str) -> str:
    """Remove one currency code or symbol before or after an amount."""
    sign, amount, _ = _split_currency(text)
    return sign + amount


def parse_money(text: str, page_mark: str | None = None) -> Decimal | None:
    """An amount, possibly marked with a currency: "EUR 1.234,56", "$12.50", "9 SEK"."""
    sign, amount, marked = _split_currency(_NO_FRACTION.sub("", text.rstrip()))
    # A sign may only precede the currency mark; after the mark the amount must start
    # with a digit, so an item code such as "EUR-116" is not read as -116.
    if marked and not amount[:1].isdigit():
        return None
    return parse_number(sign + amount, page_mark)


def amounts_in(text: str, page_mark: str | None = None) -> set[Decimal]:
    """Every number printed in `text` with two decimals: the amounts a page shows."""
    found = set()
    for token in _NUMBER_TOKEN.findall(normalize_text(text)):
        value = parse_number(token, page_mark)
        if value is not None and fraction_digits(token, page_mark) == 2:
            found.add(value)
    return found


def fraction_digits(text: str, page_mark: str | None = None) -> int:
    """How many digits follow the decimal mark of an amount as printed."""
    token = strip_currency(text).lstrip("-")
    mark = _decimal_mark_of(token, page_mark)
    return len(token.rsplit(mark, 1)[1]) if mark else 0
