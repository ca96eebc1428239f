"""Which currency a page is in: ISO codes first, symbols only as a fallback.

A code such as "EUR" names its currency exactly; "$" does not (US, Canadian,
Australian ... dollars), so a bare "$" counts as USD only when the page names no
code at all, and prefixed dollars ("C$", "A$", "NZ$") map to their own currencies.
"""

from __future__ import annotations

import re
from collections import Counter

# Common ISO 4217 codes. Deliberately not all of them: codes such as ALL, TOP or CUP
# are ordinary English words in capitals and would be found in headings (and RON is
# Spanish for rum: "PASAS AL RON").
ISO_CODES = frozenset(
    {
        "USD", "EUR", "GBP", "CHF", "CAD", "AUD", "JPY", "SEK", "NOK", "DKK",
        "PLN", "CZK", "HUF", "NZD", "SGD", "HKD", "CNY", "INR", "BRL", "MXN",
        "ZAR", "KRW", "TRY", "ILS", "AED", "SAR", "THB", "BGN", "ISK",
    }
)  # fmt: skip
CODE_PATTERN = r"(?<![A-Za-z])(?:" + "|".join(sorted(ISO_CODES)) + r")(?![A-Za-z])"
# Dollar signs with an optional country prefix, and the other currency symbols.
SYMBOL_PATTERN = r"(?:(?<![A-Za-z])[A-Z]{0,3}\$|[€£¥₹])"

_DOLLAR_PREFIXES = {
    "": "USD",
    "US": "USD",
    "C": "CAD",
    "CA": "CAD",
    "CAD": "CAD",
    "A": "AUD",
    "AU": "AUD",
    "AUD": "AUD",
    "NZ": "NZD",
    "HK": "HKD",
    "S": "SGD",
    "SG": "SGD",
    "R": "BRL",
    "MX": "MXN",
}
_SYMBOLS = {"€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
_CODE = re.compile(CODE_PATTERN)
_DOLLAR = re.compile(r"(?<![A-Za-z])([A-Z]{0,3})\$")
_OTHER_SYMBOL = re.compile(r"[€£¥₹]")


def _most_common(found: list[str]) -> str | None:
    if not found:
        return None
    counts = Counter(found)
    # Ties go to the currency seen first on the page.
    return max(counts, key=lambda code: (counts[code], -found.index(code)))


def currency_in(text: str) -> str | None:
    """The ISO code a short value names, e.g. "EUR", "C$" or "£"; None if none."""
    if match := _CODE.search(text):
        return match.group()
    return _symbols(text) or _words(text)


def _symbols(text: str) -> str | None:
    found = [code for prefix in _DOLLAR.findall(text) if (code := _DOLLAR_PREFIXES.get(prefix))]
    found += [_SYMBOLS[symbol] for symbol in _OTHER_SYMBOL.findall(text)]
    return _most_common(found)


# Currencies named in words, the weakest evidence: only when no code or symbol is printed.
_WORDS = {
    "EUR": r"euros?|euro's",
    "USD": r"(?:us\s+)?dollars?|dolares|dollari",
    "GBP": r"pounds?\s+sterling|sterling|pfund",
    "CHF": r"swiss\s+francs?|francs?\s+suisses?|schweizer\s+franken|franken|francs?|sfr\.?|fr\.",
    "PLN": r"zloty|zł|zl",
    "INR": r"rupees?|rs\.?",
    "CZK": r"kč|korun",
    "SEK": r"svenska\s+kronor|swedish\s+kronor",
    "DKK": r"danske\s+kroner|danish\s+kroner",
    "NOK": r"norske\s+kroner|norwegian\s+kroner",
}
_WORD = re.compile(
    r"(?<![\w])(?:"
    + "|".join(f"(?P<{code}>{words})" for code, words in _WORDS.items())
    + r")(?!\w)",
    re.IGNORECASE,
)


# Any currency word, for stripping from an amount ("4.510,76 euros").
WORD_PATTERN = r"(?<![\w])(?:" + "|".join(_WORDS.values()) + r")(?!\w)"


def _words(text: str) -> str | None:
    found = [match.lastgroup for match in _WORD.finditer(text) if match.lastgroup]
    return _most_common(found)


def detect_currency(text: str) -> str | None:
    """The page's currency: the most frequent ISO code, else the most frequent symbol,
    else a currency named in words ("euros", "Swiss francs")."""
    return _most_common(_CODE.findall(text)) or _symbols(text) or _words(text)
