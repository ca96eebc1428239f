"""Which currency a page is in: ISO codes first, symbols only as a fallback.

A code such as "EUR" names its currency exactly; "$" does not (US, Canadian,
Australian ... dollars, and the pesos), so a bare "$" counts only when the page names no
code at all, as the currency of the one "$" country the page names (else USD); prefixed
dollars ("C$", "A$", "NZ$", "R$") map to their own currencies.
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
        "ZAR", "KRW", "TRY", "ILS", "AED", "SAR", "THB", "BGN", "ISK", "MYR",
    }
)  # fmt: skip
# "Eur" too, as some accounting systems print it beside every amount ("Eur 319,03").
CODE_PATTERN = r"(?<![A-Za-z])(?:" + "|".join(sorted(ISO_CODES)) + r"|Eur)(?![A-Za-z])"
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
# What makes a "$" a currency: an amount after it ("$ 12", "NZ$-3"), an amount with cents
# before it ("12,99 $"), or a column's unit ("Price ($)"). Anything else, such as "$s" or
# "xerox $)", is too often a scan's misread S to name the page's currency. (Not applied to
# "€" or "£": no letter reads as them, and a scan's "€" may sit far from its amount.)
_AMOUNT_AFTER = re.compile(r"[ \t]*[-(]?\d")
_AMOUNT_BEFORE = re.compile(r"\d[.,]\d\d[ \t]*$")
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
        return match.group().upper()
    return _symbols(text) or _words(text)


# A country as the last part of an address: after a comma or alone on its line, and
# followed by the line's end, punctuation or a column gap.
_ADDRESS_END = r"(?:^\s*|,\s*){}(?=\s*$|\s*[,.;)]|\s{{2,}})"
# A bare "$" is the dollar, or the peso, of the one such country a page names (by name,
# web domain or the tax number only it uses), unless the page says US dollars:
# "Auckland ... www.example.co.nz" bills NZD, "C.U.I.T.: 20-1234..." bills ARS.
_DOLLAR_COUNTRIES = {
    # Also by a state or province before its postcode ("KITCHENER ON N2H 5M5", "Sydney
    # NSW 2000"; not "SA 2000", a Spanish company's form), a province or city that names
    # no other place, and any .ca/.au/.nz domain.
    "NZD": r"new\s+zealand|aotearoa|(?<=\w)\.nz(?![\w.-])|\bauckland\b|\bchristchurch\b",
    "AUD": r"australia|(?<=\w)\.au(?![\w.-])|(?-i:\b(?:NSW|VIC|QLD|TAS)\s+\d{4}\b)",
    "CAD": r"canada|\bqu[eé]bec\b|\bbritish\s+columbia\b|\bsaskatchewan\b|\bmanitoba\b|"
    r"\bnova\s+scotia\b|(?<=\w)\.ca(?![\w.-])|"
    r"(?-i:\b(?:ON|QC|BC|AB|MB|SK|NS|NB|NL|PE)\s+[A-Z]\d[A-Z]\s?\d[A-Z]\d\b)",
    "SGD": r"singapore|\.com\.sg",
    "HKD": r"hong\s+kong|\.com\.hk",
    # The pesos' countries only as an address ends (", Argentina"), a web domain, or
    # Argentina's tax number with its digits: "Argentina Malbec", "green chile" and
    # "jambon cuit" are not places, and New Mexico is a state.
    "ARS": rf"{_ADDRESS_END.format('argentina')}|\.com\.ar\b|"
    r"\bc\.?u\.?i\.?t\.?\s*(?:(?:n\s?[°º]|nro)\.?\s*)?:?\s*\d{2}-?\d{8}-?\d\b",
    "MXN": rf"{_ADDRESS_END.format('m[eé]xico')}|\.com\.mx\b",
    "CLP": rf"{_ADDRESS_END.format('chile')}|(?<=\w)\.cl(?![\w.-])",
    "COP": rf"{_ADDRESS_END.format('colombia')}|\.com\.co(?![\w.-])",
}
_COUNTRY = re.compile(
    "|".join(f"(?P<{code}>{names})" for code, names in _DOLLAR_COUNTRIES.items()),
    re.IGNORECASE | re.MULTILINE,
)
_US_DOLLARS = re.compile(r"(?<!\w)(?:u\.?s\.?\s+dollars?|usd)(?!\w)", re.IGNORECASE)


def _bare_dollar(text: str) -> str:
    if _US_DOLLARS.search(text):
        return "USD"
    named = {match.lastgroup for match in _COUNTRY.finditer(text) if match.lastgroup}
    return named.pop() if len(named) == 1 else "USD"


def _dollar_signs(text: str) -> list[re.Match[str]]:
    """The dollar signs that stand for a currency (see _AMOUNT_AFTER)."""
    kept = []
    for match in _DOLLAR.finditer(text):
        before, after = text[max(0, match.start() - 8) : match.start()], text[match.end() :]
        if (
            _AMOUNT_AFTER.match(after)
            or _AMOUNT_BEFORE.search(before)
            or (before.endswith("(") and after.startswith(")"))
        ):
            kept.append(match)
    return kept


def _symbols(text: str) -> str | None:
    found = [
        _bare_dollar(text) if prefix == "" else code
        for match in _dollar_signs(text)
        if (code := _DOLLAR_PREFIXES.get(prefix := match.group(1)))
    ]
    found += [_SYMBOLS[symbol] for symbol in _OTHER_SYMBOL.findall(text)]
    return _most_common(found)


# Currencies named in words, the weakest evidence: only when no code or symbol is printed.
_WORDS = {
    "EUR": r"euros?|euro's",
    "AUD": r"australian\s+dollars?",
    "CAD": r"canadian\s+dollars?",
    "NZD": r"new\s+zealand\s+dollars?|nz\s+dollars?",
    "USD": r"(?:us\s+)?dollars?|dolares|dollari",
    "GBP": r"pounds?\s+sterling|sterling|pfund",
    "CHF": r"swiss\s+francs?|francs?\s+suisses?|schweizer\s+franken|franken|francs?|sfr\.?|fr\.",
    "PLN": r"zloty|zł|zl",
    "INR": r"rupees?|rs\.?",
    # Malaysia's "RM 6.36" beside an amount; not "(RM)" alone, Rome's province.
    "MYR": r"ringgit|(?-i:RM)(?=\s?\d)|(?<=\d)\s?(?-i:RM)",
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
    codes = [code.upper() for code in _CODE.findall(text)]
    return _most_common(codes) or _symbols(text) or _words(text)
